// The Network over the real operating system: TCP through node:net, names resolved by
// the OS. Used in real mode and by interop tests against the real etcd/etcdctl.
import net from 'node:net';
import dns from 'node:dns';
import type { Duplex } from 'node:stream';
import { NetError, type Address, type Listener, type Network, type NetErrorCode } from './network.ts';

const KNOWN_CODES = new Set<NetErrorCode>([
  'ECONNREFUSED',
  'EADDRINUSE',
  'EADDRNOTAVAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'ENOTFOUND',
  'EACCES',
]);

/** Maps a Node socket error onto our NetError; unknown codes become ECONNRESET (the closest Go reading). */
function toNetError(e: unknown, syscall: NetError['syscall'], addr: Address): NetError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') return new NetError('ENOTFOUND', 'lookup', addr);
  if (code && KNOWN_CODES.has(code as NetErrorCode)) {
    return new NetError(code as NetErrorCode, code === 'ENOTFOUND' ? 'lookup' : syscall, addr);
  }
  return new NetError('ECONNRESET', syscall, addr);
}

export class NodeNetwork implements Network {
  /** Synchronous lookups cannot use the resolver; only literal addresses and localhost resolve here. */
  resolve(hostname: string): string | undefined {
    if (net.isIP(hostname)) return hostname;
    if (hostname === 'localhost') return '127.0.0.1';
    return undefined;
  }

  listen(addr: Address, onConnection: (socket: Duplex, remote: Address) => void): Promise<Listener> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((sock) => {
        onConnection(sock, { host: sock.remoteAddress ?? '', port: sock.remotePort ?? 0 });
      });
      const sockets = new Set<net.Socket>();
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      server.once('error', (e) => reject(toNetError(e, 'listen', addr)));
      const host = addr.host === '0.0.0.0' ? '0.0.0.0' : addr.host;
      server.listen({ host, port: addr.port, exclusive: true }, () => {
        const a = server.address() as net.AddressInfo;
        resolve({
          address: { host: addr.host, port: a.port },
          close: () =>
            new Promise<void>((res) => {
              for (const s of sockets) s.destroy();
              server.close(() => res());
            }),
        });
      });
    });
  }

  connect(addr: Address, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(new NetError('ETIMEDOUT', 'connect', addr));
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (err: NetError | null) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) {
          sock.destroy();
          reject(err);
        } else {
          sock.removeListener('error', onError);
          resolve(sock);
        }
      };
      const onError = (e: Error) => finish(toNetError(e, 'connect', addr));
      const onAbort = () => finish(new NetError('ETIMEDOUT', 'connect', addr));
      const sock = net.connect({ host: addr.host, port: addr.port, lookup: osLookup });
      sock.once('error', onError);
      sock.once('connect', () => finish(null));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.timeoutMs !== undefined) timer = setTimeout(onAbort, opts.timeoutMs);
    });
  }
}

/** The OS resolver (getaddrinfo), IPv4 first as Go's dialer tries it for these hosts. */
const osLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, family: 0, verbatim: false }, callback as never);
};
