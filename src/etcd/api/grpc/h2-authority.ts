// grpc-go sends the endpoint as given for some dials: etcdctl 3.4 `endpoint status`,
// `endpoint hashkv`, `defrag` with `--endpoints=https://127.0.0.1:2379` put
// ":authority: https://127.0.0.1:2379" on the wire. grpc-go servers (etcd) accept that;
// node's nghttp2 refuses it ('/' is no authority character) and resets the stream.
//
// So before a connection reaches node:http2 we read up to its first HEADERS frame and make
// that :authority valid, keeping its decoded length: grpc-go adds it to its HPACK dynamic
// table and refers to it by index later, and nghttp2's table must stay the same size.
// To see that frame from grpc-go, which waits for the server's SETTINGS before any request,
// we send an empty SETTINGS first and drop the client's ACK of it (nghttp2 never sent it).

/** HPACK Huffman code lengths for symbols 0..255 and EOS (RFC 7541 Appendix B; the code is canonical). */
const HUFFMAN_LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];

/** code → symbol, one map per code length (canonical Huffman: by length, then symbol). */
export const HUFFMAN_CODES: Map<number, number>[] = (() => {
  const byLength: Map<number, number>[] = Array.from({ length: 31 }, () => new Map());
  const order = HUFFMAN_LENGTHS.map((len, sym) => ({ len, sym })).sort((a, b) => a.len - b.len || a.sym - b.sym);
  let code = 0;
  let prev = order[0]!.len;
  for (const { len, sym } of order) {
    code *= 2 ** (len - prev);
    prev = len;
    byLength[len]!.set(code, sym);
    code++;
  }
  return byLength;
})();

export function huffmanDecode(b: Uint8Array): Uint8Array | undefined {
  const out: number[] = [];
  let code = 0;
  let len = 0;
  for (const byte of b) {
    for (let i = 7; i >= 0; i--) {
      code = code * 2 + ((byte >> i) & 1);
      len++;
      const sym = HUFFMAN_CODES[len]?.get(code);
      if (sym !== undefined) {
        if (sym === 256) return undefined; // EOS inside a string is an error
        out.push(sym);
        code = 0;
        len = 0;
      } else if (len > 30) return undefined;
    }
  }
  // What is left must be padding: fewer than 8 bits, all ones.
  if (len > 7 || code !== 2 ** len - 1) return undefined;
  return Uint8Array.from(out);
}

/** An HPACK integer with an N-bit prefix at b[pos]: [value, next position], or undefined. */
function readInt(b: Uint8Array, pos: number, prefixBits: number): [number, number] | undefined {
  const max = 2 ** prefixBits - 1;
  const first = b[pos];
  if (first === undefined) return undefined;
  let v = first & max;
  pos++;
  if (v < max) return [v, pos];
  for (let shift = 0; shift < 28; shift += 7) {
    const c = b[pos++];
    if (c === undefined) return undefined;
    v += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) return [v, pos];
  }
  return undefined;
}

