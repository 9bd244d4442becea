// A TLS client for checks: it dials over a lab host's virtual network (the same wire
// curl and etcdctl use there), does a real node:tls handshake, and optionally sends one
// HTTP request inside it. It reports what happened in words instead of throwing, so a
// check can say "the server refused a client without a certificate: …" or "plain HTTP
// still answers".
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Network } from '../../src/platform/network.ts';
import { NetError } from '../../src/platform/network.ts';
import type { Host } from '../../src/sandbox/types.ts';

export interface TlsProbeOptions {
  host: string;
  port: number;
  /** SNI and the name the caller means to reach (not verified here: the check compares certificates itself). */
  servername?: string;
  /** Client certificate and key (PEM) to present. */
  cert?: string;
  key?: string;
  /** When given, this request is written after the handshake and the answer is read. */
  request?: { method?: string; path: string };
  timeoutMs?: number;
}

export interface TlsProbeResult {
  /** The TCP connection was made. */
  connected: boolean;
  /** The handshake finished (from the client's side). */
  handshake: boolean;
  /** The server's leaf certificate, DER, when the handshake finished. */
  peerCertificateDer?: Buffer;
  /** TLS version agreed. */
  protocol?: string;
  /** First line and body of the HTTP answer, when a request was sent and answered. */
  response?: { statusLine: string; status: number; body: string };
  /** Why it stopped: connection refused, an alert from the server, a closed socket … */
  error?: string;
}

/** The Network a process on this host sees (HostNetwork of a VirtualHost). */
export function hostNetwork(host: Host): Network {
  const withNet = host as Host & { network?: Network };
  if (!withNet.network) throw new Error(`host ${host.hostname} exposes no network`);
  return withNet.network;
}

function describe(e: unknown): string {
  if (e instanceof NetError) return e.goMessage();
  if (e instanceof Error) {
    const code = (e as Error & { code?: string }).code;
    return code && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
  }
  return String(e);
}

export async function tlsProbe(host: Host, opts: TlsProbeOptions): Promise<TlsProbeResult> {
  const net = hostNetwork(host);
  const timeoutMs = opts.timeoutMs ?? 3000;
  let raw: Duplex;
  try {
    raw = await net.connect({ host: opts.host, port: opts.port }, { timeoutMs });
  } catch (e) {
    return { connected: false, handshake: false, error: describe(e) };
  }
  return new Promise<TlsProbeResult>((resolve) => {
    const result: TlsProbeResult = { connected: true, handshake: false };
    let settled = false;
    let received = '';
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error && !result.error) result.error = error;
      if (opts.request && received) {
        const head = received.split('\r\n\r\n', 1)[0] ?? '';
        const statusLine = head.split('\r\n', 1)[0] ?? '';
        const m = /^HTTP\/\d\.\d (\d{3})/.exec(statusLine);
        if (m) result.response = { statusLine, status: Number(m[1]), body: received.slice(head.length + 4) };
      }
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs);
    let socket: tls.TLSSocket;
    try {
      socket = tls.connect({
      socket: raw,
      servername: opts.servername && !/^[\d.]+$|:/.test(opts.servername) ? opts.servername : undefined,
      // The check looks at the certificate itself; verification here would hide what was served.
      rejectUnauthorized: false,
      ...(opts.cert !== undefined ? { cert: opts.cert } : {}),
      ...(opts.key !== undefined ? { key: opts.key } : {}),
      });
    } catch (e) {
      // A certificate or key node:tls cannot load (not PEM, key of another certificate).
      settled = true;
      clearTimeout(timer);
      raw.destroy();
      resolve({ connected: true, handshake: false, error: `the client certificate or key could not be loaded: ${describe(e)}` });
      return;
    }
    socket.on('secureConnect', () => {
      result.handshake = true;
      result.protocol = socket.getProtocol() ?? undefined;
      const peer = socket.getPeerCertificate(false);
      if (peer && peer.raw) result.peerCertificateDer = peer.raw;
      if (!opts.request) return finish();
      const method = opts.request.method ?? 'GET';
      socket.write(`${method} ${opts.request.path} HTTP/1.1\r\nHost: ${opts.host}:${opts.port}\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', (d: Buffer) => {
      received += d.toString('utf8');
      if (received.length > 64 * 1024) finish();
    });
    socket.on('end', () => finish(opts.request && !received ? 'the server closed the connection without answering' : undefined));
    socket.on('close', () => finish(opts.request && !received ? 'the server closed the connection without answering' : undefined));
    socket.on('error', (e) => finish(describe(e)));
  });
}
