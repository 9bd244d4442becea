// Two connected in-memory sockets, the virtual network's TCP connection. Each end is
// a Duplex with the bits of net.Socket that node:http and node:tls touch (addresses,
// setTimeout, setNoDelay …), so an http.Server fed with emit('connection', sock) and
// tls.connect({ socket }) run over it unchanged. Node 20 has no stream.duplexPair.
import { Duplex } from 'node:stream';
import type { Cancel, Clock } from '../platform/clock.ts';

/** How far a reader may fall behind before writers wait (a socket's buffer). */
const SOCKET_BUFFER_BYTES = 256 * 1024;

export interface Endpoint {
  host: string;
  port: number;
}

export class VirtualSocket extends Duplex {
  peer!: VirtualSocket;
  readonly remoteFamily: string;
  connecting = false;
  bytesWritten = 0;
  /** When false (partition, firewall drop), bytes wait as TCP would retransmit them, and flow on heal. */
  linkUp: () => boolean = () => true;
  private held: { chunk: Buffer | null; cb: () => void }[] = [];
  private drainWaiter: (() => void) | null = null;
  private timeoutMs = 0;
  private cancelTimer: Cancel | null = null;

  constructor(
    readonly local: Endpoint,
    readonly remote: Endpoint,
    private readonly clock: Clock,
  ) {
    super({ allowHalfOpen: false });
    this.remoteFamily = remote.host.includes(':') ? 'IPv6' : 'IPv4';
    // No 'data' listener here (deliver() touches the idle timer): one would switch the
    // socket to flowing mode at once, and bytes that arrive before its owner starts
    // reading (a request sent while etcd is still starting) would be lost.
  }

  get remoteAddress(): string {
    return this.remote.host;
  }
  get remotePort(): number {
    return this.remote.port;
  }
  get localAddress(): string {
    return this.local.host;
  }
  get localPort(): number {
    return this.local.port;
  }
  get readyState(): string {
    return this.destroyed ? 'closed' : 'open';
  }
  address(): { address: string; family: string; port: number } {
    return { address: this.local.host, family: this.remoteFamily, port: this.local.port };
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  /** Idle timeout as net.Socket has it: 'timeout' after ms without traffic (http.Server uses it for keep-alive). */
  setTimeout(ms: number, cb?: () => void): this {
    this.timeoutMs = ms;
    if (cb) this.once('timeout', cb);
    this.touch();
    return this;
  }

  /** Bytes written but held back by a partition: ss's Send-Q (what TCP would still retransmit). */
  get unsentBytes(): number {
    let n = 0;
    for (const h of this.held) n += h.chunk?.length ?? 0;
    return n;
  }

  /** Delivers what a partition held back. */
  flush(): void {
    if (!this.linkUp()) return;
    const held = this.held.splice(0);
    for (const h of held) this.deliver(h.chunk, h.cb);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.bytesWritten += chunk.length;
    this.touch();
    this.send(chunk, () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.send(null, () => cb());
  }

  override _read(): void {
    const w = this.drainWaiter;
    this.drainWaiter = null;
    w?.();
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    this.cancelTimer?.();
    this.held = [];
    // The peer sees end of stream, as after a FIN; it may already be gone.
    const peer = this.peer;
    if (peer && !peer.destroyed && !peer.readableEnded) setImmediate(() => !peer.destroyed && !peer.readableEnded && peer.push(null));
    cb(err);
  }

  private send(chunk: Buffer | null, cb: () => void): void {
    if (!this.linkUp() || this.held.length > 0) {
      this.held.push({ chunk, cb: chunk === null ? cb : () => {} });
      // Writes complete locally (the kernel buffers them); only end-of-stream waits.
      if (chunk !== null) cb();
      return;
    }
    this.deliver(chunk, cb);
  }

  private deliver(chunk: Buffer | null, cb: () => void): void {
    // Bytes arrive on a later turn of the event loop, as from a real socket. node:tls over a
    // JS stream completes each write with setImmediate; a peer answering within the same
    // turn made the TLS server drop its alert ("certificate required") because its
    // previous write was still in flight when the handshake failed.
    setImmediate(() => {
      const peer = this.peer;
      if (peer.destroyed || peer.readableEnded) return;
      peer.push(chunk);
      if (chunk !== null) peer.touch();
    });
    // Like a kernel socket buffer: a write is accepted at once unless the reader is far
    // behind. Accepting at once matters: a TLS server writes its alert and then destroys
    // the socket, and a write still queued in the Writable would be thrown away.
    if (chunk === null || this.peer.readableLength < SOCKET_BUFFER_BYTES) cb();
    else this.peer.drainWaiter = cb;
  }

  private touch(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (this.timeoutMs > 0 && !this.destroyed) this.cancelTimer = this.clock.after(this.timeoutMs, () => this.emit('timeout'));
  }
}

/** A connected pair: what the client writes the server reads, and back. */
export function socketPair(client: Endpoint, server: Endpoint, clock: Clock): [VirtualSocket, VirtualSocket] {
  const a = new VirtualSocket(client, server, clock);
  const b = new VirtualSocket(server, client, clock);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