function writeInt(out: number[], firstBits: number, prefixBits: number, v: number): void {
  const max = 2 ** prefixBits - 1;
  if (v < max) {
    out.push(firstBits | v);
    return;
  }
  out.push(firstBits | max);
  v -= max;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** A string literal at pos: decoded bytes and where it ends. */
function readString(b: Uint8Array, pos: number): { value: Uint8Array; end: number } | undefined {
  const first = b[pos];
  if (first === undefined) return undefined;
  const n = readInt(b, pos, 7);
  if (!n) return undefined;
  const [len, start] = n;
  if (start + len > b.length) return undefined;
  const raw = b.subarray(start, start + len);
  const value = first & 0x80 ? huffmanDecode(raw) : raw;
  return value ? { value, end: start + len } : undefined;
}

/** The characters nghttp2 allows in :authority (RFC 3986 authority). */
const AUTHORITY_OK = /^[A-Za-z0-9\-._~!$&'()*+,;=:@[\]%]*$/;
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/**
 * Rewrites an invalid :authority in a header block (same decoded length, plain literal);
 * returns the block unchanged when there is nothing to fix or it cannot be parsed.
 */
export function fixAuthorityInBlock(block: Uint8Array): Uint8Array {
  let pos = 0;
  while (pos < block.length) {
    const start = pos;
    const b = block[pos]!;
    if (b & 0x80) {
      const n = readInt(block, pos, 7);
      if (!n) return block;
      pos = n[1];
      continue;
    }
    if ((b & 0xe0) === 0x20) {
      const n = readInt(block, pos, 5);
      if (!n) return block;
      pos = n[1];
      continue;
    }
    const prefix = (b & 0xc0) === 0x40 ? 6 : 4;
    const n = readInt(block, pos, prefix);
    if (!n) return block;
    const [nameIndex, afterIndex] = n;
    let name: string;
    let valueStart = afterIndex;
    if (nameIndex === 0) {
      const s = readString(block, afterIndex);
      if (!s) return block;
      name = latin1(s.value);
      valueStart = s.end;
    } else name = nameIndex === 1 ? ':authority' : '';
    const v = readString(block, valueStart);
    if (!v) return block;
    pos = v.end;
    if (name !== ':authority') continue;
    const value = latin1(v.value);
    if (AUTHORITY_OK.test(value)) return block;
    const fixed = Buffer.from(value.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@[\]%]/g, '_'), 'latin1');
    const rep: number[] = [...block.subarray(start, valueStart)];
    writeInt(rep, 0, 7, fixed.length);
    return Buffer.concat([block.subarray(0, start), Uint8Array.from(rep), fixed, block.subarray(pos)]);
  }
  return block;
}

const FRAME_SETTINGS = 0x4;
const FRAME_HEADERS = 0x1;
const FRAME_WINDOW_UPDATE = 0x8;
const FLAG_ACK = 0x1;
const FLAG_END_HEADERS = 0x4;
const FLAG_PADDED = 0x8;
const FLAG_PRIORITY = 0x20;
const PREFACE_LENGTH = 24;
/** Stop holding a connection that sends this much without a request. */
const HOLD_LIMIT = 64 * 1024;

/** An empty SETTINGS frame: what the server sends first. */
export const EMPTY_SETTINGS = Buffer.from([0, 0, 0, FRAME_SETTINGS, 0, 0, 0, 0, 0]);

/**
 * Looks at what a client sent so far (the preface first). Returns the bytes to hand to
 * nghttp2 once the ACK of our SETTINGS was dropped and the first HEADERS fixed, or
 * undefined to wait for more.
 */
export function processClientStart(seen: Buffer): Buffer | undefined {
  let ackDropped = false;
  let headersSeen = false;
  const parts: Buffer[] = [seen.subarray(0, PREFACE_LENGTH)];
  let pos = PREFACE_LENGTH;
  while (pos + 9 <= seen.length) {
    const len = seen.readUIntBE(pos, 3);
    const type = seen[pos + 3]!;
    const flags = seen[pos + 4]!;
    if (pos + 9 + len > seen.length) break;
    const frame = seen.subarray(pos, pos + 9 + len);
    pos += 9 + len;
    if (type === FRAME_SETTINGS && flags & FLAG_ACK && !ackDropped) {
      ackDropped = true;
      continue;
    }
    if (type === FRAME_HEADERS && !headersSeen) {
      headersSeen = true;
      parts.push(rewriteHeadersFrame(frame, flags));
      continue;
    }
    // Anything but the connection's opening frames (a PING, say): no request to fix first.
    if (type !== FRAME_SETTINGS && type !== FRAME_WINDOW_UPDATE && type !== FRAME_HEADERS) headersSeen = true;
    parts.push(frame);
  }
  parts.push(seen.subarray(pos));
  if ((ackDropped && headersSeen) || seen.length > HOLD_LIMIT) return Buffer.concat(parts);
  return undefined;
}

function rewriteHeadersFrame(frame: Buffer, flags: number): Buffer {
  if (flags & FLAG_PADDED || !(flags & FLAG_END_HEADERS)) return frame;
  const skip = flags & FLAG_PRIORITY ? 5 : 0;
  const block = frame.subarray(9 + skip);
  const fixed = fixAuthorityInBlock(block);
  if (fixed === block || skip + fixed.length > 16384) return frame;
  const header = Buffer.from(frame.subarray(0, 9 + skip));
  header.writeUIntBE(skip + fixed.length, 0, 3);
  return Buffer.concat([header, fixed]);
}
