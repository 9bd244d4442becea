// Just enough of TLS 1.3's record layer (RFC 8446 §5 and §7) to read a client's encrypted
// handshake flight and to send one encrypted alert, given the traffic secrets OpenSSL
// reports through node's 'keylog' event. Used by the client-certificate gate, so a server
// can refuse a certificate inside the handshake with the alert Go's crypto/tls sends.
import crypto from 'node:crypto';

export const RECORD_CHANGE_CIPHER_SPEC = 20;
export const RECORD_ALERT = 21;
export const RECORD_HANDSHAKE = 22;
export const RECORD_APPLICATION_DATA = 23;
const RECORD_HEADER = 5;
const TAG_BYTES = 16;

export interface TlsRecord {
  type: number;
  /** The 5-byte header, which is the additional data of a protected record. */
  header: Buffer;
  body: Buffer;
}

/** Splits a byte stream into records; bytes of an unfinished record wait for the next push. */
export class RecordReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): TlsRecord[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: TlsRecord[] = [];
    while (this.pending.length >= RECORD_HEADER) {
      const len = this.pending.readUInt16BE(3);
      if (this.pending.length < RECORD_HEADER + len) break;
      out.push({ type: this.pending[0]!, header: this.pending.subarray(0, RECORD_HEADER), body: this.pending.subarray(RECORD_HEADER, RECORD_HEADER + len) });
      this.pending = this.pending.subarray(RECORD_HEADER + len);
    }
    return out;
  }

  /** True when the bytes seen so far end exactly on a record boundary. */
  get atBoundary(): boolean {
    return this.pending.length === 0;
  }
}

/** Collects handshake messages (type, 3-byte length, body) that may span records. */
export class HandshakeReader {
  private pending: Buffer = Buffer.alloc(0);

  push(fragment: Buffer): { type: number; body: Buffer }[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, fragment]) : fragment;
    const out: { type: number; body: Buffer }[] = [];
    while (this.pending.length >= 4) {
      const len = this.pending.readUIntBE(1, 3);
      if (this.pending.length < 4 + len) break;
      out.push({ type: this.pending[0]!, body: this.pending.subarray(4, 4 + len) });
      this.pending = this.pending.subarray(4 + len);
    }
    return out;
  }
}

interface SuiteParams {
  hash: 'sha256' | 'sha384';
  cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  keyBytes: number;
}

/** The TLS 1.3 cipher suites OpenSSL enables by default (the CCM ones are off). */
const SUITES: Record<number, SuiteParams> = {
  0x1301: { hash: 'sha256', cipher: 'aes-128-gcm', keyBytes: 16 },
  0x1302: { hash: 'sha384', cipher: 'aes-256-gcm', keyBytes: 32 },
  0x1303: { hash: 'sha256', cipher: 'chacha20-poly1305', keyBytes: 32 },
};

export const isSupportedSuite = (suite: number): boolean => suite in SUITES;

function hkdfExpand(hash: string, prk: Buffer, info: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  let prev = Buffer.alloc(0);
  for (let i = 1, got = 0; got < length; i++) {
    prev = crypto.createHmac(hash, prk).update(Buffer.concat([prev, info, Buffer.from([i])])).digest();
    blocks.push(prev);
    got += prev.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** HKDF-Expand-Label (RFC 8446 §7.1) with an empty context, as the traffic keys use. */
export function hkdfExpandLabel(hash: string, secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0])]);
  return hkdfExpand(hash, secret, info, length);
}

/** One direction of a connection's protection: key, IV and the record sequence number. */
export class TrafficProtection {
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private readonly params: SuiteParams;
  private seq = 0n;

  constructor(suite: number, secret: Buffer) {
    const p = SUITES[suite];
    if (!p) throw new Error(`unsupported TLS 1.3 cipher suite 0x${suite.toString(16)}`);
    this.params = p;
    this.key = hkdfExpandLabel(p.hash, secret, 'key', p.keyBytes);
    this.iv = hkdfExpandLabel(p.hash, secret, 'iv', 12);
  }

