// The network, handed in: byte streams between addresses. node:tls and node:http run
// over any Duplex, so the same etcd serves real TLS on real TCP (real mode), on the
// sandbox's virtual network, and on in-memory links.
import type { Duplex } from 'node:stream';

export interface Address {
  host: string;
  port: number;
}

export interface Listener {
  readonly address: Address;
  close(): Promise<void>;
}

/** Socket-level error codes, as Linux and Node name them. */
export type NetErrorCode =
  | 'ECONNREFUSED'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'EHOSTUNREACH'
  | 'ENETUNREACH'
  | 'ETIMEDOUT'
  | 'ECONNRESET'
  | 'ENOTFOUND'
  | 'EACCES';

const NET_DESCRIPTIONS: Record<NetErrorCode, string> = {
  ECONNREFUSED: 'connection refused',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset by peer',
  ENOTFOUND: 'no such host',
  EACCES: 'permission denied',
};

export class NetError extends Error {
  constructor(
    readonly code: NetErrorCode,
    readonly syscall: 'connect' | 'listen' | 'lookup' | 'read' | 'write',
    readonly address: Address,
  ) {
    super(`${syscall} ${code} ${address.host}:${address.port}`);
    this.name = 'NetError';
  }
  /** Go's wording, as etcd and etcdctl print it: "dial tcp 127.0.0.1:2379: connect: connection refused". */
  goMessage(): string {
    const op = this.syscall === 'listen' ? 'listen tcp' : 'dial tcp';
    if (this.code === 'ENOTFOUND') return `${op}: lookup ${this.address.host}: no such host`;
    return `${op} ${this.address.host}:${this.address.port}: ${this.syscall === 'listen' ? 'bind' : this.syscall}: ${NET_DESCRIPTIONS[this.code]}`;
  }
}

export interface Network {
  /** Host names this network resolves, and to which address; undefined when unknown. */
  resolve(hostname: string): string | undefined;
  /**
   * Listens on host:port ('0.0.0.0' = every address of this host). Rejects with
   * NetError EADDRINUSE / EADDRNOTAVAIL.
   */
  listen(addr: Address, onConnection: (socket: Duplex, remote: Address) => void): Promise<Listener>;
  /** Opens a byte stream to host:port. Rejects with NetError (ECONNREFUSED, EHOSTUNREACH, ETIMEDOUT, ENOTFOUND). */
  connect(addr: Address, opts?: { signal?: AbortSignal; timeoutMs?: number }): Promise<Duplex>;
}
