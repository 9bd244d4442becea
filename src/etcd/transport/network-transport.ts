// Raft messages between members over platform Network: one outgoing stream per peer,
// length-prefixed frames (u32 big-endian + JSON, byte fields as base64). The first frame
// says who is talking (protocol version, cluster id, from, to); a peer of another cluster is
// refused. A malformed frame is logged and dropped; a broken stream is closed and re-dialled.
import type { Duplex } from 'node:stream';
import type { Clock } from '../../platform/clock.ts';
import { NetError, type Address, type Listener, type Network } from '../../platform/network.ts';
import type { Entry, Message, MessageType } from '../../raft/types.ts';
import type { Logger } from '../log.ts';
import type { Member } from '../server/membership.ts';
import { parseUrl } from '../types/urls.ts';
import { SendReports, type PeerTransport, type PeerVerdict } from './peer-transport.ts';

export const PROTOCOL_VERSION = 1;
const MAX_FRAME = 64 * 1024 * 1024;
const MAX_QUEUE = 4096;
const REDIAL_MS = 100;

const MESSAGE_TYPES = new Set<MessageType>([
  'MsgHup', 'MsgBeat', 'MsgProp', 'MsgApp', 'MsgAppResp', 'MsgVote', 'MsgVoteResp', 'MsgSnap', 'MsgHeartbeat', 'MsgHeartbeatResp',
  'MsgUnreachable', 'MsgSnapStatus', 'MsgCheckQuorum', 'MsgTransferLeader', 'MsgTimeoutNow', 'MsgReadIndex', 'MsgReadIndexResp', 'MsgPreVote', 'MsgPreVoteResp',
]);

type Hello = { v: number; kind: 'raft'; clusterId: string; from: string; to: string } | { v: number; kind: 'cluster-info' };

export function encodeFrame(obj: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(obj, (_k, v: unknown) => (v instanceof Uint8Array ? { $b: Buffer.from(v).toString('base64') } : v)));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

function reviveBytes(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o['$b'] === 'string' && Object.keys(o).length === 1) return new Uint8Array(Buffer.from(o['$b'], 'base64'));
  }
  return v;
}

/** Splits a byte stream into frames; calls onFrame with each parsed JSON value (or an Error). */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (v: unknown) => void) {}
  /** Returns false when the stream is beyond repair (absurd length). */
  push(chunk: Buffer): boolean {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (len > MAX_FRAME) return false;
      if (this.buf.length < 4 + len) break;
      const body = this.buf.subarray(4, 4 + len);
      this.buf = this.buf.subarray(4 + len);
      try {
        this.onFrame(JSON.parse(body.toString('utf8'), reviveBytes));
      } catch (e) {
        this.onFrame(e instanceof Error ? e : new Error(String(e)));
      }
    }
    return true;
  }
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isId = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{0,16}$/.test(v);

function validEntry(e: unknown): e is Entry {
  const x = e as Entry;
  return !!x && typeof x === 'object' && isNum(x.term) && isNum(x.index) && (x.type === 'normal' || x.type === 'confchange') && x.data instanceof Uint8Array;
}

/** Checks every field a raft message must have; throws with what is wrong. */
export function validateMessage(v: unknown): Message {
  const m = v as Message;
  if (!m || typeof m !== 'object') throw new Error('message is not an object');
  if (!MESSAGE_TYPES.has(m.type)) throw new Error(`unknown message type ${JSON.stringify(m.type)}`);
  if (!isId(m.to) || !isId(m.from)) throw new Error('bad from/to');
  for (const k of ['term', 'logTerm', 'index', 'commit', 'rejectHint'] as const) if (!isNum(m[k])) throw new Error(`bad ${k}`);
  if (typeof m.reject !== 'boolean') throw new Error('bad reject');
  if (!Array.isArray(m.entries) || !m.entries.every(validEntry)) throw new Error('bad entries');
  if (m.context !== undefined && !(m.context instanceof Uint8Array)) throw new Error('bad context');
  if (m.snapshot !== undefined) {
    const s = m.snapshot;
    if (!s || !(s.data instanceof Uint8Array) || !s.metadata || !isNum(s.metadata.index) || !isNum(s.metadata.term)) throw new Error('bad snapshot');
    const cs = s.metadata.confState;
    if (!cs || !Array.isArray(cs.voters) || !Array.isArray(cs.learners) || ![...cs.voters, ...cs.learners].every(isId)) throw new Error('bad snapshot conf state');
  }
  return m;
}

interface PeerConn {
  id: string;
  urls: string[];
  socket?: Duplex;
  connecting: boolean;
  /** Frames waiting for a stream, with the message each carries (for send reports). */
  queue: { frame: Buffer; m: Message }[];
  active: boolean;
  lastDial: number;
  activeSince?: number;
  /** When "peer became inactive" was last logged (undefined: never, or active since). */
  lastInactiveLog?: number;
}

