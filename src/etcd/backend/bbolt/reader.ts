// Reading a bbolt file: pick the newest valid meta page, walk the bucket tree into memory,
// and check the file as bbolt's tx.Check does (every page reachable or free, exactly once;
// keys in order) — what `etcdutl snapshot status` runs before trusting a snapshot.
import {
  BRANCH_PAGE,
  BUCKET_HEADER_SIZE,
  BUCKET_LEAF_FLAG,
  BoltError,
  ELEMENT_SIZE,
  FREELIST_PAGE,
  LEAF_PAGE,
  MAGIC,
  NO_FREELIST,
  PAGE_HEADER_SIZE,
  VERSION,
  compareBytes,
  metaSum,
  pageTypeName,
  readMeta,
  view,
  type BoltBucket,
  type BoltEntry,
  type Meta,
} from './layout.ts';

export interface BoltFile {
  pageSize: number;
  meta: Meta;
  /** The root bucket: its entries are the top-level buckets. */
  root: BoltBucket;
  /** tx.Size(): the high-water mark in bytes. */
  size: number;
  /** Bytes in pages below the high-water mark that are in use (bbolt's size in use). */
  inUse: number;
}

/** Why a meta page is not usable, in bbolt's words. */
function metaError(m: Meta, sum: bigint): string | undefined {
  if (m.magic !== MAGIC) return 'invalid database';
  if (m.version !== VERSION) return 'version mismatch';
  if (m.checksum !== sum) return 'checksum error';
  return undefined;
}

function pickMeta(file: Uint8Array): { meta: Meta; pageSize: number } {
  if (file.length < PAGE_HEADER_SIZE + 64) throw new BoltError('invalid database');
  const m0 = readMeta(file, 0);
  const e0 = metaError(m0, metaSum(file, 0));
  // The page size comes from the first meta if it is sound, else bbolt probes common sizes.
  const sizes = e0 === undefined ? [m0.pageSize] : [4096, 1024, 2048, 8192, 16384, 32768, 65536];
  for (const ps of sizes) {
    if (file.length < ps + PAGE_HEADER_SIZE + 64) continue;
    const m1 = readMeta(file, ps);
    const e1 = metaError(m1, metaSum(file, ps));
    if (e1 !== undefined && e0 !== undefined) continue;
    if (e1 !== undefined || (e0 === undefined && m0.txid >= m1.txid)) return { meta: m0, pageSize: ps };
    if (m1.pageSize !== ps) continue;
    return { meta: m1, pageSize: ps };
  }
  if (e0 === undefined) return { meta: m0, pageSize: m0.pageSize };
  throw new BoltError(e0);
}

interface PageHeader {
  id: bigint;
  flags: number;
  count: number;
  overflow: number;
}

class PageReader {
  constructor(
    readonly file: Uint8Array,
    readonly pageSize: number,
  ) {}

  header(pgid: bigint): { h: PageHeader; off: number } {
    const off = Number(pgid) * this.pageSize;
    if (off + PAGE_HEADER_SIZE > this.file.length) throw new BoltError(`page ${pgid}: out of file bounds (file size ${this.file.length})`);
    return { h: headerAt(this.file, off), off };
  }
}

function headerAt(buf: Uint8Array, off: number): PageHeader {
  const v = view(buf);
  return { id: v.getBigUint64(off, true), flags: v.getUint16(off + 8, true), count: v.getUint16(off + 10, true), overflow: v.getUint32(off + 12, true) };
}

function slice(buf: Uint8Array, start: number, len: number, what: string): Uint8Array {
  if (start < 0 || start + len > buf.length) throw new BoltError(`${what}: element out of page bounds`);
  return buf.subarray(start, start + len);
}

interface LeafItem {
  flags: number;
  key: Uint8Array;
  value: Uint8Array;
}

/** The elements of a leaf page that starts at `off` in `buf`. */
function leafItems(buf: Uint8Array, off: number, count: number, what: string): LeafItem[] {
  const v = view(buf);
  const out: LeafItem[] = [];
  for (let i = 0; i < count; i++) {
    const e = off + PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
    if (e + ELEMENT_SIZE > buf.length) throw new BoltError(`${what}: element out of page bounds`);
    const flags = v.getUint32(e, true);
    const pos = v.getUint32(e + 4, true);
    const ksize = v.getUint32(e + 8, true);
    const vsize = v.getUint32(e + 12, true);
    const key = slice(buf, e + pos, ksize, what);
    const value = slice(buf, e + pos + ksize, vsize, what);
    out.push({ flags, key, value });
  }
  return out;
}

