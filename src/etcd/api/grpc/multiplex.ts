// One client port for gRPC and HTTP/1.1, as etcd's cmux does: a plain-text connection that
// opens with the HTTP/2 connection preface (gRPC clients speak h2c with prior knowledge) goes
// to the gRPC server, anything else to the HTTP/1.1 handler (gateway, /health, /metrics).
import type { Duplex } from 'node:stream';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Whether bytes seen so far are (a prefix of) the HTTP/2 preface: true, false, or undefined = need more. */
export function matchesHttp2Preface(seen: Uint8Array): boolean | undefined {
  const n = Math.min(seen.length, PREFACE.length);
  for (let i = 0; i < n; i++) if (seen[i] !== PREFACE[i]) return false;
  return n === PREFACE.length ? true : undefined;
}

/**
 * Waits for the first bytes of `socket`, puts them back, and calls `route` with whether the
 * client speaks HTTP/2. The socket is left paused with its bytes unread, so a native
 * consumer (node:http2 on a TCP socket reads the handle directly) still sees everything.
 */
export function sniffHttp2(socket: Duplex, route: (http2: boolean) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  let decided = false;
  const decide = (h2: boolean): void => {
    if (decided) return;
    decided = true;
    socket.removeListener('data', onData);
    socket.removeListener('end', onEnd);
    socket.pause();
    if (seen.length > 0) socket.unshift(seen);
    route(h2);
  };
  const onData = (chunk: Buffer): void => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const m = matchesHttp2Preface(seen);
    if (m !== undefined) decide(m);
  };
  // A client that closes before 24 bytes: let HTTP/1.1 deal with what it sent.
  const onEnd = (): void => decide(false);
  socket.on('data', onData);
  socket.on('end', onEnd);
}