export interface NetworkTransportOptions {
  net: Network;
  clock: Clock;
  log: Logger;
  memberId: string;
  clusterId: string;
  /** Resolves host names in peer URLs (the sandbox's /etc/hosts, DNS in real mode). */
  resolve?: (host: string) => string | undefined;
  /** Answers cluster-info requests from members joining with --initial-cluster-state existing. */
  clusterInfo?: () => { clusterId: string; members: Member[] };
  /**
   * Peer TLS (--peer-cert-file ...): serves https listen URLs and dials https peer URLs.
   * Built outside the transport (src/etcd/cli/peer-tls-layer.ts) so node:tls stays out.
   */
  secure?: PeerTlsLayer;
}

/** TLS for https peer URLs, handed in by whoever may use node:tls. */
export interface PeerTlsLayer {
  /** Runs the server side of a handshake on an accepted stream; onSecure gets the secured one. */
  accept(raw: Duplex, remote: Address, onSecure: (s: Duplex, remote: Address) => void): void;
  /** Runs the client side on a dialled stream; rejects with Go's wording of the failure. */
  dial(raw: Duplex, host: string): Promise<Duplex>;
}

export interface PeerTlsMaterial {
  cert: Uint8Array;
  key: Uint8Array;
  /** --peer-trusted-ca-file; without it (e.g. --peer-auto-tls) peers are not verified. */
  ca?: Uint8Array;
  clientCertAuth: boolean;
  /** Go's wording of a handshake failure (shared with the client endpoint). */
  goError: (e: Error) => string;
  /** The time peer certificates are judged at (the host's clock). */
  now?: () => number;
}

export class NetworkPeerTransport implements PeerTransport {
  private peers = new Map<string, PeerConn>();
  private handler: (m: Message) => PeerVerdict = () => {};
  private listeners: Listener[] = [];
  private inbound = new Set<Duplex>();
  private closed = false;
  private readonly reports = new SendReports();
  private readonly tlsLayer: PeerTlsLayer | undefined;

  constructor(private readonly o: NetworkTransportOptions) {
    this.tlsLayer = o.secure;
  }

  /** The member's identity becomes known after the data dir is read (listening starts before). */
  setIdentity(memberId: string, clusterId: string, clusterInfo?: () => { clusterId: string; members: Member[] }): void {
    this.o.memberId = memberId;
    this.o.clusterId = clusterId;
    if (clusterInfo) this.o.clusterInfo = clusterInfo;
  }

  /** Starts accepting peer connections; `secure` listeners speak TLS (https peer URLs). */
  async listen(addrs: (Address & { secure?: boolean })[]): Promise<void> {
    for (const a of addrs) {
      const tlsLayer = a.secure ? this.tlsLayer : undefined;
      this.listeners.push(
        await this.o.net.listen({ host: a.host, port: a.port }, (s, remote) => (tlsLayer ? tlsLayer.accept(s, remote, (t, r) => this.accept(t, r)) : this.accept(s, remote))),
      );
    }
  }

  /** Wraps a dialled stream in TLS for an https peer URL. */
  private secureDial(s: Duplex, host: string): Promise<Duplex> {
    if (!this.tlsLayer) return Promise.reject(new Error('TLS key/cert (--peer-cert-file, --peer-key-file) must be provided for peer url with HTTPS scheme'));
    return this.tlsLayer.dial(s, host);
  }

  get addresses(): Address[] {
    return this.listeners.map((l) => l.address);
  }

  send(msgs: Message[]): void {
    if (this.closed) return;
    for (const m of msgs) {
      const p = this.peers.get(m.to);
      if (!p) continue;
      if (p.queue.length >= MAX_QUEUE) this.reports.lost(p.queue.shift()!.m);
      p.queue.push({ frame: encodeFrame(m), m });
      this.flush(p);
    }
  }

  onMessage(handler: (m: Message) => PeerVerdict): void {
    this.handler = handler;
  }

  onUnreachable(handler: (to: string) => void): void {
    this.reports.unreachable = handler;
  }

  onSnapshotStatus(handler: (to: string, failed: boolean) => void): void {
    this.reports.snapshot = handler;
  }

  onRemoved(handler: () => void): void {
    this.reports.removed = handler;
  }

  addPeer(id: string, peerUrls: string[]): void {
    const p = this.peers.get(id);
    if (p) p.urls = [...peerUrls];
    else {
      this.peers.set(id, { id, urls: [...peerUrls], connecting: false, queue: [], active: false, lastDial: -Infinity });
      this.o.log.info('rafthttp/transport.go:294', 'added remote peer', { 'local-member-id': this.o.memberId, 'remote-peer-id': id, 'remote-peer-urls': peerUrls });
    }
  }

