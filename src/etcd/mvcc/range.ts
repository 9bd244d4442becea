// A RangeRequest against the key space, with etcd's rules for limit, count, more, the
// min/max revision filters, sorting, keysOnly and countOnly (etcdserver's txn.Range).
import { compareBytes, toKeyRange } from './bytes.ts';
import { ErrEmptyKey, ErrInvalidSortOption } from './errors.ts';
import type { KvStore } from './kv-store.ts';
import type { KeyValue, RangeRequest, RangeResponse, SortOrder, SortTarget } from './types.ts';

const SORT_ORDERS: readonly SortOrder[] = ['NONE', 'ASCEND', 'DESCEND'];
const SORT_TARGETS: readonly SortTarget[] = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'];

export function checkRangeRequest(req: RangeRequest): void {
  if (!req.key || req.key.length === 0) throw new ErrEmptyKey();
  if (req.sortOrder !== undefined && !SORT_ORDERS.includes(req.sortOrder)) throw new ErrInvalidSortOption();
  if (req.sortTarget !== undefined && !SORT_TARGETS.includes(req.sortTarget)) throw new ErrInvalidSortOption();
}

/**
 * Runs a range. `readRevision` is the revision to read when the request names none (the
 * current one, or inside a write txn the txn's own revision so it sees its own writes);
 * `headerRevision` goes into the response header.
 */
export function executeRange(
  kv: KvStore,
  req: RangeRequest,
  readRevision: number,
  headerRevision: number,
): RangeResponse {
  const rev = req.revision && req.revision > 0 ? kv.checkReadRevision(req.revision) : readRevision;
  const limit = req.limit && req.limit > 0 ? req.limit : 0;
  const filtered = !!(req.minModRevision || req.maxModRevision || req.minCreateRevision || req.maxCreateRevision);
  let order: SortOrder = req.sortOrder ?? 'NONE';
  const target: SortTarget = req.sortTarget ?? 'KEY';
  // etcd: sorting by anything but the key with no order given means ascending.
  if (target !== 'KEY' && order === 'NONE') order = 'ASCEND';
  const needAll = filtered || order !== 'NONE';
  const fetchLimit = needAll || limit === 0 ? 0 : limit + 1;

  const r = kv.range(toKeyRange(req.key, req.rangeEnd), rev, fetchLimit, !!req.countOnly);
  let kvs = r.kvs;
  if (filtered) kvs = kvs.filter((x) => passesFilters(req, x));
  if (order === 'DESCEND' && target === 'KEY') kvs = kvs.slice().reverse();
  else if (order !== 'NONE' && target !== 'KEY') {
    const by = sortKey(target);
    const sign = order === 'ASCEND' ? 1 : -1;
    // Stable, so keys with equal targets stay in key order.
    kvs = kvs.slice().sort((a, b) => sign * by(a, b));
  }
  let more = false;
  if (limit > 0 && kvs.length > limit) {
    kvs = kvs.slice(0, limit);
    more = true;
  }
  if (req.keysOnly) kvs = kvs.map((x) => ({ ...x, value: new Uint8Array(0) }));
  return { header: { revision: headerRevision }, kvs, more, count: r.count };
}

function passesFilters(req: RangeRequest, x: KeyValue): boolean {
  if (req.minModRevision && x.modRevision < req.minModRevision) return false;
  if (req.maxModRevision && x.modRevision > req.maxModRevision) return false;
  if (req.minCreateRevision && x.createRevision < req.minCreateRevision) return false;
  if (req.maxCreateRevision && x.createRevision > req.maxCreateRevision) return false;
  return true;
}

function sortKey(target: SortTarget): (a: KeyValue, b: KeyValue) => number {
  switch (target) {
    case 'VERSION':
      return (a, b) => a.version - b.version;
    case 'CREATE':
      return (a, b) => a.createRevision - b.createRevision;
    case 'MOD':
      return (a, b) => a.modRevision - b.modRevision;
    case 'VALUE':
      return (a, b) => compareBytes(a.value, b.value);
    case 'KEY':
      return (a, b) => compareBytes(a.key, b.key);
  }
}