function branchItems(buf: Uint8Array, off: number, count: number, what: string): { key: Uint8Array; pgid: bigint }[] {
  const v = view(buf);
  const out: { key: Uint8Array; pgid: bigint }[] = [];
  for (let i = 0; i < count; i++) {
    const e = off + PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
    if (e + ELEMENT_SIZE > buf.length) throw new BoltError(`${what}: element out of page bounds`);
    const pos = v.getUint32(e, true);
    const ksize = v.getUint32(e + 4, true);
    out.push({ key: slice(buf, e + pos, ksize, what), pgid: v.getBigUint64(e + 8, true) });
  }
  return out;
}

/** Collects what tx.Check would report while walking; empty when the file is sound. */
class Walk {
  readonly errors: string[] = [];
  readonly reachable = new Map<bigint, bigint>();
  constructor(
    readonly pages: PageReader,
    readonly hwm: bigint,
  ) {}

  /** Marks a page (and its overflow) reachable, reporting what bbolt reports. */
  mark(pgid: bigint, overflow: number, flags: number, stack: bigint[]): void {
    if (pgid + BigInt(overflow) >= this.hwm) this.errors.push(`page ${pgid}: out of bounds: ${this.hwm} (stack: [${stack.join(' ')}])`);
    for (let i = 0n; i <= BigInt(overflow); i++) {
      const id = pgid + i;
      if (this.reachable.has(id)) this.errors.push(`page ${id}: multiple references (stack: [${stack.join(' ')}])`);
      this.reachable.set(id, pgid);
    }
    if (flags !== BRANCH_PAGE && flags !== LEAF_PAGE) this.errors.push(`page ${pgid}: invalid type: ${pageTypeName(flags)} (stack: [${stack.join(' ')}])`);
  }

  bucket(value: Uint8Array, stack: bigint[]): BoltBucket {
    if (value.length < BUCKET_HEADER_SIZE) throw new BoltError('invalid bucket value');
    const v = view(value);
    const root = v.getBigUint64(0, true);
    const sequence = v.getBigUint64(8, true);
    if (root === 0n) {
      // Inline bucket: a leaf page stored in the value itself.
      const h = headerAt(value, BUCKET_HEADER_SIZE);
      return { sequence, entries: this.entries(leafItems(value, BUCKET_HEADER_SIZE, h.count, 'inline bucket'), stack) };
    }
    const entries: BoltEntry[] = [];
    this.page(root, stack, entries, undefined, undefined);
    return { sequence, entries };
  }

  private entries(items: LeafItem[], stack: bigint[]): BoltEntry[] {
    return items.map((it) => ((it.flags & BUCKET_LEAF_FLAG) !== 0 ? { key: it.key, bucket: this.bucket(it.value, stack) } : { key: it.key, value: it.value }));
  }

  /** Walks the page tree under `pgid`, appending the leaf entries in order. */
  page(pgid: bigint, stack: bigint[], out: BoltEntry[], low: Uint8Array | undefined, high: Uint8Array | undefined): void {
    const { h, off } = this.pages.header(pgid);
    const here = [...stack, pgid];
    this.mark(pgid, h.overflow, h.flags, here);
    if (h.flags !== BRANCH_PAGE && h.flags !== LEAF_PAGE) return;
    const what = `page ${pgid}`;
    const keys: Uint8Array[] = [];
    if (h.flags === LEAF_PAGE) {
      const items = leafItems(this.pages.file, off, h.count, what);
      for (const it of items) keys.push(it.key);
      this.order(pgid, 'leaf', keys, low, high, here);
      out.push(...this.entries(items, here));
      return;
    }
    const items = branchItems(this.pages.file, off, h.count, what);
    for (const it of items) keys.push(it.key);
    this.order(pgid, 'branch', keys, low, high, here);
    items.forEach((it, i) => this.page(it.pgid, here, out, it.key, items[i + 1]?.key ?? high));
  }

