// etcdctl's client: the v3 JSON gateway over HTTP(S), with clientv3's behaviour a user
// can see — endpoints tried in turn, connection failures retried until the command's
// deadline, then "context deadline exceeded"; server errors passed through as-is.
import type { Clock } from '../../platform/clock.ts';
import type { Network } from '../../platform/network.ts';
import { RpcError, codeFromHttp, codeFromNumber } from './rpc-error.ts';
import { goTlsError } from './tls-errors.ts';
import { DialError, openStream, readBody, request, type Target, type TlsMaterial } from './transport.ts';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ClientOptions {
  endpoints: string[];
  net: Network;
  clock: Clock;
  /** TLS settings when the client is secure (cert/key/cacert given or transport not insecure). */
  tls?: TlsMaterial;
  dialTimeoutMs: number;
  /**
   * Give up after one round over the endpoints when none can be reached, instead of
   * retrying until the deadline as etcdctl does (the lab's checks want an answer now).
   */
  failFast?: boolean;
  /** Aborts everything (Ctrl-C). */
  signal?: AbortSignal;
  /** Receives clientv3's warn lines (zap JSON). */
  log?: (line: string) => void;
  loggerName?: string;
  version: string;
  username?: string;
  password?: string;
}

/** "127.0.0.1:2379", "http://h:2379", "https://h:2379" → where to connect. */
export function parseEndpoint(ep: string, secure: boolean): Target {
  let scheme: 'http' | 'https' = secure ? 'https' : 'http';
  let rest = ep.trim();
  const m = /^(https?|unix|unixs):\/\/(.*)$/.exec(rest);
  if (m) {
    scheme = m[1] === 'https' || m[1] === 'unixs' ? 'https' : 'http';
    rest = m[2]!;
  }
  rest = rest.replace(/\/.*$/, '');
  let host = rest;
  let port = scheme === 'https' ? 443 : 80;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (v6) {
    host = v6[1]!;
    if (v6[2]) port = Number(v6[2]);
  } else {
    const i = rest.lastIndexOf(':');
    if (i >= 0) {
      host = rest.slice(0, i);
      port = Number(rest.slice(i + 1));
    }
  }
  return { scheme, host, port };
}

