// One client port for gRPC and HTTP/1.1, as etcd's cmux does: a plain-text connection that
// opens with the HTTP/2 connection preface (gRPC clients speak h2c with prior knowledge) goes
// to the gRPC server, anything else to the HTTP/1.1 handler (gateway, /health, /metrics).
import type { Duplex } from 'node:stream';
import { EMPTY_SETTINGS, processClientStart } from './h2-authority.ts';

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
 * An HTTP/2 client is held until its first request (see h2-authority.ts), which is fixed
 * up for nghttp2 on the way. `knownHttp2`: the client negotiated h2 (TLS ALPN).
 */
export function sniffHttp2(socket: Duplex, route: (http2: boolean) => void, knownHttp2 = false): void {
  let seen: Buffer = Buffer.alloc(0);
  let decided = false;
  let holding = false;
  const finish = (h2: boolean, bytes: Buffer): void => {
    if (decided) return;
    decided = true;
    socket.removeListener('data', onData);
    socket.removeListener('end', onEnd);
    socket.pause();
    if (bytes.length > 0) socket.unshift(bytes);
    route(h2);
  };
  const hold = (): void => {
    holding = true;
    socket.write(EMPTY_SETTINGS);
  };
  const onData = (chunk: Buffer): void => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    if (!holding) {
      const m = knownHttp2 || matchesHttp2Preface(seen);
      if (m === undefined) return;
      if (!m) return finish(false, seen);
      hold();
    }
    const ready = processClientStart(seen);
    if (ready) finish(true, ready);
  };
  // A client that closes early: let the server that would have served it see the end.
  const onEnd = (): void => finish(holding, seen);
  socket.on('data', onData);
  socket.on('end', onEnd);
  if (knownHttp2) hold();
}
