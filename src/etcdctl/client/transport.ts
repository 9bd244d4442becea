// HTTP/1.1 over any Network: node:http drives a Duplex the Network hands us, and
// node:tls wraps that Duplex for https. One request per connection keeps failover and
// deadlines simple; a watch holds its connection for as long as it streams.
import http from 'node:http';
import tls from 'node:tls';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Network } from '../../platform/network.ts';
import { checkHostGo, goTlsError, goVerifyError } from './tls-errors.ts';

export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
  /** --insecure-skip-tls-verify */
  skipVerify: boolean;
  /** Overrides the name checked against the server certificate (--discovery-srv's ServerName). */
  serverName?: string;
}

export interface Target {
  scheme: 'http' | 'https';
  host: string;
  port: number;
}

/** A connection-level failure with Go's words (dial or handshake); the request never reached the server. */
export class DialError extends Error {
  constructor(
    message: string,
    readonly kind: 'dial' | 'tls' | 'preface',
  ) {
    super(message);
  }
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
}

/** Resolves through the Network (so a sandbox name like node-2 works), then connects. */
export async function openStream(netw: Network, t: Target, tlsm: TlsMaterial | undefined, signal?: AbortSignal): Promise<Duplex> {
  const ip = netw.resolve(t.host);
  if (ip === undefined) throw new DialError(`dial tcp: lookup ${t.host}: no such host`, 'dial');
  let raw: Duplex;
  try {
    raw = await netw.connect({ host: ip, port: t.port }, { signal });
  } catch (e) {
    const ne = e as { goMessage?: () => string; message: string };
    const text = ne.goMessage ? ne.goMessage() : ne.message;
    // Go names the address it dialled as written, e.g. "dial tcp 127.0.0.1:2379".
    throw new DialError(text.replace(`${ip}:${t.port}`, `${net.isIP(t.host) ? t.host : ip}:${t.port}`), 'dial');
  }
  if (t.scheme === 'http') return raw;
  return handshake(raw, t.host, tlsm ?? { skipVerify: false });
}

function handshake(raw: Duplex, host: string, m: TlsMaterial): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const name = m.serverName || host;
    let sock: tls.TLSSocket;
    try {
      sock = tls.connect({
        socket: raw,
        ca: m.ca,
        cert: m.cert,
        key: m.key,
        servername: net.isIP(name) ? undefined : name,
        rejectUnauthorized: false,
        // The name is checked below, in Go's words; node would check 'localhost' for a bare socket.
        checkServerIdentity: () => undefined,
        ALPNProtocols: ['http/1.1'],
      });
    } catch (e) {
      raw.destroy();
      const msg = (e as Error).message;
      reject(new DialError(/key values mismatch/.test(msg) ? 'tls: private key does not match public key' : msg, 'tls'));
      return;
    }
    const fail = (text: string) => {
      sock.destroy();
      reject(new DialError(text, 'tls'));
    };
    sock.once('error', (e) => fail(goTlsError(e as Error & { code?: string })));
    sock.once('secureConnect', () => {
      sock.removeAllListeners('error');
      if (!m.skipVerify) {
        const peer = sock.getPeerCertificate();
        if (!sock.authorized) {
          const code = (sock.authorizationError as unknown as { code?: string } | null)?.code ?? String(sock.authorizationError);
          return fail(`tls: failed to verify certificate: ${goVerifyError(code, peer)}`);
        }
        const hostErr = checkHostGo(name, peer);
        if (hostErr) return fail(`tls: failed to verify certificate: ${hostErr}`);
      }
      resolve(sock);
    });
  });
}

/** Sends one request on an open stream. */
export function request(
  stream: Duplex,
  t: Target,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: string | Uint8Array },
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      method: opts.method,
      host: t.host,
      port: t.port,
      path: opts.path,
      headers: { ...(opts.headers ?? {}) },
      // No `agent` option: with `agent: false` node:http ignores createConnection and
      // dials real TCP itself, which in the sandbox leaves the virtual network.
      createConnection: () => stream as never,
    });
    req.once('response', (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }));
    req.once('error', reject);
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

export async function readBody(res: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