  private order(pgid: bigint, kind: string, keys: Uint8Array[], low: Uint8Array | undefined, high: Uint8Array | undefined, stack: bigint[]): void {
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    const first = keys[0];
    if (first && low && compareBytes(first, low) < 0) {
      this.errors.push(`the first key[0]=(hex)${hex(first)} on ${kind} page(${pgid}) needs to be >= the key in the ancestor (${hex(low)}). Stack: [${stack.join(' ')}]`);
    }
    for (let i = 1; i < keys.length; i++) {
      const c = compareBytes(keys[i - 1]!, keys[i]!);
      if (c >= 0) this.errors.push(`key[${i}]=(hex)${hex(keys[i]!)} on ${kind} page(${pgid}) needs to be > (found ${c === 0 ? '=' : '<'}) than previous element (hex)${hex(keys[i - 1]!)}. Stack: [${stack.join(' ')}]`);
    }
    const last = keys[keys.length - 1];
    if (last && high && compareBytes(last, high) >= 0) {
      this.errors.push(`key[${keys.length - 1}]=(hex)${hex(last)} on ${kind} page(${pgid}) needs to be < than key of the next element in ancestor (hex)${hex(high)}. Pages stack: [${stack.join(' ')}]`);
    }
  }
}

function freePages(pages: PageReader, meta: Meta, errors: string[], reachable: Map<bigint, bigint>): Set<bigint> {
  const free = new Set<bigint>();
  if (meta.freelist === NO_FREELIST) return free;
  const { h, off } = pages.header(meta.freelist);
  for (let i = 0n; i <= BigInt(h.overflow); i++) reachable.set(meta.freelist + i, meta.freelist);
  if (h.flags !== FREELIST_PAGE) {
    errors.push(`unexpected page type (flags: ${h.flags.toString(16)}) for pgId:${meta.freelist}`);
    return free;
  }
  const v = view(pages.file);
  let start = off + PAGE_HEADER_SIZE;
  let count = h.count;
  if (count === 0xffff) {
    count = Number(v.getBigUint64(start, true));
    start += 8;
  }
  if (start + count * 8 > pages.file.length) throw new BoltError(`page ${meta.freelist}: freelist out of file bounds`);
  for (let i = 0; i < count; i++) {
    const id = v.getBigUint64(start + i * 8, true);
    if (free.has(id)) errors.push(`page ${id}: already freed`);
    free.add(id);
  }
  return free;
}

/** Opens a bbolt file (bytes), walking every bucket; throws BoltError in bbolt's words. */
export function openBolt(file: Uint8Array): BoltFile {
  return checkBolt(file).db;
}

/** Opens and checks a bbolt file: the tree plus what tx.Check would report. */
export function checkBolt(file: Uint8Array): { db: BoltFile; errors: string[] } {
  const { meta, pageSize } = pickMeta(file);
  const pages = new PageReader(file, pageSize);
  const walk = new Walk(pages, meta.pgid);
  walk.reachable.set(0n, 0n);
  walk.reachable.set(1n, 1n);
  const free = freePages(pages, meta, walk.errors, walk.reachable);
  const entries: BoltEntry[] = [];
  walk.page(meta.root, [], entries, undefined, undefined);
  for (const id of free) if (walk.reachable.has(id) && id !== meta.freelist) walk.errors.push(`page ${id}: reachable freed`);
  // Without a persisted freelist (etcd opens bbolt with NoFreelistSync) bbolt rebuilds it
  // from the pages nothing reaches, so only a written freelist can miss a page.
  if (meta.freelist !== NO_FREELIST) {
    for (let i = 0n; i < meta.pgid; i++) {
      if (!walk.reachable.has(i) && !free.has(i)) walk.errors.push(`page ${i}: unreachable unfreed`);
    }
  }
  const root: BoltBucket = { sequence: meta.sequence, entries };
  let used = 0;
  for (const id of walk.reachable.keys()) if (id < meta.pgid && !free.has(id)) used++;
  return { db: { pageSize, meta, root, size: Number(meta.pgid) * pageSize, inUse: used * pageSize }, errors: walk.errors };
}

/** A top-level bucket by name, or undefined. */
export function bucketOf(db: BoltFile, name: string): BoltBucket | undefined {
  const want = new TextEncoder().encode(name);
  for (const e of db.root.entries) if (e.bucket && compareBytes(e.key, want) === 0) return e.bucket;
  return undefined;
}
