// Writing a bbolt file from scratch: a compact file as `bbolt compact` or etcd's defrag
// leaves one — metas on pages 0 and 1, an empty freelist on page 2, then every bucket's
// pages packed full, small buckets inline in their parent's leaf (as bbolt stores them).
// We never update in place: the whole file is written at once from the bucket tree.
import {
  BRANCH_PAGE,
  BUCKET_HEADER_SIZE,
  BUCKET_LEAF_FLAG,
  BoltError,
  DEFAULT_PAGE_SIZE,
  ELEMENT_SIZE,
  FREELIST_PAGE,
  LEAF_PAGE,
  MAGIC,
  NO_FREELIST,
  PAGE_HEADER_SIZE,
  VERSION,
  compareBytes,
  view,
  writeMeta,
  type BoltBucket,
} from './layout.ts';

export interface WriteBoltOptions {
  pageSize?: number;
  /** The transaction id of the newer meta (page 0); page 1 gets txid - 1, as Tx.WriteTo does. */
  txid?: number;
  /**
   * Write an (empty) freelist page. etcd opens bbolt with NoFreelistSync, so its files
   * carry none (the meta says PgidNoFreelist) and bbolt rebuilds it from unreachable pages.
   */
  freelist?: boolean;
}

interface LeafItem {
  flags: number;
  key: Uint8Array;
  value: Uint8Array;
}

class PageSink {
  readonly pages: { pgid: number; bytes: Uint8Array }[] = [];
  next: number;
  constructor(
    readonly pageSize: number,
    firstFree: number,
  ) {
    this.next = firstFree;
  }

  /** Allocates enough consecutive pages for `size` bytes; returns the buffer and its first pgid. */
  alloc(size: number): { pgid: number; buf: Uint8Array; overflow: number } {
    const n = Math.max(1, Math.ceil(size / this.pageSize));
    const pgid = this.next;
    this.next += n;
    const buf = new Uint8Array(n * this.pageSize);
    this.pages.push({ pgid, bytes: buf });
    return { pgid, buf, overflow: n - 1 };
  }
}

function leafSize(items: readonly LeafItem[]): number {
  return items.reduce((n, it) => n + ELEMENT_SIZE + it.key.length + it.value.length, PAGE_HEADER_SIZE);
}

/** Lays out a leaf page (header + elements + data) into `buf` at `off`. */
function writeLeaf(buf: Uint8Array, off: number, pgid: number, overflow: number, items: readonly LeafItem[]): void {
  const v = view(buf);
  v.setBigUint64(off, BigInt(pgid), true);
  v.setUint16(off + 8, LEAF_PAGE, true);
  v.setUint16(off + 10, items.length, true);
  v.setUint32(off + 12, overflow, true);
  let data = off + PAGE_HEADER_SIZE + items.length * ELEMENT_SIZE;
  items.forEach((it, i) => {
    const e = off + PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
    v.setUint32(e, it.flags, true);
    v.setUint32(e + 4, data - e, true);
    v.setUint32(e + 8, it.key.length, true);
    v.setUint32(e + 12, it.value.length, true);
    buf.set(it.key, data);
    buf.set(it.value, data + it.key.length);
    data += it.key.length + it.value.length;
  });
}

/** Splits items into runs that each fit a page (an item too big for one gets overflow pages alone). */
function pack<T>(items: readonly T[], size: (x: T) => number, pageSize: number): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let used = PAGE_HEADER_SIZE;
  for (const it of items) {
    const s = size(it);
    if (run.length > 0 && used + s > pageSize) {
      runs.push(run);
      run = [];
      used = PAGE_HEADER_SIZE;
    }
    run.push(it);
    used += s;
  }
  if (run.length > 0 || runs.length === 0) runs.push(run);
  return runs;
}

