// A small HTTP/1.1 client over a sandbox process's Network, for wget (and anyone who
// downloads): name resolution, a TCP connection, TLS verified against the host's CA bundle
// (/etc/ssl/certs/ca-certificates.crt), one request, the whole response. Split in steps so
// a program can print its progress between them as wget does.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { NetError, type Network } from '../../platform/network.ts';
import type { FileSystem } from '../../platform/filesystem.ts';

export const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export class HttpClientError extends Error {
  constructor(
    readonly kind: 'resolve' | 'connect' | 'tls' | 'protocol' | 'timeout' | 'aborted',
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'HttpClientError';
  }
}

export interface HttpResponse {
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers joined with ', ' (set-cookie aside, which we do not need). */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The host's trusted CAs, as PEM text; undefined when the bundle is missing or unreadable. */
export function trustedCas(fs: FileSystem, file = CA_BUNDLE): string | undefined {
  try {
    return new TextDecoder().decode(fs.readFile(file));
  } catch {
    return undefined;
  }
}

export const defaultPort = (url: URL): number => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

/** The address a name resolves to on this network (throws HttpClientError 'resolve'). */
export function resolveHost(net: Network, host: string): string {
  const h = host.replace(/^\[|\]$/g, '');
  const ip = net.resolve(h);
  if (ip === undefined) throw new HttpClientError('resolve', `Could not resolve host: ${h}`);
  return ip;
}

/** Opens TCP (and TLS for https) to ip:port, naming `host` for SNI and verification. */
export async function openConnection(
  net: Network,
  url: URL,
  ip: string,
  opts: { ca?: string; insecure?: boolean; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<Duplex> {
  let sock: Duplex;
  try {
    sock = await net.connect({ host: ip, port: defaultPort(url) }, { signal: opts.signal, timeoutMs: opts.timeoutMs });
  } catch (e) {
    if (e instanceof NetError) throw new HttpClientError(e.code === 'ETIMEDOUT' ? 'timeout' : 'connect', e.code, e);
    throw e;
  }
  if (url.protocol !== 'https:') return sock;
  const servername = url.hostname.replace(/^\[|\]$/g, '');
  const secure = tls.connect({
    socket: sock,
    servername: /^[\d.]+$/.test(servername) ? undefined : servername,
    ca: opts.ca ?? [],
    rejectUnauthorized: !opts.insecure,
    checkServerIdentity: (h, cert) => tls.checkServerIdentity(servername || h, cert),
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (e: Error) => {
      secure.destroy();
      reject(new HttpClientError('tls', e.message, e));
    };
    secure.once('secureConnect', () => {
      secure.off('error', fail);
      resolve();
    });
    secure.once('error', fail);
  });
  return secure;
}

/** Sends one request on an open connection and reads the whole response. */
export function sendRequest(
  socket: Duplex,
  url: URL,
  opts: { method?: string; headers?: Record<string, string>; body?: Uint8Array; signal?: AbortSignal; maxBytes?: number } = {},
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        method: opts.method ?? 'GET',
        path: `${url.pathname}${url.search}`,
        host: url.hostname,
        port: defaultPort(url),
        headers: { Host: url.host, ...opts.headers },
        createConnection: () => socket as never,
        signal: opts.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (d: Buffer) => {
          size += d.length;
          if (opts.maxBytes !== undefined && size > opts.maxBytes) {
            res.destroy(new HttpClientError('protocol', 'response too large'));
            return;
          }
          chunks.push(d);
        });
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers, body: new Uint8Array(Buffer.concat(chunks)) });
          socket.destroy();
        });
        res.on('error', (e) => reject(e instanceof HttpClientError ? e : new HttpClientError('protocol', e.message, e)));
      },
    );
    req.on('error', (e) => reject(opts.signal?.aborted ? new HttpClientError('aborted', 'aborted', e) : new HttpClientError('protocol', e.message, e)));
    req.end(opts.body);
  });
}
