// Refuses a client certificate inside the TLS 1.3 handshake, with the alert Go's crypto/tls
// sends, instead of after it. node:tls checks a client certificate in JS once the handshake
// is over and can only drop the socket, so clients saw "EOF" where the real etcd's clients
// see "tlsv1 alert unknown ca". This gate sits between the byte stream and node's TLS
// socket: it lets the handshake through until the server has chosen TLS 1.3, then holds the
// client's second flight, opens it with the client handshake secret (from node's 'keylog'
// event), reads the Certificate message and asks `verify`. Accepted: the held bytes go on to
// OpenSSL unchanged. Refused: one alert record, protected with the server's application
// traffic secret (the key a TLS 1.3 client reads with once it has the server's Finished),
// then the connection ends. TLS 1.2, unknown suites or anything it cannot read pass through
// untouched, and `checked` stays false so the caller verifies after the handshake instead.
import { Duplex } from 'node:stream';
import type tls from 'node:tls';
import {
  HandshakeReader,
  RecordReader,
  TrafficProtection,
  isSupportedSuite,
  readCertificateList,
  readClientRandom,
  readServerHello,
  RECORD_ALERT,
  RECORD_APPLICATION_DATA,
  RECORD_CHANGE_CIPHER_SPEC,
  RECORD_HANDSHAKE,
  type TlsRecord,
} from './record-layer.ts';

/** TLS alert descriptions (RFC 8446 §6) a certificate check may answer with. */
export const ALERTS = { bad_certificate: 42, certificate_expired: 45, unknown_ca: 48, certificate_required: 116 } as const;
export type CertificateAlert = keyof typeof ALERTS;

export interface CertificateVerdict {
  alert: CertificateAlert;
  /** The server's own words for the refusal (etcd logs them). */
  error: string;
}

/** Decides on a client's chain, leaf first; an empty chain means the client sent none. */
export type VerifyClientChain = (chain: Buffer[]) => CertificateVerdict | undefined;

const HS_CLIENT_HELLO = 1;
const MAX_HELD_BYTES = 256 * 1024;
const HS_SERVER_HELLO = 2;
const HS_CERTIFICATE = 11;

type Phase = 'hello' | 'gated' | 'pass' | 'refused';

/** The byte stream node's TLS server reads, with the gate in between. */
export class GatedStream extends Duplex {
  /** Set when the gate refused the client's certificate (the alert has been sent). */
  refused: CertificateVerdict | undefined;
  /** True once the gate itself accepted or refused the certificate within the handshake. */
  checked = false;
  clientRandom: string | undefined;
  private phase: Phase = 'hello';
  private suite = 0;
  private readonly inRecords = new RecordReader();
  private readonly inHandshake = new HandshakeReader();
  private readonly outRecords = new RecordReader();
  private readonly outHandshake = new HandshakeReader();
  private readonly clientHandshake = new HandshakeReader();
  private outDone = false;
  private held: Buffer[] = [];
  private queued: TlsRecord[] = [];
  private clientHs: TrafficProtection | undefined;
  private serverAppSecret: Buffer | undefined;
  private readonly secrets = new Map<string, Buffer>();
  private heldBytes = 0;
  private seenFirstByte = false;

  constructor(
    private readonly raw: Duplex,
    private readonly verify: VerifyClientChain,
    private readonly onRefused: (v: CertificateVerdict) => void,
    private readonly register: (random: string, s: GatedStream) => void,
  ) {
    super({ allowHalfOpen: true });
    raw.on('data', (c: Buffer) => this.inbound(c));
    raw.on('end', () => {
      if (this.phase === 'gated') this.release();
      if (this.phase !== 'refused') this.push(null);
    });
    raw.on('error', (e) => this.destroy(e));
    raw.on('close', () => {
      if (!this.destroyed) this.destroy();
    });
  }

  override _read(): void {
    if (this.raw.isPaused()) this.raw.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (!this.outDone) this.outbound(chunk);
    if (this.raw.destroyed || this.raw.writableEnded) return cb();
    this.raw.write(chunk, (e) => cb(e ?? null));
  }

  override _final(cb: (e?: Error | null) => void): void {
    if (!this.raw.writableEnded) this.raw.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    // After a refusal the raw stream is already ending with the alert in it: destroying it
    // now could drop the alert before it is flushed, so it closes on its own.
    if (this.phase !== 'refused') this.raw.destroy();
    cb(err);
  }

  /** A keylog line for this connection, from the server's 'keylog' event. */
  keylog(label: string, secret: Buffer): void {
    this.secrets.set(label, secret);
    if (label === 'SERVER_TRAFFIC_SECRET_0') this.serverAppSecret = secret;
    if (this.phase === 'gated') this.drain();
  }

  private forward(chunk: Buffer): void {
    if (!this.push(chunk)) this.raw.pause();
  }

