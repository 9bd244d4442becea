// One write transaction: every change in it shares one main revision (cut into sub
// revisions), reads inside it see its own earlier writes, and the store's revision moves
// only if something changed (a delete of nothing or a read-only txn leaves it alone).
//
// Txn requests run the way etcd 3.6 runs them: first every compare (nested ones too) is
// evaluated on the state before the txn, which fixes the path; then the requests on that
// path are checked (leases exist, ignore_value keys exist, read revisions valid); only then
// is anything written, so a rejected request changes nothing.
import type { BinKey, KeyRange } from './bytes.ts';
import { compareBytes, toBin, toKeyRange } from './bytes.ts';
import { ErrCompacted, ErrFutureRev, ErrKeyNotFound, ErrLeaseNotFound } from './errors.ts';
import type { Change, KvStore } from './kv-store.ts';
import { tombstoneKv } from './kv-store.ts';
import type { Lessor } from './lessor.ts';
import { leaseIdValue, normalizeLeaseId } from './lessor.ts';
import { executeRange } from './range.ts';
import type {
  Compare,
  DeleteRangeRequest,
  DeleteRangeResponse,
  KeyValue,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from './types.ts';

const EMPTY = new Uint8Array(0);

export class WriteTxn {
  readonly main: number;
  private sub = 0;
  readonly changes: Change[] = [];
  private headers: { revision: number }[] = [];

  constructor(
    private readonly kv: KvStore,
    private readonly lessor: Lessor,
  ) {
    this.main = kv.currentRevision + 1;
  }

  /** The store's revision once this txn ends. */
  get revision(): number {
    return this.changes.length > 0 ? this.main : this.kv.currentRevision;
  }

  /** A response header whose revision end() fills in. */
  header(): { revision: number } {
    const h = { revision: 0 };
    this.headers.push(h);
    return h;
  }

  private record(key: BinKey, kv: KeyValue, tombstone: boolean): void {
    const c: Change = { main: this.main, sub: this.sub++, key, kv, tombstone };
    this.kv.append(c);
    this.changes.push(c);
  }

  /**
   * The revision an op inside the txn reports: the txn's starting revision until it has
   * changed something, then its own (etcd's storeTxnWrite.Range and DeleteRange).
   */
  private seenRevision(): number {
    return this.changes.length > 0 ? this.main : this.main - 1;
  }

  range(req: RangeRequest): RangeResponse {
    return executeRange(this.kv, req, this.main, this.seenRevision());
  }

  put(req: PutRequest): PutResponse {
    const key = toBin(req.key);
    const prev = this.kv.get(key, this.main);
    if ((req.ignoreValue || req.ignoreLease) && !prev) throw new ErrKeyNotFound();
    const lease = req.ignoreLease ? prev!.lease : normalizeLeaseId(req.lease);
    const kv: KeyValue = {
      key: req.key.slice(),
      createRevision: prev ? prev.createRevision : this.main,
      modRevision: this.main,
      version: prev ? prev.version + 1 : 1,
      value: req.ignoreValue ? prev!.value : (req.value ?? EMPTY).slice(),
      lease,
    };
    this.record(key, kv, false);
    if (prev && prev.lease !== '' && prev.lease !== lease) this.lessor.detach(prev.lease, key);
    if (lease !== '') this.lessor.attach(lease, key);
    const resp: PutResponse = { header: this.header() };
    if (req.prevKv && prev) resp.prevKv = prev;
    return resp;
  }

  deleteRange(req: DeleteRangeRequest): DeleteRangeResponse {
    const prevs = this.deleteKeys(toKeyRange(req.key, req.rangeEnd));
    return { header: { revision: this.seenRevision() }, deleted: prevs.length, prevKvs: req.prevKv ? prevs : [] };
  }

  /** Deletes the live keys in a range; returns what they held. */
  deleteKeys(r: KeyRange): KeyValue[] {
    const { kvs } = this.kv.range(r, this.main);
    for (const prev of kvs) {
      const key = toBin(prev.key);
      this.record(key, tombstoneKv(key, this.main), true);
      if (prev.lease !== '') this.lessor.detach(prev.lease, key);
    }
    return kvs;
  }

  txn(req: TxnRequest): TxnResponse {
    const path = txnPath(this.kv, this.kv.currentRevision, req);
    checkPath(this.kv, this.lessor, req, path);
    return this.runPath(req, path);
  }

  private runPath(req: TxnRequest, path: boolean[]): TxnResponse {
    const succeeded = path.shift()!;
    const ops = (succeeded ? req.success : req.failure) ?? [];
    const responses: ResponseOp[] = [];
    for (const op of ops) {
      if ('requestRange' in op) responses.push({ responseRange: this.range(op.requestRange) });
      else if ('requestPut' in op) responses.push({ responsePut: this.put(op.requestPut) });
      else if ('requestDeleteRange' in op) responses.push({ responseDeleteRange: this.deleteRange(op.requestDeleteRange) });
      else responses.push({ responseTxn: this.runPath(op.requestTxn, path) });
    }
    return { header: this.header(), succeeded, responses };
  }

  /** Makes the txn's revision the store's and fills in every response header. */
  end(): Change[] {
    if (this.changes.length > 0) this.kv.currentRevision = this.main;
    for (const h of this.headers) h.revision = this.kv.currentRevision;
    return this.changes;
  }
}

/** The outcome of every compare on the taken path, in execution order (etcd's compareToPath). */
function txnPath(kv: KvStore, rev: number, req: TxnRequest): boolean[] {
  const path: boolean[] = [];
  const walk = (t: TxnRequest) => {
    const ok = (t.compare ?? []).every((c) => applyCompare(kv, rev, c));
    path.push(ok);
    for (const op of (ok ? t.success : t.failure) ?? []) if ('requestTxn' in op) walk(op.requestTxn);
  };
  walk(req);
  return path;
}

function checkPath(kv: KvStore, lessor: Lessor, req: TxnRequest, path: boolean[]): void {
  let i = 0;
  const walk = (t: TxnRequest) => {
    for (const op of (path[i++] ? t.success : t.failure) ?? []) checkOp(kv, lessor, op, walk);
  };
  walk(req);
}

function checkOp(kv: KvStore, lessor: Lessor, op: RequestOp, nested: (t: TxnRequest) => void): void {
  if ('requestPut' in op) checkPutPreconditions(kv, lessor, op.requestPut);
  else if ('requestRange' in op) {
    const rev = op.requestRange.revision ?? 0;
    if (rev > kv.currentRevision) throw new ErrFutureRev();
    if (rev > 0 && rev < kv.compactRevision) throw new ErrCompacted();
  } else if ('requestTxn' in op) nested(op.requestTxn);
}

/** What a put needs from the current state: an existing lease, an existing key for ignore_*. */
export function checkPutPreconditions(kv: KvStore, lessor: Lessor, p: PutRequest): void {
  const lease = normalizeLeaseId(p.lease);
  if (lease !== '' && !lessor.lookup(lease)) throw new ErrLeaseNotFound();
  if ((p.ignoreValue || p.ignoreLease) && !kv.get(toBin(p.key), kv.currentRevision)) throw new ErrKeyNotFound();
}

/**
 * One compare over its key or range: every key in the range must satisfy it. A missing
 * key (or empty range) compares as a zero KeyValue — version 0, revisions 0, lease 0 —
 * except for VALUE, which is false, as in etcd.
 */
export function applyCompare(kv: KvStore, rev: number, c: Compare): boolean {
  const { kvs } = kv.range(toKeyRange(c.key, c.rangeEnd), rev);
  if (kvs.length === 0) {
    if (c.target === 'VALUE') return false;
    return compareOne(c, { key: c.key, createRevision: 0, modRevision: 0, version: 0, value: EMPTY, lease: '' });
  }
  return kvs.every((x) => compareOne(c, x));
}

function compareOne(c: Compare, kv: KeyValue): boolean {
  let d: number;
  switch (c.target) {
    case 'VALUE':
      d = compareBytes(kv.value, c.value ?? EMPTY);
      break;
    case 'VERSION':
      d = Math.sign(kv.version - (c.version ?? 0));
      break;
    case 'CREATE':
      d = Math.sign(kv.createRevision - (c.createRevision ?? 0));
      break;
    case 'MOD':
      d = Math.sign(kv.modRevision - (c.modRevision ?? 0));
      break;
    case 'LEASE': {
      const a = leaseIdValue(kv.lease);
      const b = leaseIdValue(normalizeLeaseId(c.lease));
      d = a < b ? -1 : a > b ? 1 : 0;
      break;
    }
  }
  switch (c.result) {
    case 'EQUAL':
      return d === 0;
    case 'NOT_EQUAL':
      return d !== 0;
    case 'GREATER':
      return d > 0;
    case 'LESS':
      return d < 0;
  }
}