/** The endpoint without scheme, as grpc names the target's authority. */
export function authority(ep: string): string {
  return ep.replace(/^[a-z]+:\/\//, '');
}

interface Deadline {
  signal: AbortSignal;
  expired: () => boolean;
  cancel: () => void;
}

export class GatewayClient {
  private lastDialError: string | undefined;
  /** The auth token once --user has authenticated ('' when the server has auth off). */
  private token: string | undefined;
  private preferred = 0;
  private readonly pointer: string;

  constructor(readonly opts: ClientOptions) {
    // grpc names the client by its address in memory; any stable-looking value serves.
    this.pointer = '0xc000' + (0x100000 + ((opts.endpoints.join(',').length * 7919) % 0xeffff)).toString(16);
  }

  /**
   * The same client under another context: `undefined` is Go's context.TODO(), for the
   * clean-up a command still does after Ctrl-C aborted its own context.
   */
  withSignal(signal: AbortSignal | undefined): GatewayClient {
    return new GatewayClient({ ...this.opts, signal });
  }

  /** A context: with a timeout (commandCtx) or, for undefined, none (context.Background). */
  private deadline(ms: number | undefined): Deadline {
    const ac = new AbortController();
    let expired = false;
    const cancel =
      ms === undefined
        ? () => undefined
        : this.opts.clock.after(ms, () => {
            expired = true;
            ac.abort(new Error('deadline'));
          });
    const outer = this.opts.signal;
    const onOuter = () => ac.abort(outer?.reason);
    outer?.addEventListener('abort', onOuter, { once: true });
    if (outer?.aborted) ac.abort(outer.reason);
    return {
      signal: ac.signal,
      expired: () => expired,
      cancel: () => {
        cancel();
        outer?.removeEventListener('abort', onOuter);
      },
    };
  }

  private warn(method: string, err: RpcError): void {
    if (!this.opts.log) return;
    const ts = new Date(this.opts.clock.now()).toISOString().replace(/(\.\d{3})Z$/, '$1000Z');
    const target = `etcd-endpoints://${this.pointer}/${authority(this.opts.endpoints[0] ?? '')}`;
    const line = JSON.stringify({
      level: 'warn',
      ts,
      logger: this.opts.loggerName ?? 'etcd-client',
      caller: `v3@v${this.opts.version}/retry_interceptor.go:65`,
      msg: 'retrying of unary invoker failed',
      target,
      method,
      attempt: 0,
      error: err.grpcText(),
    });
    this.opts.log(line + '\n');
  }

  private deadlineError(): RpcError {
    const last = this.lastDialError;
    if (!last) return new RpcError('DeadlineExceeded', 'context deadline exceeded');
    if (last.startsWith('connection error: ')) return new RpcError('DeadlineExceeded', 'context deadline exceeded', `latest balancer error: last connection error: ${last}`);
    const how = last.startsWith('tls:') || last.startsWith('remote error') ? 'authentication handshake failed: ' : 'Error while dialing: ';
    return new RpcError('DeadlineExceeded', 'context deadline exceeded', `latest balancer error: last connection error: connection error: desc = "transport: ${how}${last}"`);
  }

  /**
   * Opens a response for one call: tries the endpoints in turn and keeps retrying
   * connection failures (grpc's reconnect backoff) until the deadline.
   */
  private async open(path: string, body: unknown, dl: Deadline): Promise<{ res: IncomingMessage; stream: Duplex }> {
    const eps = this.opts.endpoints;
    let backoff = 100;
    for (let round = 0; ; round++) {
      for (let k = 0; k < eps.length; k++) {
        const i = (this.preferred + k) % eps.length;
        const target = parseEndpoint(eps[i]!, this.opts.tls !== undefined);
        if (dl.signal.aborted) throw this.abortError(dl);
        const dialAc = new AbortController();
        const cancelDial = this.opts.clock.after(this.opts.dialTimeoutMs, () => dialAc.abort());
        const onAbort = () => dialAc.abort();
        dl.signal.addEventListener('abort', onAbort, { once: true });
        try {
          const stream = await openStream(this.opts.net, target, this.opts.tls, dialAc.signal);
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (this.token) headers.authorization = this.token;
          const res = await abortable(
            request(stream, target, { method: 'POST', path, headers, body: JSON.stringify(body) }).catch((e: unknown) => {
              // The connection was up but the server's first answer never came: grpc is still
              // waiting for the server preface, and names what ended it in Go's words (a TLS
              // 1.3 server's alert for a missing or refused client certificate, or EOF).
              if (dl.signal.aborted || e instanceof DialError) throw e;
              throw new DialError(`error reading server preface: ${goTlsError(e as Error & { code?: string })}`, 'preface');
            }),
            dl.signal,
            () => stream.destroy(),
          );
          dl.signal.addEventListener('abort', () => stream.destroy(), { once: true });
          if (target.scheme === 'http' && res.status === 400 && !String(res.headers['content-type'] ?? '').includes('json')) {
            // A TLS port answers plain text "Client sent an HTTP request to an HTTPS server.";
            // grpc reads those bytes as an HTTP/2 frame header and gives up on the connection.
            stream.destroy();
            throw new DialError('error reading server preface: http2: frame too large', 'preface');
          }
          this.preferred = i;
          return { res: res.body, stream };
        } catch (e) {
          if (dl.signal.aborted) throw this.abortError(dl);
          if (e instanceof DialError) this.lastDialError = e.kind === 'preface' ? `connection error: desc = "${e.message}"` : e.message;
          else if ((e as { code?: string }).code === 'ETIMEDOUT' || dialAc.signal.aborted)
            this.lastDialError = `dial tcp ${target.host}:${target.port}: i/o timeout`;
          else this.lastDialError = (e as Error).message;
        } finally {
          cancelDial();
          dl.signal.removeEventListener('abort', onAbort);
        }
      }
      if (this.opts.failFast) throw new Error(this.lastDialError ?? 'no endpoint could be reached');
      await new Promise<void>((resolve) => {
        const c = this.opts.clock.after(backoff, done);
        function done() {
          dl.signal.removeEventListener('abort', done);
          c();
          resolve();
        }
        dl.signal.addEventListener('abort', done, { once: true });
      });
      backoff = Math.min(backoff * 1.6, 1000);
    }
  }

  private abortError(dl: Deadline): RpcError {
    if (dl.expired()) return this.deadlineError();
    return new RpcError('Canceled', 'context canceled');
  }

  /**
   * clientv3 with a user name authenticates first and sends the token with every call;
   * a server with authentication off answers ErrAuthNotEnabled, which clientv3 accepts.
   */
  async authenticate(): Promise<void> {
    if (this.token !== undefined || this.opts.username === undefined) return;
    this.token = '';
    try {
      const r = await this.call('/etcdserverpb.Auth/Authenticate', '/v3/auth/authenticate', { name: this.opts.username, password: this.opts.password ?? '' }, this.opts.dialTimeoutMs);
      this.token = typeof r.token === 'string' ? r.token : '';
    } catch (e) {
      // A gateway without the auth service (404) is a server without authentication.
      if (e instanceof RpcError && (/authentication is not enabled/.test(e.text) || e.code === 'NotFound' || e.code === 'Unimplemented')) return;
      this.token = undefined;
      if (e instanceof RpcError) e.duringAuthentication = true;
      throw e;
    }
  }

  /** One unary call; resolves to the decoded JSON body or throws RpcError. */
  async call(method: string, path: string, body: unknown, timeoutMs: number | undefined): Promise<Record<string, unknown>> {
    if (this.opts.username !== undefined && this.token === undefined) await this.authenticate();
    const dl = this.deadline(timeoutMs);
    try {
      const { res, stream } = await this.open(path, body, dl);
      let raw: Buffer;
      try {
        raw = await readBody(res);
      } catch {
        throw this.abortError(dl);
      } finally {
        // One request per connection: close it so nothing keeps the process waiting.
        stream.destroy();
      }
      const parsed = parseGatewayJson(raw.toString('utf8'));
      const status = res.statusCode ?? 200;
      if (status >= 400 || (parsed && typeof parsed === 'object' && 'code' in parsed && 'message' in parsed && !('header' in parsed))) {
        const o = (parsed ?? {}) as Record<string, unknown>;
        const text = typeof o.message === 'string' ? o.message : typeof o.error === 'string' ? o.error : `unexpected HTTP status ${status}`;
        throw new RpcError(o.code !== undefined ? codeFromNumber(o.code) : codeFromHttp(status), text);
      }
      return (parsed ?? {}) as Record<string, unknown>;
    } catch (e) {
      const err = e instanceof RpcError ? e : new RpcError('Unknown', (e as Error).message);
      this.warn(method, err);
      throw err;
    } finally {
      dl.cancel();
    }
  }

  /**
   * A server stream (watch, snapshot, keep-alive): calls onMessage for each JSON object
   * until the server ends, `signal` aborts, or onMessage returns false.
   */
  async stream(path: string, body: unknown, onMessage: (msg: Record<string, unknown>) => boolean | Promise<boolean>, opts: { openTimeoutMs?: number; signal?: AbortSignal }): Promise<void> {
    if (this.opts.username !== undefined && this.token === undefined) await this.authenticate();
    const dl = this.deadline(opts.openTimeoutMs);
    let res: IncomingMessage;
    let sock: Duplex;
    try {
      ({ res, stream: sock } = await this.open(path, body, dl));
    } finally {
      dl.cancel();
    }
    const status = res.statusCode ?? 200;
    if (status >= 400) {
      const parsed = parseGatewayJson((await readBody(res).finally(() => sock.destroy())).toString('utf8')) as Record<string, unknown> | undefined;
      throw new RpcError(parsed?.code !== undefined ? codeFromNumber(parsed.code) : codeFromHttp(status), String(parsed?.message ?? parsed?.error ?? `HTTP ${status}`));
    }
    const stop = () => {
      res.destroy();
      sock.destroy();
    };
    // node:http does not always notice its connection closing under a response; tell it.
    const lost = () => {
      if (!res.complete) res.destroy(new Error('connection closed'));
    };
    sock.once('close', lost);
    opts.signal?.addEventListener('abort', stop, { once: true });
    this.opts.signal?.addEventListener('abort', stop, { once: true });
    const splitter = new JsonStreamSplitter();
    try {
      for await (const chunk of res) {
        for (const text of splitter.push((chunk as Buffer).toString('utf8'))) {
          const msg = parseGatewayJson(text) as Record<string, unknown> | undefined;
          if (!msg) continue;
          if (msg.error && !msg.result) {
            const er = msg.error as Record<string, unknown>;
            throw new RpcError(codeFromNumber(er.grpc_code ?? er.code), String(er.message ?? ''));
          }
          const inner = (msg.result ?? msg) as Record<string, unknown>;
          if ((await onMessage(inner)) === false) {
            res.destroy();
            return;
          }
        }
      }
    } catch (e) {
      if (e instanceof RpcError) throw e;
      if (opts.signal?.aborted || this.opts.signal?.aborted) return;
      throw new RpcError('Unavailable', (e as Error).message);
    } finally {
      sock.off('close', lost);
      sock.destroy();
      opts.signal?.removeEventListener('abort', stop);
      this.opts.signal?.removeEventListener('abort', stop);
    }
  }
}

function abortable<T>(p: Promise<T>, signal: AbortSignal, onAbort: () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      onAbort();
      return reject(new Error('aborted'));
    }
    const h = () => {
      onAbort();
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', h, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', h);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', h);
        reject(e);
      },
    );
  });
}

/** JSON.parse that keeps 64-bit integers exact by turning long bare numbers into strings. */
export function parseGatewayJson(text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  try {
    return JSON.parse(t.replace(/([:\[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '$1"$2"'));
  } catch {
    return undefined;
  }
}

/** Splits a stream of concatenated JSON objects (the gateway's streaming responses). */
export class JsonStreamSplitter {
  private buf = '';
  push(text: string): string[] {
    this.buf += text;
    const out: string[] = [];
    let depth = 0;
    let inStr = false;
    let esc = false;
    let start = -1;
    let consumed = 0;
    for (let i = 0; i < this.buf.length; i++) {
      const c = this.buf[i];
      if (inStr) {
        if (esc) esc = false;
        else if (c === '\\') esc = true;
        else if (c === '"') inStr = false;
        continue;
      }
      if (c === '"') inStr = true;
      else if (c === '{') {
        if (depth === 0) start = i;
        depth++;
      } else if (c === '}') {
        depth--;
        if (depth === 0 && start >= 0) {
          out.push(this.buf.slice(start, i + 1));
          consumed = i + 1;
          start = -1;
        }
      }
    }
    this.buf = this.buf.slice(consumed);
    return out;
  }
}