  removePeer(id: string): void {
    const p = this.peers.get(id);
    if (!p) return;
    p.socket?.destroy();
    this.peers.delete(id);
    this.o.log.info('rafthttp/transport.go:333', 'removed remote peer', { 'local-member-id': this.o.memberId, 'removed-remote-peer-id': id });
  }

  activeSince(id: string): number | undefined {
    return this.peers.get(id)?.activeSince;
  }

  close(): void {
    this.closed = true;
    for (const p of this.peers.values()) p.socket?.destroy();
    for (const s of this.inbound) s.destroy();
    for (const l of this.listeners) void l.close();
  }

  private flush(p: PeerConn): void {
    const s = p.socket;
    if (s) {
      while (p.queue.length > 0) {
        const { frame, m } = p.queue.shift()!;
        // A snapshot counts as sent once the stream took all of it (etcd: once the peer
        // answered its POST); a stream that breaks first reports it lost.
        s.write(frame, (err) => {
          if (this.closed) return;
          if (err) this.reports.lost(m);
          else this.reports.delivered(m);
        });
      }
      return;
    }
    if (p.connecting || this.o.clock.monotonic() - p.lastDial < REDIAL_MS) return;
    void this.dial(p);
  }

  private async dial(p: PeerConn): Promise<void> {
    p.connecting = true;
    p.lastDial = this.o.clock.monotonic();
    let lastErr = '';
    for (const raw of p.urls) {
      let addr: Address;
      try {
        const u = parseUrl(raw);
        addr = { host: this.o.resolve?.(u.host) ?? u.host, port: u.port };
      } catch (e) {
        lastErr = (e as Error).message;
        continue;
      }
      try {
        const plain = await this.o.net.connect(addr, { timeoutMs: 1000 });
        const s = parseUrl(raw).scheme === 'https' ? await this.secureDial(plain, parseUrl(raw).host).catch((e: Error) => (plain.destroy(), Promise.reject(e))) : plain;
        if (this.closed || !this.peers.has(p.id)) {
          s.destroy();
          break;
        }
        s.on('error', () => {});
        s.write(encodeFrame({ v: PROTOCOL_VERSION, kind: 'raft', clusterId: this.o.clusterId, from: this.o.memberId, to: p.id } satisfies Hello));
        p.socket = s;
        p.connecting = false;
        if (!p.active) {
          p.active = true;
          p.lastInactiveLog = undefined;
          p.activeSince = this.o.clock.now();
          this.o.log.info('rafthttp/peer_status.go:53', 'peer became active', { 'peer-id': p.id });
        }
        s.on('close', () => this.lost(p, s, 'EOF'));
        // The only thing a peer says back on our stream: that we were removed (etcd: 410 Gone).
        const answers = new FrameReader((v) => {
          if (!this.closed && v && typeof v === 'object' && (v as { removed?: unknown }).removed === true) this.reports.removed();
        });
        s.on('data', (chunk: Buffer) => void answers.push(Buffer.from(chunk)));
        this.flush(p);
        return;
      } catch (e) {
        lastErr = e instanceof NetError ? e.goMessage() : (e as Error).message;
      }
    }
    p.connecting = false;
    const now = this.o.clock.monotonic();
    if (p.active || p.lastInactiveLog === undefined) {
      // Once per transition, as etcd's peer status does; then a reminder every 30 s.
      p.active = false;
      p.activeSince = undefined;
      p.lastInactiveLog = now;
      this.o.log.warn('rafthttp/peer_status.go:66', 'peer became inactive (message send to peer failed)', {
        'peer-id': p.id,
        error: `failed to dial ${p.id} on stream MsgApp v2 (${lastErr})`,
      });
    } else if (now - p.lastInactiveLog >= 30_000) {
      p.lastInactiveLog = now;
      this.o.log.warn('rafthttp/probing_status.go:68', 'prober detected unhealthy status', {
        'round-tripper-name': 'ROUND_TRIPPER_RAFT_MESSAGE',
        'remote-peer-id': p.id,
        rtt: '0s',
        error: lastErr,
      });
    }
    // Without a stream the queued messages are lost, as raft expects: it resends once told.
    const lost = p.queue;
    p.queue = [];
    if (!this.closed && this.peers.get(p.id) === p) {
      for (const { m } of lost) if (m.type === 'MsgSnap') this.reports.snapshot(m.to, true);
      this.reports.unreachable(p.id);
    }
  }

  private lost(p: PeerConn, s: Duplex, why: string): void {
    if (p.socket !== s) return;
    p.socket = undefined;
    if (p.active && !this.closed) {
      p.active = false;
      p.activeSince = undefined;
      p.lastInactiveLog = this.o.clock.monotonic();
      this.o.log.warn('rafthttp/peer_status.go:66', 'peer became inactive (message send to peer failed)', { 'peer-id': p.id, error: why });
    }
  }

