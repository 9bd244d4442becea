// The store's snapshot format (ours, not bbolt's): compact, deterministic, checksummed.
//
//   "HWMVCC01"                                  8-byte magic
//   uvarint currentRevision, compactRevision+1, consistentIndex
//   uvarint nChanges, then per change (revision order):
//     uvarint main, sub, flags (1 = tombstone), keyLen, key bytes
//     if not a tombstone: uvarint createRevision, version, valueLen, value, leaseLen, lease (hex ascii)
//   uvarint nLeases, then per lease: uvarint idLen, id (hex ascii), uvarint ttl
//   optional: uvarint authLen, auth bytes (the auth store's state, ../auth/authpb.ts; only when not empty)
//   4 bytes CRC-32C (big-endian) of everything before it
import type { BinKey } from './bytes.ts';
import { toBin } from './bytes.ts';
import { crc32c } from './hash.ts';
import type { Change } from './kv-store.ts';
import { tombstoneKv } from './kv-store.ts';

const MAGIC = 'HWMVCC01';

export interface SnapshotData {
  currentRevision: number;
  compactRevision: number;
  consistentIndex: number;
  changes: readonly Change[];
  leases: { id: string; ttl: number }[];
  /** The auth store's state blob (opaque here); absent or empty when auth was never used. */
  auth?: Uint8Array;
}

export class SnapshotError extends Error {}

class Writer {
  private chunks: Uint8Array[] = [];
  private buf = new Uint8Array(4096);
  private pos = 0;
  private ensure(n: number) {
    if (this.pos + n <= this.buf.length) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = new Uint8Array(Math.max(4096, n));
    this.pos = 0;
  }
  uvarint(v: number) {
    if (!Number.isSafeInteger(v) || v < 0) throw new SnapshotError(`snapshot: bad number ${v}`);
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
  bytes(b: Uint8Array) {
    this.uvarint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  ascii(s: string) {
    this.bytes(Uint8Array.from(s, (c) => c.charCodeAt(0)));
  }
  finish(): Uint8Array {
    this.chunks.push(this.buf.subarray(0, this.pos));
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total + 4);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    new DataView(out.buffer).setUint32(total, crc32c(out.subarray(0, total)));
    return out;
  }
}

class Reader {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}
  uvarint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const x = this.b[this.pos++];
      if (x === undefined) throw new SnapshotError('snapshot: truncated');
      v += (x & 0x7f) * mul;
      if (x < 0x80) return v;
      mul *= 0x80;
    }
    throw new SnapshotError('snapshot: bad varint');
  }
  bytes(): Uint8Array {
    const n = this.uvarint();
    if (this.pos + n > this.b.length) throw new SnapshotError('snapshot: truncated');
    const out = this.b.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  ascii(): string {
    return String.fromCharCode(...this.bytes());
  }
}

export function encodeSnapshot(s: SnapshotData): Uint8Array {
  const w = new Writer();
  w.ascii(MAGIC);
  w.uvarint(s.currentRevision);
  w.uvarint(s.compactRevision + 1);
  w.uvarint(s.consistentIndex);
  w.uvarint(s.changes.length);
  for (const c of s.changes) {
    w.uvarint(c.main);
    w.uvarint(c.sub);
    w.uvarint(c.tombstone ? 1 : 0);
    w.bytes(c.kv.key);
    if (c.tombstone) continue;
    w.uvarint(c.kv.createRevision);
    w.uvarint(c.kv.version);
    w.bytes(c.kv.value);
    w.ascii(c.kv.lease);
  }
  w.uvarint(s.leases.length);
  for (const l of s.leases) {
    w.ascii(l.id);
    w.uvarint(l.ttl);
  }
  if (s.auth && s.auth.length > 0) w.bytes(s.auth);
  return w.finish();
}

export function decodeSnapshot(data: Uint8Array): SnapshotData {
  if (data.length < 12) throw new SnapshotError('snapshot: too short');
  const body = data.subarray(0, data.length - 4);
  const want = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(data.length - 4);
  if (crc32c(body) !== want) throw new SnapshotError('snapshot: checksum mismatch');
  const r = new Reader(body);
  if (r.ascii() !== MAGIC) throw new SnapshotError('snapshot: not an mvcc snapshot');
  const currentRevision = r.uvarint();
  const compactRevision = r.uvarint() - 1;
  const consistentIndex = r.uvarint();
  const n = r.uvarint();
  const changes: Change[] = [];
  for (let i = 0; i < n; i++) {
    const main = r.uvarint();
    const sub = r.uvarint();
    const tombstone = r.uvarint() === 1;
    const keyBytes = r.bytes();
    const key: BinKey = toBin(keyBytes);
    if (tombstone) {
      changes.push({ main, sub, key, kv: tombstoneKv(key, main), tombstone });
      continue;
    }
    const createRevision = r.uvarint();
    const version = r.uvarint();
    const value = r.bytes();
    const lease = r.ascii();
    changes.push({
      main,
      sub,
      key,
      kv: { key: keyBytes, createRevision, modRevision: main, version, value, lease },
      tombstone,
    });
  }
  const leases: { id: string; ttl: number }[] = [];
  const nl = r.uvarint();
  for (let i = 0; i < nl; i++) leases.push({ id: r.ascii(), ttl: r.uvarint() });
  const auth = r.pos < body.length ? r.bytes() : undefined;
  if (r.pos !== body.length) throw new SnapshotError('snapshot: trailing bytes');
  return { currentRevision, compactRevision, consistentIndex, changes, leases, ...(auth ? { auth } : {}) };
}
