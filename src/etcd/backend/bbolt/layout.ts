// The on-disk layout of a bbolt (go.etcd.io/bbolt) database file, as etcd's backend uses it.
// Every integer is little-endian (bbolt writes its structs in host order; etcd runs on
// little-endian machines and a file from one is read on the other as-is).
//
//   page header (16 bytes):  id u64 | flags u16 | count u16 | overflow u32
//   meta (64 bytes, at 16):  magic u32 | version u32 | pageSize u32 | flags u32 |
//                            root bucket {root pgid u64, sequence u64} | freelist pgid u64 |
//                            high-water pgid u64 | txid u64 | checksum u64 (FNV-64a of the 56 before)
//   branch element (16):     pos u32 | ksize u32 | pgid u64      (pos counts from the element)
//   leaf element (16):       flags u32 | pos u32 | ksize u32 | vsize u32
//   bucket value:            {root pgid u64, sequence u64}, then an inline leaf page when root = 0
//   freelist page:           count pgids (u64, sorted); count 0xFFFF means the first u64 is the count

export const MAGIC = 0xed0cdaed;
export const VERSION = 2;
export const DEFAULT_PAGE_SIZE = 4096;
export const PAGE_HEADER_SIZE = 16;
export const ELEMENT_SIZE = 16;
export const BUCKET_HEADER_SIZE = 16;
export const META_SIZE = 64;
/** bbolt's PgidNoFreelist: the freelist was not written (NoFreelistSync). */
export const NO_FREELIST = 0xffffffffffffffffn;

export const BRANCH_PAGE = 0x01;
export const LEAF_PAGE = 0x02;
export const META_PAGE = 0x04;
export const FREELIST_PAGE = 0x10;
/** Leaf element flag: the value is a sub-bucket. */
export const BUCKET_LEAF_FLAG = 0x01;

export interface Meta {
  magic: number;
  version: number;
  pageSize: number;
  flags: number;
  root: bigint;
  sequence: bigint;
  freelist: bigint;
  /** High-water mark: pages [0, pgid) are in use or free. */
  pgid: bigint;
  txid: bigint;
  checksum: bigint;
}

export function pageTypeName(flags: number): string {
  if (flags === BRANCH_PAGE) return 'branch';
  if (flags === LEAF_PAGE) return 'leaf';
  if (flags === META_PAGE) return 'meta';
  if (flags === FREELIST_PAGE) return 'freelist';
  return `unknown<${flags.toString(16).padStart(2, '0')}>`;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;

/** FNV-64a, as Go's hash/fnv New64a. */
export function fnv64a(data: Uint8Array): bigint {
  let h = FNV_OFFSET;
  for (const b of data) {
    h ^= BigInt(b);
    h = (h * FNV_PRIME) & 0xffffffffffffffffn;
  }
  return h;
}

export function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Reads the meta struct that follows the page header at `off`. */
export function readMeta(file: Uint8Array, off: number): Meta {
  const v = view(file);
  const m = off + PAGE_HEADER_SIZE;
  return {
    magic: v.getUint32(m, true),
    version: v.getUint32(m + 4, true),
    pageSize: v.getUint32(m + 8, true),
    flags: v.getUint32(m + 12, true),
    root: v.getBigUint64(m + 16, true),
    sequence: v.getBigUint64(m + 24, true),
    freelist: v.getBigUint64(m + 32, true),
    pgid: v.getBigUint64(m + 40, true),
    txid: v.getBigUint64(m + 48, true),
    checksum: v.getBigUint64(m + 56, true),
  };
}

/** The checksum a meta at `off` should carry. */
export function metaSum(file: Uint8Array, off: number): bigint {
  const m = off + PAGE_HEADER_SIZE;
  return fnv64a(file.subarray(m, m + 56));
}

/** Writes a meta page (header + meta with its checksum) at `off`. */
export function writeMeta(file: Uint8Array, off: number, pageId: number, m: Omit<Meta, 'checksum'>): void {
  const v = view(file);
  v.setBigUint64(off, BigInt(pageId), true);
  v.setUint16(off + 8, META_PAGE, true);
  v.setUint16(off + 10, 0, true);
  v.setUint32(off + 12, 0, true);
  const p = off + PAGE_HEADER_SIZE;
  v.setUint32(p, m.magic, true);
  v.setUint32(p + 4, m.version, true);
  v.setUint32(p + 8, m.pageSize, true);
  v.setUint32(p + 12, m.flags, true);
  v.setBigUint64(p + 16, m.root, true);
  v.setBigUint64(p + 24, m.sequence, true);
  v.setBigUint64(p + 32, m.freelist, true);
  v.setBigUint64(p + 40, m.pgid, true);
  v.setBigUint64(p + 48, m.txid, true);
  v.setBigUint64(p + 56, metaSum(file, off), true);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** An in-memory bucket: its entries sorted by key, each a value or a nested bucket. */
export interface BoltBucket {
  sequence: bigint;
  entries: BoltEntry[];
}

export type BoltEntry = { key: Uint8Array; value: Uint8Array; bucket?: undefined } | { key: Uint8Array; bucket: BoltBucket; value?: undefined };

export class BoltError extends Error {}
