// The multi-version key space: every change ever made (until compaction), indexed two ways,
// like etcd's bbolt "key" bucket (ordered by revision) and its in-memory treeIndex (per key).
//
// - `log` holds every kept change in revision order (main, then sub): watch catch-up,
//   hashing and snapshots walk it;
// - `histories` maps each key to its kept changes in order, and `keys` keeps those keys
//   sorted bytewise, so a range read at any revision is a binary search plus a scan.
//
// A change is a put (a full KeyValue) or a tombstone (a delete). A fresh store is at
// revision 1, as etcd is, so the first write gets revision 2.
import type { BinKey, KeyRange } from './bytes.ts';
import { fromBin } from './bytes.ts';
import { ErrCompacted, ErrFutureRev } from './errors.ts';
import type { KeyValue } from './types.ts';

export interface Change {
  main: number;
  sub: number;
  key: BinKey;
  /** For a tombstone: only key and modRevision are meaningful. */
  kv: KeyValue;
  tombstone: boolean;
}

/** Rough bytes one change takes in etcd's backend: the 17-byte revision key + the encoded KeyValue. */
export function changeCost(c: Change): number {
  return 17 + (c.tombstone ? 1 : 0) + c.kv.key.length + c.kv.value.length + c.kv.lease.length / 2 + 24;
}

const EMPTY = new Uint8Array(0);

export class KvStore {
  private keys: BinKey[] = [];
  private histories = new Map<BinKey, Change[]>();
  private log: Change[] = [];
  currentRevision = 1;
  /** -1 until the first compaction, like etcd. */
  compactRevision = -1;
  /** Sum of changeCost over the kept changes. */
  bytesInUse = 0;

  // ---- reads ----

  /** Throws etcd's errors for a read at `rev` (0 = current); returns the revision to read at. */
  checkReadRevision(rev: number | undefined): number {
    const r = rev ?? 0;
    if (r > this.currentRevision) throw new ErrFutureRev();
    const at = r <= 0 ? this.currentRevision : r;
    if (at < this.compactRevision) throw new ErrCompacted();
    return at;
  }

  /** The key's value visible at `rev`, or undefined if absent or deleted then. */
  get(key: BinKey, rev: number): KeyValue | undefined {
    const h = this.histories.get(key);
    if (!h) return undefined;
    const i = lastAtOrBefore(h, rev);
    if (i < 0) return undefined;
    const c = h[i]!;
    return c.tombstone ? undefined : c.kv;
  }

  /**
   * Live keys in the range at `rev`, in key order. `limit` (0 = none) caps the kvs
   * returned; `count` is always the full number of live keys in the range.
   */
  range(r: KeyRange, rev: number, limit = 0, countOnly = false): { kvs: KeyValue[]; count: number } {
    const kvs: KeyValue[] = [];
    let count = 0;
    if (r.end === undefined) {
      const kv = this.get(r.start, rev);
      if (kv) {
        count = 1;
        if (!countOnly) kvs.push(kv);
      }
      return { kvs, count };
    }
    if (r.end !== null && r.end <= r.start) return { kvs, count };
    for (let i = lowerBound(this.keys, r.start); i < this.keys.length; i++) {
      const k = this.keys[i]!;
      if (r.end !== null && k >= r.end) break;
      const kv = this.get(k, rev);
      if (!kv) continue;
      count++;
      if (!countOnly && (limit <= 0 || kvs.length < limit)) kvs.push(kv);
    }
    return { kvs, count };
  }

  /** Changes with main revision in [from, to], in revision order (for watch catch-up). */
  changesBetween(from: number, to: number, maxRevisions = Infinity): Change[] {
    const out: Change[] = [];
    let i = lowerBoundBy(this.log, from, (c) => c.main);
    let revs = 0;
    let lastMain = -1;
    for (; i < this.log.length; i++) {
      const c = this.log[i]!;
      if (c.main > to) break;
      if (c.main !== lastMain) {
        if (++revs > maxRevisions) break;
        lastMain = c.main;
      }
      out.push(c);
    }
    return out;
  }

  /** The value a key had just before this change (for watch prevKv), if still kept. */
  previousOf(c: Change): KeyValue | undefined {
    const h = this.histories.get(c.key);
    if (!h) return undefined;
    // Binary search: hot keys can have long histories between compactions.
    let i = lastAtOrBefore(h, c.main);
    while (i >= 0 && h[i] !== c) i--;
    const p = i > 0 ? h[i - 1] : undefined;
    return p && !p.tombstone ? p.kv : undefined;
  }

  /** Every kept change in revision order (hash, snapshot). */
  allChanges(): readonly Change[] {
    return this.log;
  }

  // ---- writes (used by WriteTxn only) ----

  append(c: Change): void {
    let h = this.histories.get(c.key);
    if (!h) {
      h = [];
      this.histories.set(c.key, h);
      this.keys.splice(lowerBound(this.keys, c.key), 0, c.key);
    }
    h.push(c);
    this.log.push(c);
    this.bytesInUse += changeCost(c);
  }

  /**
   * Physical compaction at `rev`: for every key, drop the changes older than the newest one
   * at or below `rev`, and drop that one too if it is a tombstone (etcd's keyIndex.compact).
   * Reads at revisions >= rev keep working; older ones get ErrCompacted.
   */
  compact(rev: number): void {
    if (rev <= this.compactRevision) throw new ErrCompacted();
    if (rev > this.currentRevision) throw new ErrFutureRev();
    const dead = new Set<Change>();
    const emptied: BinKey[] = [];
    for (const [key, h] of this.histories) {
      const i = lastAtOrBefore(h, rev);
      if (i < 0) continue;
      const drop = h[i]!.tombstone ? i + 1 : i;
      if (drop === 0) continue;
      for (let j = 0; j < drop; j++) dead.add(h[j]!);
      h.splice(0, drop);
      if (h.length === 0) emptied.push(key);
    }
    for (const key of emptied) this.histories.delete(key);
    if (emptied.length > 0) {
      const gone = new Set(emptied);
      this.keys = this.keys.filter((k) => !gone.has(k));
    }
    if (dead.size > 0) {
      this.log = this.log.filter((c) => !dead.has(c));
      for (const c of dead) this.bytesInUse -= changeCost(c);
    }
    this.compactRevision = rev;
  }

  /** Rebuilds a store from a revision-ordered list of changes (snapshot restore). */
  static fromChanges(changes: readonly Change[], currentRevision: number, compactRevision: number): KvStore {
    const s = new KvStore();
    const sorted = changes.slice().sort((a, b) => a.main - b.main || a.sub - b.sub);
    for (const c of sorted) {
      let h = s.histories.get(c.key);
      if (!h) s.histories.set(c.key, (h = []));
      h.push(c);
      s.log.push(c);
      s.bytesInUse += changeCost(c);
    }
    s.keys = [...s.histories.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    s.currentRevision = currentRevision;
    s.compactRevision = compactRevision;
    return s;
  }
}

/** The KeyValue etcd stores and sends for a deletion: key and deletion revision only. */
export function tombstoneKv(key: BinKey, main: number): KeyValue {
  return { key: fromBin(key), createRevision: 0, modRevision: main, version: 0, value: EMPTY, lease: '' };
}

function lastAtOrBefore(h: Change[], rev: number): number {
  // The first index whose main > rev, minus one.
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (h[mid]!.main <= rev) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function lowerBound(arr: BinKey[], k: BinKey): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerBoundBy<T>(arr: T[], v: number, f: (t: T) => number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (f(arr[mid]!) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