  private accept(s: Duplex, remote: Address): void {
    if (this.closed) {
      s.destroy();
      return;
    }
    this.inbound.add(s);
    s.on('close', () => this.inbound.delete(s));
    s.on('error', () => {});
    let hello: Hello | undefined;
    let toldRemoved = false;
    const reader = new FrameReader((v) => {
      if (v instanceof Error) {
        this.o.log.warn('rafthttp/stream.go:682', 'failed to decode raft message', { 'local-member-id': this.o.memberId, 'remote-addr': `${remote.host}:${remote.port}`, error: v.message });
        if (!hello) s.destroy();
        return;
      }
      if (!hello) {
        hello = this.checkHello(v, s, remote);
        return;
      }
      if (hello.kind !== 'raft') return;
      try {
        const m = validateMessage(v);
        if (m.from !== hello.from || m.to !== this.o.memberId) throw new Error(`message from ${m.from} to ${m.to} on a stream from ${hello.from}`);
        if (this.handler(m) === 'removed' && !toldRemoved) {
          toldRemoved = true;
          s.write(encodeFrame({ removed: true }));
        }
      } catch (e) {
        this.o.log.warn('rafthttp/stream.go:682', 'failed to decode raft message', { 'local-member-id': this.o.memberId, 'remote-peer-id': hello.from, error: (e as Error).message });
      }
    });
    s.on('data', (chunk: Buffer) => {
      if (!reader.push(Buffer.from(chunk))) {
        this.o.log.warn('rafthttp/stream.go:682', 'failed to read raft message', { 'local-member-id': this.o.memberId, 'remote-addr': `${remote.host}:${remote.port}`, error: 'frame too large' });
        s.destroy();
      }
    });
  }

  private checkHello(v: unknown, s: Duplex, remote: Address): Hello | undefined {
    const h = v as Hello;
    if (!h || typeof h !== 'object' || h.v !== PROTOCOL_VERSION) {
      this.o.log.warn('rafthttp/http.go:520', 'failed to find remote peer in cluster', { 'local-member-id': this.o.memberId, 'remote-addr': `${remote.host}:${remote.port}`, error: 'unsupported protocol' });
      s.destroy();
      return undefined;
    }
    if (h.kind === 'cluster-info') {
      const info = this.o.clusterInfo?.() ?? { clusterId: this.o.clusterId, members: [] };
      s.end(encodeFrame(info));
      return h;
    }
    if (h.clusterId !== this.o.clusterId) {
      this.o.log.warn('rafthttp/http.go:500', 'request cluster ID mismatch', {
        'local-member-id': this.o.memberId,
        'local-member-cluster-id': this.o.clusterId,
        'remote-peer-id': h.from,
        'remote-peer-cluster-id': h.clusterId,
      });
      s.destroy();
      return undefined;
    }
    if (h.to !== this.o.memberId) {
      this.o.log.warn('rafthttp/http.go:540', 'request target ID mismatch', { 'local-member-id': this.o.memberId, 'remote-peer-id': h.from, 'remote-peer-target-id': h.to });
      s.destroy();
      return undefined;
    }
    return h;
  }
}

/** Asks running members for the cluster (for --initial-cluster-state existing). */
export async function fetchClusterInfo(
  net: Network,
  peerUrls: string[],
  resolve?: (h: string) => string | undefined,
  tlsLayer?: PeerTlsLayer,
): Promise<{ clusterId: string; members: Member[] }> {
  let lastErr = 'could not retrieve cluster information from the given URLs';
  for (const raw of peerUrls) {
    try {
      const u = parseUrl(raw);
      const plain = await net.connect({ host: resolve?.(u.host) ?? u.host, port: u.port }, { timeoutMs: 1000 });
      let s: Duplex = plain;
      if (u.scheme === 'https') {
        if (!tlsLayer) throw new Error(`cannot dial ${raw}: no peer TLS configured`);
        s = await tlsLayer.dial(plain, u.host).catch((e: Error) => (plain.destroy(), Promise.reject(e)));
      }
      const info = await new Promise<{ clusterId: string; members: Member[] }>((res, rej) => {
        const reader = new FrameReader((v) => {
          s.destroy();
          if (v instanceof Error) rej(v);
          else res(v as { clusterId: string; members: Member[] });
        });
        s.on('data', (c: Buffer) => reader.push(Buffer.from(c)));
        s.on('error', rej);
        s.on('close', () => rej(new Error('EOF')));
        s.write(encodeFrame({ v: PROTOCOL_VERSION, kind: 'cluster-info' } satisfies Hello));
      });
      if (typeof info.clusterId === 'string' && Array.isArray(info.members)) return info;
    } catch (e) {
      lastErr = e instanceof NetError ? e.goMessage() : (e as Error).message;
    }
  }
  throw new Error(lastErr);
}

