// Byte-key helpers. Inside the store a key is a "binary string": one UTF-16 code unit per
// byte (0..255). JS string comparison on such strings is exactly etcd's bytewise order,
// and they work as Map keys.

export type BinKey = string;

export function toBin(bytes: Uint8Array): BinKey {
  let s = '';
  // Chunked so very long keys do not overflow the argument list.
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

export function fromBin(s: BinKey): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string: what etcdctl sends for `etcdctl put foo bar`. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

export function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return compareBytes(a, b) === 0;
}

/**
 * The range end that selects every key with `key` as a prefix (etcd's GetPrefixRangeEnd):
 * the key with its last byte below 0xff incremented and what follows dropped. A key of only
 * 0xff bytes (or empty) has no upper bound, so the answer is [0], meaning "every key >= key".
 */
export function prefixEnd(key: Uint8Array): Uint8Array {
  for (let i = key.length - 1; i >= 0; i--) {
    if (key[i]! < 0xff) {
      const end = key.slice(0, i + 1);
      end[i] = end[i]! + 1;
      return end;
    }
  }
  return new Uint8Array([0]);
}

/**
 * A decoded range: [start, end) over binary keys. end === undefined: only `start`;
 * end === null: no upper bound. Mirrors etcd: an empty rangeEnd means a single key,
 * [0] means every key >= key.
 */
export interface KeyRange {
  start: BinKey;
  end: BinKey | undefined | null;
}

export function toKeyRange(key: Uint8Array, rangeEnd: Uint8Array | undefined): KeyRange {
  const start = toBin(key);
  if (!rangeEnd || rangeEnd.length === 0) return { start, end: undefined };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { start, end: null };
  return { start, end: toBin(rangeEnd) };
}

export function inRange(r: KeyRange, k: BinKey): boolean {
  if (r.end === undefined) return k === r.start;
  if (k < r.start) return false;
  return r.end === null || k < r.end;
}