  private nonce(): Buffer {
    const n = Buffer.from(this.iv);
    const s = Buffer.alloc(8);
    s.writeBigUInt64BE(this.seq);
    for (let i = 0; i < 8; i++) n[4 + i]! ^= s[i]!;
    this.seq++;
    return n;
  }

  /** The inner content type and content of a protected record, or undefined if it does not open. */
  open(record: TlsRecord): { type: number; content: Buffer } | undefined {
    if (record.body.length < TAG_BYTES + 1) return undefined;
    const decipher = crypto.createDecipheriv(this.params.cipher as crypto.CipherGCMTypes, this.key, this.nonce(), { authTagLength: TAG_BYTES }) as crypto.DecipherGCM;
    decipher.setAAD(record.header);
    decipher.setAuthTag(record.body.subarray(record.body.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(record.body.subarray(0, record.body.length - TAG_BYTES)), decipher.final()]);
    } catch {
      return undefined;
    }
    // TLSInnerPlaintext: content, the real type, then zero padding.
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    if (end < 0) return undefined;
    return { type: plain[end]!, content: plain.subarray(0, end) };
  }

  /** A protected record carrying `content` of the given inner type. */
  seal(type: number, content: Buffer): Buffer {
    const inner = Buffer.concat([content, Buffer.from([type])]);
    const len = inner.length + TAG_BYTES;
    const header = Buffer.from([RECORD_APPLICATION_DATA, 0x03, 0x03, len >> 8, len & 0xff]);
    const cipher = crypto.createCipheriv(this.params.cipher as crypto.CipherGCMTypes, this.key, this.nonce(), { authTagLength: TAG_BYTES }) as crypto.CipherGCM;
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(inner), cipher.final()]);
    return Buffer.concat([header, body, cipher.getAuthTag()]);
  }
}

/** The random of a ServerHello that is really a HelloRetryRequest (RFC 8446 §4.1.3). */
const HELLO_RETRY_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

/** What a ServerHello body says: the suite, whether TLS 1.3 was chosen, and whether it asks for a retry. */
export function readServerHello(body: Buffer): { suite: number; tls13: boolean; retry: boolean } | undefined {
  let p = 2;
  if (body.length < p + 32 + 1) return undefined;
  const retry = body.subarray(p, p + 32).equals(HELLO_RETRY_RANDOM);
  p += 32;
  p += 1 + body[p]!;
  if (body.length < p + 3) return undefined;
  const suite = body.readUInt16BE(p);
  p += 3;
  let tls13 = false;
  if (body.length >= p + 2) {
    const end = Math.min(body.length, p + 2 + body.readUInt16BE(p));
    p += 2;
    while (p + 4 <= end) {
      const type = body.readUInt16BE(p);
      const len = body.readUInt16BE(p + 2);
      if (type === 43 && len === 2 && p + 6 <= end) tls13 = body.readUInt16BE(p + 4) === 0x0304;
      p += 4 + len;
    }
  }
  return { suite, tls13, retry };
}

/** The ClientHello's random, which the keylog lines name the connection by. */
export function readClientRandom(body: Buffer): Buffer | undefined {
  return body.length >= 34 ? Buffer.from(body.subarray(2, 34)) : undefined;
}

/** The DER certificates of a TLS 1.3 Certificate message, leaf first. */
export function readCertificateList(body: Buffer): Buffer[] | undefined {
  let p = 0;
  if (body.length < 1) return undefined;
  p += 1 + body[0]!;
  if (body.length < p + 3) return undefined;
  const end = p + 3 + body.readUIntBE(p, 3);
  p += 3;
  if (end > body.length) return undefined;
  const certs: Buffer[] = [];
  while (p < end) {
    if (p + 3 > end) return undefined;
    const len = body.readUIntBE(p, 3);
    p += 3;
    if (p + len + 2 > end) return undefined;
    certs.push(Buffer.from(body.subarray(p, p + len)));
    p += len;
    p += 2 + body.readUInt16BE(p);
  }
  return certs;
}
