// HTTP requests over a sandbox host's Network, so a check reaches a server exactly the
// way a program on that host would (same addresses, same firewall, same refusals).
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Network } from '../platform/network.ts';
import { NetError } from '../platform/network.ts';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type HttpOutcome = { ok: true; response: HttpResponse } | { ok: false; error: string };

export interface VirtualHttpRequest {
  method?: string;
  url: string;
  body?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Bodies longer than this are cut (a check never needs megabytes). */
  maxBodyBytes?: number;
}

/** Makes one HTTP/1.1 request over `net`; never throws, an error comes back as words. */
export function virtualHttp(net: Network, req: VirtualHttpRequest): Promise<HttpOutcome> {
  let target: URL;
  try {
    target = new URL(req.url);
  } catch {
    return Promise.resolve({ ok: false, error: `bad URL ${JSON.stringify(req.url)}` });
  }
  if (target.protocol !== 'http:') {
    return Promise.resolve({ ok: false, error: `unsupported scheme ${target.protocol} (only http)` });
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || 80);
  const timeoutMs = req.timeoutMs ?? 2000;
  const maxBody = req.maxBodyBytes ?? 1024 * 1024;
  const ac = new AbortController();

  return new Promise<HttpOutcome>((resolve) => {
    let settled = false;
    const done = (o: HttpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ac.abort();
      resolve(o);
    };
    const timer = setTimeout(() => done({ ok: false, error: `no answer from ${host}:${port} within ${timeoutMs} ms` }), timeoutMs);

    const options: http.RequestOptions = {
      method: req.method ?? 'GET',
      path: `${target.pathname}${target.search}`,
      // The Host header says what the URL said; the connection itself is made below.
      headers: { host: target.host, ...(req.headers ?? {}), ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}) },
      // No agent: node:http then asks createConnection (an agent would dial real TCP itself).
      agent: undefined,
      createConnection: ((_opts: unknown, cb: (err: Error | null, socket?: Duplex) => void) => {
        net.connect({ host, port }, { signal: ac.signal, timeoutMs }).then(
          (s) => cb(null, s),
          (e: unknown) => cb(e instanceof Error ? e : new Error(String(e))),
        );
        return undefined;
      }) as unknown as http.RequestOptions['createConnection'],
    };
    let request: http.ClientRequest;
    try {
      request = http.request(options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= maxBody) chunks.push(c);
        });
        res.on('end', () =>
          done({ ok: true, response: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') } }),
        );
        res.on('error', (e) => done({ ok: false, error: describeError(e, host, port) }));
      });
    } catch (e) {
      done({ ok: false, error: describeError(e, host, port) });
      return;
    }
    request.on('error', (e) => done({ ok: false, error: describeError(e, host, port) }));
    if (req.body !== undefined) request.write(req.body);
    request.end();
  });
}

function describeError(e: unknown, host: string, port: number): string {
  if (e instanceof NetError) return e.goMessage();
  if (e instanceof Error) return `${host}:${port}: ${e.message}`;
  return `${host}:${port}: ${String(e)}`;
}