  private inbound(chunk: Buffer): void {
    switch (this.phase) {
      case 'pass':
        return this.forward(chunk);
      case 'refused':
        return;
      case 'hello': {
        // Not TLS at all (plain HTTP to a TLS port): OpenSSL answers that by itself.
        if (!this.seenFirstByte && chunk.length > 0) {
          this.seenFirstByte = true;
          if (chunk[0] !== RECORD_HANDSHAKE) {
            this.phase = 'pass';
            return this.forward(chunk);
          }
        }
        for (const r of this.inRecords.push(chunk)) {
          if (r.type !== RECORD_HANDSHAKE) continue;
          for (const m of this.inHandshake.push(r.body)) {
            if (m.type !== HS_CLIENT_HELLO || this.clientRandom) continue;
            const random = readClientRandom(m.body);
            if (random) {
              this.clientRandom = random.toString('hex');
              this.register(this.clientRandom, this);
            }
          }
        }
        return this.forward(chunk);
      }
      case 'gated':
        this.held.push(chunk);
        this.heldBytes += chunk.length;
        // A flight this large is not a certificate we can judge here; OpenSSL bounds it.
        if (this.heldBytes > MAX_HELD_BYTES) return this.release();
        this.queued.push(...this.inRecords.push(chunk));
        return this.drain();
    }
  }

  private outbound(chunk: Buffer): void {
    for (const r of this.outRecords.push(chunk)) {
      if (r.type !== RECORD_HANDSHAKE) continue;
      for (const m of this.outHandshake.push(r.body)) {
        if (m.type !== HS_SERVER_HELLO) continue;
        const hello = readServerHello(m.body);
        if (!hello || hello.retry) continue;
        this.outDone = true;
        if (this.phase !== 'hello') return;
        if (!hello.tls13 || !isSupportedSuite(hello.suite) || !this.clientRandom || !this.inRecords.atBoundary) {
          this.phase = 'pass';
          return;
        }
        this.suite = hello.suite;
        this.phase = 'gated';
        return;
      }
    }
  }

  /** Reads the held records as far as the secrets allow, until the Certificate message. */
  private drain(): void {
    if (!this.clientHs) {
      // OpenSSL reports the secret before it writes the ServerHello that opened the gate;
      // without it the flight cannot be read, so it goes on unjudged.
      const secret = this.secrets.get('CLIENT_HANDSHAKE_TRAFFIC_SECRET');
      if (!secret) return this.release();
      this.clientHs = new TrafficProtection(this.suite, secret);
    }
    while (this.phase === 'gated' && this.queued.length) {
      const r = this.queued.shift()!;
      if (r.type === RECORD_CHANGE_CIPHER_SPEC) continue;
      if (r.type !== RECORD_APPLICATION_DATA) return this.release();
      const inner = this.clientHs.open(r);
      if (!inner || inner.type !== RECORD_HANDSHAKE) return this.release();
      for (const m of this.clientHandshake.push(inner.content)) {
        if (m.type !== HS_CERTIFICATE) continue;
        const chain = readCertificateList(m.body);
        if (!chain) return this.release();
        const verdict = this.verify(chain);
        this.checked = true;
        return verdict ? this.refuse(verdict) : this.release();
      }
    }
  }

  private release(): void {
    this.phase = 'pass';
    const held = this.held;
    this.held = [];
    this.queued = [];
    for (const c of held) this.forward(c);
  }

  private refuse(verdict: CertificateVerdict): void {
    if (!this.serverAppSecret) {
      // Without the key the alert cannot be read by the client; let OpenSSL and the
      // caller's post-handshake check deal with it instead.
      this.checked = false;
      return this.release();
    }
    this.phase = 'refused';
    this.refused = verdict;
    this.held = [];
    this.queued = [];
    const alert = new TrafficProtection(this.suite, this.serverAppSecret).seal(RECORD_ALERT, Buffer.from([2, ALERTS[verdict.alert]]));
    this.onRefused(verdict);
    if (!this.raw.destroyed && !this.raw.writableEnded) this.raw.end(alert);
    // node's TLS socket sees the stream end in mid-handshake and gives up on it.
    this.push(null);
  }
}

/**
 * One per tls.Server: routes the server's keylog lines to the gated stream of the
 * connection they belong to (named by the ClientHello random).
 */
export class ClientCertGate {
  private readonly byRandom = new Map<string, GatedStream>();

  constructor(server: tls.Server) {
    server.on('keylog', (line: Buffer) => {
      const [label, random, secret] = line.toString('latin1').trim().split(' ');
      if (!label || !random || !secret) return;
      this.byRandom.get(random.toLowerCase())?.keylog(label, Buffer.from(secret, 'hex'));
    });
  }

  /** Wraps a connection's raw stream; hand the result to the server instead of `raw`. */
  wrap(raw: Duplex, verify: VerifyClientChain, onRefused: (v: CertificateVerdict) => void): GatedStream {
    const s = new GatedStream(raw, verify, onRefused, (random, g) => {
      this.byRandom.set(random, g);
      g.once('close', () => this.byRandom.delete(random));
    });
    return s;
  }
}
