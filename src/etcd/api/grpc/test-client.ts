// A bare gRPC client over node:http2 for tests: frames requests, collects response messages
// and the status trailers. Works over any Duplex (TCP, TLS, virtual or in-memory links).
import http2 from 'node:http2';
import type { Duplex } from 'node:stream';

export interface GrpcReply {
  /** grpc-status as a number (trailers or trailers-only headers). */
  status: number;
  /** grpc-message, percent-decoded. */
  message: string;
  messages: Buffer[];
  contentType: string;
}

export function frameMessage(msg: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + msg.length);
  out.writeUInt32BE(msg.length, 1);
  out.set(msg, 5);
  return out;
}

/** Splits a response body into messages. */
export function deframe(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  while (off + 5 <= body.length) {
    const len = body.readUInt32BE(off + 1);
    out.push(body.subarray(off + 5, off + 5 + len));
    off += 5 + len;
  }
  return out;
}

/** Connects with prior-knowledge h2c over `socket`, or to `authority` (http://host:port). */
export function connectGrpc(target: { authority: string; socket?: Duplex }): http2.ClientHttp2Session {
  const s = target.socket;
  return http2.connect(target.authority, s ? { createConnection: () => s } : {});
}

/** One call: sends `requests` (then half-closes unless keepOpen) and waits for the trailers. */
export function grpcCall(session: http2.ClientHttp2Session, path: string, requests: Uint8Array[], metadata: Record<string, string> = {}): Promise<GrpcReply> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...metadata });
    const chunks: Buffer[] = [];
    let head: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    stream.on('response', (h) => (head = h));
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', reject);
    stream.on('close', () => {
      const st = trailers['grpc-status'] ?? head['grpc-status'];
      const msg = String(trailers['grpc-message'] ?? head['grpc-message'] ?? '');
      resolve({ status: st === undefined ? -1 : Number(st), message: decodeURIComponent(msg), messages: deframe(Buffer.concat(chunks)), contentType: String(head['content-type'] ?? '') });
    });
    for (const r of requests) stream.write(frameMessage(r));
    stream.end();
  });
}

/** An open bidirectional call: write requests, read messages as they come. */
export function grpcStream(session: http2.ClientHttp2Session, path: string, metadata: Record<string, string> = {}) {
  const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...metadata });
  let buf = Buffer.alloc(0);
  const queue: Buffer[] = [];
  const waiters: ((m: Buffer) => void)[] = [];
  stream.on('data', (c: Buffer) => {
    buf = Buffer.concat([buf, c]);
    while (buf.length >= 5 && buf.length >= 5 + buf.readUInt32BE(1)) {
      const len = buf.readUInt32BE(1);
      const m = buf.subarray(5, 5 + len);
      buf = buf.subarray(5 + len);
      const w = waiters.shift();
      if (w) w(m);
      else queue.push(m);
    }
  });
  stream.on('error', () => {});
  return {
    stream,
    send: (m: Uint8Array) => stream.write(frameMessage(m)),
    /** The next message; rejects after `ms` (a bound, not a timing assertion). */
    next(ms = 5000): Promise<Buffer> {
      const q = queue.shift();
      if (q) return Promise.resolve(q);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no message from the stream')), ms);
        waiters.push((m) => {
          clearTimeout(t);
          resolve(m);
        });
      });
    },
    close: () => stream.close(),
  };
}
