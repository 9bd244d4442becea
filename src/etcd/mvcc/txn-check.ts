// Request validation etcd does before a KV request is proposed (v3rpc/key.go): empty keys,
// ignore_value/ignore_lease misuse, the txn operation limit, and overlapping writes in a txn.
import type { BinKey, KeyRange } from './bytes.ts';
import { inRange, toBin, toKeyRange } from './bytes.ts';
import {
  ErrDuplicateKey,
  ErrEmptyKey,
  ErrKeyNotFound,
  ErrLeaseProvided,
  ErrTooManyOps,
  ErrValueProvided,
} from './errors.ts';
import { normalizeLeaseId } from './lessor.ts';
import { checkRangeRequest } from './range.ts';
import type { DeleteRangeRequest, PutRequest, RequestOp, TxnRequest } from './types.ts';

export const DEFAULT_MAX_TXN_OPS = 128;

export function checkPutRequest(r: PutRequest): void {
  if (!r.key || r.key.length === 0) throw new ErrEmptyKey();
  if (r.ignoreValue && r.value && r.value.length !== 0) throw new ErrValueProvided();
  if (r.ignoreLease && normalizeLeaseId(r.lease) !== '') throw new ErrLeaseProvided();
}

export function checkDeleteRequest(r: DeleteRangeRequest): void {
  if (!r.key || r.key.length === 0) throw new ErrEmptyKey();
}

/** etcd's checkTxnRequest plus checkIntervals on both branches. */
export function checkTxnRequest(r: TxnRequest, maxTxnOps = DEFAULT_MAX_TXN_OPS): void {
  checkTxnShape(r, maxTxnOps);
  checkIntervals(r.success ?? []);
  checkIntervals(r.failure ?? []);
}

function checkTxnShape(r: TxnRequest, maxTxnOps: number): void {
  const opc = Math.max(r.compare?.length ?? 0, r.success?.length ?? 0, r.failure?.length ?? 0);
  if (opc > maxTxnOps) throw new ErrTooManyOps();
  for (const c of r.compare ?? []) if (!c.key || c.key.length === 0) throw new ErrEmptyKey();
  for (const op of [...(r.success ?? []), ...(r.failure ?? [])]) checkRequestOp(op, maxTxnOps - opc);
}

function checkRequestOp(op: RequestOp, maxTxnOps: number): void {
  if ('requestRange' in op) return checkRangeRequest(op.requestRange);
  if ('requestPut' in op) return checkPutRequest(op.requestPut);
  if ('requestDeleteRange' in op) return checkDeleteRequest(op.requestDeleteRange);
  if ('requestTxn' in op) return checkTxnShape(op.requestTxn, maxTxnOps);
  // An empty RequestOp: etcd answers "key not found".
  throw new ErrKeyNotFound();
}

/**
 * Puts may not repeat a key, nor fall inside a delete range of the same branch (nested
 * txns included); the two branches of a nested txn may share puts since only one runs.
 */
function checkIntervals(ops: RequestOp[]): { puts: Set<BinKey>; dels: KeyRange[] } {
  const dels: KeyRange[] = [];
  for (const op of ops) {
    if ('requestDeleteRange' in op) dels.push(toKeyRange(op.requestDeleteRange.key, op.requestDeleteRange.rangeEnd));
  }
  const hitsDel = (k: BinKey) => dels.some((d) => inRange(d, k));
  const puts = new Set<BinKey>();
  for (const op of ops) {
    if (!('requestTxn' in op)) continue;
    const then = checkIntervals(op.requestTxn.success ?? []);
    const els = checkIntervals(op.requestTxn.failure ?? []);
    for (const k of then.puts) {
      if (puts.has(k) || hitsDel(k)) throw new ErrDuplicateKey();
      puts.add(k);
    }
    for (const k of els.puts) {
      if ((puts.has(k) && !then.puts.has(k)) || hitsDel(k)) throw new ErrDuplicateKey();
      puts.add(k);
    }
    dels.push(...then.dels, ...els.dels);
  }
  for (const op of ops) {
    if (!('requestPut' in op)) continue;
    const k = toBin(op.requestPut.key);
    if (puts.has(k) || hitsDel(k)) throw new ErrDuplicateKey();
    puts.add(k);
  }
  return { puts, dels };
}
