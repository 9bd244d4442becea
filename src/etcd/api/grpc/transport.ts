// gRPC over node:http2, server side: the 5-byte message framing, unary and streaming calls,
// and the status trailers (grpc-status / grpc-message) a grpc-go or grpc-js client reads.
import http2, { type IncomingHttpHeaders, type ServerHttp2Stream, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { realClock, type Clock } from '../../../platform/clock.ts';
import { GRPC_CODES, toStatus, type GrpcCodeName } from '../../server/errors.ts';
import { requestContext, type RequestContext } from '../../server/request-context.ts';
import { decodeGrpcTimeout } from './deadline.ts';
import { ProtoError } from './proto.ts';
import { attachCredentials, tokenFromHeaders } from '../../auth/credentials.ts';

/** An error that already carries its gRPC code (transport-level failures). */
export class GrpcError extends Error {
  constructor(
    readonly code: GrpcCodeName,
    message: string,
  ) {
    super(message);
    this.name = 'GrpcError';
  }
}

/** The code and message a client sees for anything a handler throws. */
export function grpcStatusOf(e: unknown): { code: GrpcCodeName; message: string } {
  if (e instanceof GrpcError) return { code: e.code, message: e.message };
  // grpc-go answers an undecodable request with codes.Internal.
  if (e instanceof ProtoError) return { code: 'Internal', message: e.message };
  const tagged = (e as { grpc?: GrpcCodeName } | undefined)?.grpc;
  if (tagged) return { code: tagged, message: (e as Error).message };
  return toStatus(e);
}

/** A streaming call as a handler drives it. */
export interface StreamCall {
  readonly metadata: IncomingHttpHeaders;
  /** Called for each request message, in order. */
  onMessage(cb: (msg: Uint8Array) => void): void;
  /** The client half-closed (no more requests). */
  onEnd(cb: () => void): void;
  /** The call is over (finished, reset or the connection went away). */
  onClose(cb: () => void): void;
  /** The call's context: fires at the client's deadline or when the call ends. */
  readonly signal: AbortSignal;
  /** Sends one response message; false when the stream wants the sender to wait for drain. */
  send(msg: Uint8Array): boolean;
  onDrain(cb: () => void): void;
  /** Ends the call with OK, or with the status of `error`. */
  finish(error?: unknown): void;
  readonly closed: boolean;
}

export type MethodHandler =
  | { kind: 'unary'; handle(req: Uint8Array, metadata: IncomingHttpHeaders, signal: AbortSignal): Promise<Uint8Array> | Uint8Array }
  | { kind: 'stream'; handle(call: StreamCall): void };

export interface GrpcServerOptions {
  /** The method for a path like /etcdserverpb.KV/Range, or an error status for unknown ones. */
  lookup(service: string, method: string): MethodHandler | GrpcError;
  /** Largest request message accepted (grpc's MaxRecvMsgSize). */
  maxRecvBytes: number;
  /** Checks every call makes before its handler runs (etcd's interceptors). */
  precheck?(metadata: IncomingHttpHeaders): void;
  /**
   * Plain HTTP requests that arrive over HTTP/2 (curl over https negotiates h2): etcd hands
   * every request that is not gRPC to its HTTP handlers, so /health works either way.
   */
  onHttpRequest?(req: Http2ServerRequest, res: Http2ServerResponse): void;
  /** Serve no gRPC: every request goes to onHttpRequest (etcd's --listen-client-http-urls). */
  httpOnly?: boolean;
  /** Every streaming call as it starts (etcd ends require-leader streams when the leader is lost). */
  onStream?(call: StreamCall): void;
  /** The clock a call's grpc-timeout deadline runs on (the server's); real time by default. */
  clock?(): Clock;
}

/** grpc-message is percent-encoded: printable ASCII except '%' travels as is. */
export function encodeGrpcMessage(msg: string): string {
  let out = '';
  for (const byte of Buffer.from(msg, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function frame(msg: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + msg.length);
  out[0] = 0;
  out.writeUInt32BE(msg.length, 1);
  out.set(msg, 5);
  return out;
}

/** Splits the request body into gRPC messages as bytes arrive. */
class Deframer {
  private pending: Buffer[] = [];
  private size = 0;
  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): Uint8Array[] {
    this.pending.push(chunk);
    this.size += chunk.length;
    const out: Uint8Array[] = [];
    for (;;) {
      if (this.size < 5) return out;
      let buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
      const compressed = buf[0]!;
      const len = buf.readUInt32BE(1);
      if (compressed !== 0) throw new GrpcError('Internal', 'grpc: compressed flag set with identity or empty encoding');
      if (len > this.maxBytes) throw new GrpcError('ResourceExhausted', `grpc: received message larger than max (${len} vs. ${this.maxBytes})`);
      if (buf.length < 5 + len) {
        this.pending = [buf];
        return out;
      }
      out.push(buf.subarray(5, 5 + len));
      buf = buf.subarray(5 + len);
      this.pending = buf.length ? [buf] : [];
      this.size = buf.length;
    }
  }

  get partial(): boolean {
    return this.size > 0;
  }
}

const RESPONSE_HEADERS = { ':status': 200, 'content-type': 'application/grpc' };

function statusTrailers(e: unknown): Record<string, string> {
  if (e === undefined) return { 'grpc-status': '0' };
  const { code, message } = grpcStatusOf(e);
  return { 'grpc-status': String(GRPC_CODES[code]), 'grpc-message': encodeGrpcMessage(message) };
}

/** Ends a stream that never sent headers with a trailers-only response. */
function trailersOnly(stream: ServerHttp2Stream, e: unknown): void {
  if (stream.destroyed || stream.closed) return;
  if (stream.headersSent) {
    stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  stream.respond({ ...RESPONSE_HEADERS, ...statusTrailers(e) }, { endStream: true });
}

/** An http2 server (never listening itself: connections are handed to it) that serves gRPC. */
export function createGrpcServer(o: GrpcServerOptions): http2.Http2Server {
  const server = http2.createServer({ settings: { maxConcurrentStreams: 4294967295 } });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    const path = String(headers[':path'] ?? '');
    const contentType = String(headers['content-type'] ?? '');
    if (o.httpOnly || headers[':method'] !== 'POST' || !contentType.startsWith('application/grpc')) {
      if (o.onHttpRequest) {
        const rawHeaders: string[] = [];
        for (const [k, v] of Object.entries(headers)) for (const one of Array.isArray(v) ? v : [v]) if (one !== undefined) rawHeaders.push(k, String(one));
        o.onHttpRequest(new http2.Http2ServerRequest(stream, headers, {}, rawHeaders), new http2.Http2ServerResponse(stream));
        return;
      }
      // Not gRPC, and nobody else to serve it: grpc-go's early answers.
      const bad = headers[':method'] !== 'POST'
        ? { status: 405, message: `http2Server.operateHeaders parsed a :method field: ${String(headers[':method'])} which should be POST` }
        : { status: 415, message: `transport: received unexpected content-type ${JSON.stringify(contentType)}` };
      drainThen(stream, () => {
        if (stream.destroyed || stream.closed) return;
        stream.respond({ ':status': bad.status, 'content-type': 'application/grpc', 'grpc-status': String(GRPC_CODES.Internal), 'grpc-message': encodeGrpcMessage(bad.message) }, { endStream: true });
      });
      return;
    }
    const m = /^\/([^/]+)\/([^/]+)$/.exec(path);
    const method = m ? o.lookup(m[1]!, m[2]!) : new GrpcError('Unimplemented', `malformed method name: "${path}"`);
    if (method instanceof GrpcError) {
      drainThen(stream, () => trailersOnly(stream, method));
      return;
    }
    // No decompressors are installed, as in etcd's grpc server.
    const encoding = headers['grpc-encoding'];
    if (encoding !== undefined && encoding !== 'identity') {
      drainThen(stream, () => trailersOnly(stream, new GrpcError('Unimplemented', `grpc: Decompressor is not installed for grpc-encoding ${JSON.stringify(String(encoding))}`)));
      return;
    }
    // The call's context, as grpc-go makes it from the headers: the client's deadline
    // (grpc-timeout, counted from now) and a cancel when the stream ends or is reset.
    let ctx: RequestContext | undefined;
    try {
      const timeout = headers['grpc-timeout'];
      ctx = requestContext(o.clock?.() ?? realClock, timeout === undefined ? undefined : decodeGrpcTimeout(String(timeout)));
      o.precheck?.(headers);
    } catch (e) {
      ctx?.done();
      drainThen(stream, () => trailersOnly(stream, e));
      return;
    }
    stream.once('close', () => ctx!.cancel());
    // Who calls: the token metadata, and the verified client certificate's CN (etcd's
    // AuthInfoFromTLS; only a --client-cert-auth listener asks for certificates).
    attachCredentials(ctx.signal, { token: tokenFromHeaders(headers), certCommonName: peerCommonName(stream.session?.socket) });
    if (method.kind === 'unary') serveUnary(stream, headers, method.handle, o.maxRecvBytes, ctx);
    else serveStream(stream, headers, method.handle, o.maxRecvBytes, ctx, o.onStream);
  });
  return server;
}

/**
 * Answers at once (a bidi client waits for our status without half-closing) and drops
 * whatever the client still sends.
 */
function drainThen(stream: ServerHttp2Stream, answer: () => void): void {
  stream.resume();
  answer();
}

function serveUnary(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  handle: (req: Uint8Array, md: IncomingHttpHeaders, signal: AbortSignal) => Promise<Uint8Array> | Uint8Array,
  maxBytes: number,
  ctx: RequestContext,
): void {
  const deframer = new Deframer(maxBytes);
  const messages: Uint8Array[] = [];
  let failed = false;
  stream.on('data', (chunk: Buffer) => {
    if (failed) return;
    try {
      messages.push(...deframer.push(chunk));
    } catch (e) {
      failed = true;
      trailersOnly(stream, e);
    }
  });
  stream.on('end', () => {
    if (failed) return;
    const req = messages[0];
    if (messages.length !== 1 || deframer.partial || req === undefined) {
      // grpc-go's words for a unary call without exactly one request message.
      const status = messages.length > 1
        ? new GrpcError('Unimplemented', 'grpc: client streaming protocol violation: get <nil>, want <EOF>')
        : new GrpcError('Internal', 'grpc: error while receiving the request: EOF');
      trailersOnly(stream, status);
      return;
    }
    dispatchSoon(() =>
      void (async () => handle(req, headers, ctx.signal))().then(
        (res) => {
          ctx.done();
          if (stream.destroyed || stream.closed) return;
          stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
          stream.once('wantTrailers', () => stream.sendTrailers(statusTrailers(undefined)));
          stream.end(frame(res));
        },
        (e: unknown) => {
          ctx.done();
          trailersOnly(stream, e);
        },
      ),
    );
  });
}

/**
 * Unary calls that complete during one pass of the event loop's I/O phase are started
 * together, right after it: their proposals then reach raft in one go and share one Ready
 * (one WAL write and fsync), as etcd's raft loop batches whatever arrived meanwhile.
 * Started one by one, each would get a Ready and an fsync of its own.
 */
const pendingCalls: (() => void)[] = [];
function dispatchSoon(start: () => void): void {
  pendingCalls.push(start);
  if (pendingCalls.length === 1) {
    setImmediate(() => {
      for (const f of pendingCalls.splice(0)) f();
    });
  }
}

function serveStream(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  handle: (call: StreamCall) => void,
  maxBytes: number,
  ctx: RequestContext,
  onStream?: (call: StreamCall) => void,
): void {
  const deframer = new Deframer(maxBytes);
  let onMessage: (m: Uint8Array) => void = () => {};
  let onEnd: () => void = () => {};
  const closeCbs: (() => void)[] = [];
  let closed = false;
  let headersSent = false;
  const close = () => {
    if (closed) return;
    closed = true;
    ctx.cancel();
    for (const cb of closeCbs.splice(0)) cb();
  };
  stream.on('close', close);
  const call: StreamCall = {
    metadata: headers,
    signal: ctx.signal,
    onMessage: (cb) => (onMessage = cb),
    onEnd: (cb) => (onEnd = cb),
    onClose: (cb) => void closeCbs.push(cb),
    onDrain: (cb) => void stream.on('drain', cb),
    get closed() {
      return closed;
    },
    send(msg) {
      if (closed || stream.destroyed) return false;
      if (!headersSent) {
        headersSent = true;
        stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
      }
      return stream.write(frame(msg));
    },
    finish(error) {
      if (closed || stream.destroyed) return;
      if (!headersSent) {
        trailersOnly(stream, error);
      } else {
        // A client still sending on the stream resets it once it reads the status (grpc-go and
        // grpc-js both do); resetting it from here could overtake the trailers.
        stream.once('wantTrailers', () => stream.sendTrailers(statusTrailers(error)));
        stream.end();
      }
      close();
    },
  };
  stream.on('data', (chunk: Buffer) => {
    if (closed) return;
    let msgs: Uint8Array[];
    try {
      msgs = deframer.push(chunk);
    } catch (e) {
      call.finish(e);
      return;
    }
    for (const m of msgs) {
      if (closed) return;
      try {
        onMessage(m);
      } catch (e) {
        call.finish(e);
        return;
      }
    }
  });
  stream.on('end', () => {
    if (!closed) onEnd();
  });
  onStream?.(call);
  handle(call);
}

/** The common name of the client certificate a TLS connection presented (undefined otherwise). */
function peerCommonName(socket: unknown): string | undefined {
  try {
    const t = socket as { getPeerCertificate?: () => { subject?: { CN?: string | string[] } } | undefined } | undefined;
    const cn = t?.getPeerCertificate?.()?.subject?.CN;
    const name = Array.isArray(cn) ? cn[0] : cn;
    return name ? name : undefined;
  } catch {
    return undefined;
  }
}