function writeTree(sink: PageSink, items: LeafItem[]): number {
  const ps = sink.pageSize;
  let level: { key: Uint8Array; pgid: number }[] = [];
  for (const run of pack(items, (it) => ELEMENT_SIZE + it.key.length + it.value.length, ps)) {
    const { pgid, buf, overflow } = sink.alloc(leafSize(run));
    writeLeaf(buf, 0, pgid, overflow, run);
    level.push({ key: run[0]?.key ?? new Uint8Array(), pgid });
  }
  while (level.length > 1) {
    const up: typeof level = [];
    for (const run of pack(level, (it) => ELEMENT_SIZE + it.key.length, ps)) {
      const size = run.reduce((n, it) => n + ELEMENT_SIZE + it.key.length, PAGE_HEADER_SIZE);
      const { pgid, buf, overflow } = sink.alloc(size);
      const v = view(buf);
      v.setBigUint64(0, BigInt(pgid), true);
      v.setUint16(8, BRANCH_PAGE, true);
      v.setUint16(10, run.length, true);
      v.setUint32(12, overflow, true);
      let data = PAGE_HEADER_SIZE + run.length * ELEMENT_SIZE;
      run.forEach((it, i) => {
        const e = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
        v.setUint32(e, data - e, true);
        v.setUint32(e + 4, it.key.length, true);
        v.setBigUint64(e + 8, BigInt(it.pgid), true);
        buf.set(it.key, data);
        data += it.key.length;
      });
      up.push({ key: run[0]!.key, pgid });
    }
    level = up;
  }
  return level[0]!.pgid;
}

/** The leaf items of a bucket, its sub-buckets written first (their values are their headers). */
function bucketItems(sink: PageSink, b: BoltBucket): LeafItem[] {
  const sorted = [...b.entries].sort((x, y) => compareBytes(x.key, y.key));
  return sorted.map((e, i) => {
    if (i > 0 && compareBytes(sorted[i - 1]!.key, e.key) === 0) throw new BoltError('bbolt writer: duplicate key');
    if (e.key.length === 0) throw new BoltError('key required');
    if (e.bucket) return { flags: BUCKET_LEAF_FLAG, key: e.key, value: bucketValue(sink, e.bucket) };
    return { flags: 0, key: e.key, value: e.value };
  });
}

/** A sub-bucket's value: inline when small and bucket-free (bbolt's inlineable), else its root pgid. */
function bucketValue(sink: PageSink, b: BoltBucket): Uint8Array {
  const items = bucketItems(sink, b);
  const inline = items.every((it) => it.flags === 0) && leafSize(items) <= sink.pageSize / 4;
  const out = new Uint8Array(BUCKET_HEADER_SIZE + (inline ? leafSize(items) : 0));
  const v = view(out);
  v.setBigUint64(8, b.sequence, true);
  if (inline) writeLeaf(out, BUCKET_HEADER_SIZE, 0, 0, items);
  else v.setBigUint64(0, BigInt(writeTree(sink, items)), true);
  return out;
}

/** A whole bbolt file holding `root`'s buckets. */
export function writeBolt(root: BoltBucket, opts: WriteBoltOptions = {}): Uint8Array {
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  const txid = Math.max(1, opts.txid ?? 2);
  const withFreelist = opts.freelist ?? false;
  const sink = new PageSink(pageSize, withFreelist ? 3 : 2);
  if (root.entries.some((e) => !e.bucket)) throw new BoltError('bbolt writer: top-level entries must be buckets');
  const rootPgid = writeTree(sink, bucketItems(sink, root));
  const hwm = sink.next;
  const file = new Uint8Array(hwm * pageSize);
  for (const p of sink.pages) file.set(p.bytes, p.pgid * pageSize);
  if (withFreelist) {
    const fv = view(file);
    fv.setBigUint64(2 * pageSize, 2n, true);
    fv.setUint16(2 * pageSize + 8, FREELIST_PAGE, true);
  }
  const freelist = withFreelist ? 2n : NO_FREELIST;
  const meta = { magic: MAGIC, version: VERSION, pageSize, flags: 0, root: BigInt(rootPgid), sequence: root.sequence, freelist, pgid: BigInt(hwm) };
  writeMeta(file, 0, 0, { ...meta, txid: BigInt(txid) });
  writeMeta(file, pageSize, 1, { ...meta, txid: BigInt(txid - 1) });
  return file;
}
