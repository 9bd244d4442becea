// The etcd v3 state machine: key space + leases + watchers, driven one request at a time.
//
// Determinism: every state change is a function of (state, request, nowMs) where nowMs is
// the time the server put into the raft entry — never the local clock — so every member
// that applies the same log reaches the same state, byte for byte (see snapshot()/hashKV()).
// A request that fails throws an EtcdError before changing anything.
//
// Reads (range, leaseTimeToLive, leaseLeases) do not go through raft; the server runs them
// after its linearizable ReadIndex (or at once for serializable reads).
import { fromBin, toBin } from './bytes.ts';
import { ErrCompacted, ErrFutureRev, ErrLeaseNotFound, ErrNoSpace, ErrRequestTooLarge } from './errors.ts';
import { hashKV } from './hash.ts';
import { KvStore } from './kv-store.ts';
import { Lessor, minLeaseTtlSeconds, normalizeLeaseId } from './lessor.ts';
import { checkRangeRequest, executeRange } from './range.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot.ts';
import { checkDeleteRequest, checkPutRequest, checkTxnRequest, DEFAULT_MAX_TXN_OPS } from './txn-check.ts';
import type {
  ApplyRequest,
  ApplyResponse,
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  HashKVResponse,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  TxnRequest,
  TxnResponse,
} from './types.ts';
import { WatchHub } from './watch-hub.ts';
import { checkPutPreconditions, WriteTxn } from './write-txn.ts';

export interface MvccOptions {
  /** --max-txn-ops (etcd default 128). */
  maxTxnOps?: number;
  /** --max-request-bytes (etcd default 1.5 MiB). */
  maxRequestBytes?: number;
  /** --quota-backend-bytes (etcd default 2 GiB). */
  quotaBackendBytes?: number;
  /** Minimum lease TTL in seconds; see minLeaseTtlSeconds(heartbeatMs, electionMs). */
  minLeaseTtl?: number;
}

export const DEFAULT_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;
export const DEFAULT_QUOTA_BACKEND_BYTES = 2 * 1024 * 1024 * 1024;
/** An empty bbolt file as etcd creates it (what `endpoint status` shows for a fresh member). */
const EMPTY_DB_BYTES = 20 * 1024;
const PAGE = 4096;
/** etcd's quota accounting: per-key index overhead and per-lease cost. */
const KV_OVERHEAD = 256;
const LEASE_OVERHEAD = 64;

export class MvccStore {
  private kv: KvStore;
  lessor: Lessor;
  readonly watches: WatchHub;
  readonly maxTxnOps: number;
  readonly maxRequestBytes: number;
  readonly quotaBackendBytes: number;
  /** Index of the last raft entry applied, kept with the data like etcd's consistent index. */
  consistentIndex = 0;
  /**
   * The auth store's state (src/etcd/auth), opaque here: it lives with the data as etcd keeps
   * its auth buckets in the same backend, so snapshots and restores carry it. Empty = never used.
   */
  authState: Uint8Array = new Uint8Array();
  /** Highest size the "file" ever reached; only defragment() shrinks it (bbolt never does). */
  private fileSize = EMPTY_DB_BYTES;

  constructor(readonly options: MvccOptions = {}) {
    this.maxTxnOps = options.maxTxnOps ?? DEFAULT_MAX_TXN_OPS;
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.quotaBackendBytes = options.quotaBackendBytes ?? DEFAULT_QUOTA_BACKEND_BYTES;
    this.kv = new KvStore();
    this.lessor = new Lessor(options.minLeaseTtl ?? minLeaseTtlSeconds());
    this.watches = new WatchHub(this.kv);
  }

  get currentRevision(): number {
    return this.kv.currentRevision;
  }

  /** -1 until the first compaction, like etcd. */
  get compactRevision(): number {
    return this.kv.compactRevision;
  }

  // ---- the apply loop's entry point ----

  /**
   * Applies one committed raft entry. `nowMs` is the time recorded in the entry (used for
   * a new lease's expiry), `index` its raft index (becomes consistentIndex). Throws an
   * EtcdError, with no state change, when etcd would answer the proposer with an error.
   */
  apply(req: ApplyRequest, nowMs: number, index?: number): ApplyResponse {
    if (index !== undefined) this.consistentIndex = index;
    if ('range' in req) return { range: this.range(req.range) };
    if ('put' in req) return { put: this.put(req.put) };
    if ('deleteRange' in req) return { deleteRange: this.deleteRange(req.deleteRange) };
    if ('txn' in req) return { txn: this.txn(req.txn) };
    if ('compaction' in req) return { compaction: this.compact(req.compaction) };
    if ('leaseGrant' in req) return { leaseGrant: this.leaseGrant(req.leaseGrant, nowMs) };
    return { leaseRevoke: this.leaseRevoke(req.leaseRevoke) };
  }

  // ---- KV ----

  range(req: RangeRequest): RangeResponse {
    checkRangeRequest(req);
    return executeRange(this.kv, req, this.kv.currentRevision, this.kv.currentRevision);
  }

  put(req: PutRequest): PutResponse {
    checkPutRequest(req);
    checkPutPreconditions(this.kv, this.lessor, req);
    return this.write((t) => t.put(req));
  }

  deleteRange(req: DeleteRangeRequest): DeleteRangeResponse {
    checkDeleteRequest(req);
    return this.write((t) => t.deleteRange(req));
  }

  txn(req: TxnRequest): TxnResponse {
    checkTxnRequest(req, this.maxTxnOps);
    return this.write((t) => t.txn(req));
  }

  compact(req: CompactionRequest): CompactionResponse {
    this.kv.compact(req.revision);
    return { header: { revision: this.kv.currentRevision } };
  }

  private write<T>(body: (t: WriteTxn) => T): T {
    const t = new WriteTxn(this.kv, this.lessor);
    const resp = body(t);
    const changes = t.end();
    this.fileSize = Math.max(this.fileSize, this.dbSizeInUse);
    this.watches.notify(changes, this.kv.currentRevision);
    return resp;
  }

  // ---- leases ----

  leaseGrant(req: LeaseGrantRequest, nowMs: number): LeaseGrantResponse {
    const lease = this.lessor.grant(req.id, req.ttl, nowMs);
    return { header: { revision: this.kv.currentRevision }, id: lease.id, ttl: lease.ttl, error: '' };
  }

  /** Revokes a lease and deletes its keys, all in one revision. */
  leaseRevoke(req: LeaseRevokeRequest): LeaseRevokeResponse {
    if (!this.lessor.lookup(req.id)) throw new ErrLeaseNotFound();
    return this.write((t) => {
      const keys = this.lessor.remove(req.id);
      for (const k of keys) t.deleteKeys({ start: k, end: undefined });
      return { header: t.header() };
    });
  }

  /** Leader-local keep-alive; ttl 0 when the lease is gone, as etcd answers. */
  leaseRenew(id: string, nowMs: number): LeaseKeepAliveResponse {
    const header = { revision: this.kv.currentRevision };
    try {
      return { header, id: normalizeLeaseId(id), ttl: this.lessor.renew(id, nowMs) };
    } catch (e) {
      if (e instanceof ErrLeaseNotFound) return { header, id: normalizeLeaseId(id), ttl: 0 };
      throw e;
    }
  }

  /** ttl -1 (not an error) for a lease that does not exist, as etcd's server answers. */
  leaseTimeToLive(req: LeaseTimeToLiveRequest, nowMs: number): LeaseTimeToLiveResponse {
    const header = { revision: this.kv.currentRevision };
    const lease = this.lessor.lookup(req.id);
    const id = normalizeLeaseId(req.id);
    if (!lease) return { header, id, ttl: -1, grantedTtl: 0, keys: [] };
    const keys = req.keys ? [...lease.keys].sort().map(fromBin) : [];
    return { header, id, ttl: this.lessor.remainingSeconds(lease, nowMs), grantedTtl: lease.ttl, keys };
  }

  leaseLeases(): LeaseLeasesResponse {
    return { header: { revision: this.kv.currentRevision }, leases: this.lessor.list().map((l) => ({ id: l.id })) };
  }

  /** Leases past their expiry (leader only); the server proposes a LeaseRevoke for each. */
  expiredLeases(nowMs: number): string[] {
    return this.lessor.expired(nowMs);
  }

  /** On becoming leader: restart every lease's clock (etcd's lessor Promote). */
  promoteLeases(nowMs: number): void {
    this.lessor.promote(nowMs);
  }

  // ---- limits (the server checks these before proposing) ----

  /**
   * etcd refuses to propose a request whose encoding exceeds --max-request-bytes. Pass the
   * size of what you put in the raft entry, or leave it out to use encodedRequestSize(req).
   */
  checkRequestSize(req: ApplyRequest, encodedBytes = encodedRequestSize(req)): void {
    if (encodedBytes > this.maxRequestBytes) throw new ErrRequestTooLarge();
  }

  /** Throws "database space exceeded" when the request would push the db past the quota. */
  checkQuota(req: ApplyRequest): void {
    const cost = quotaCost(req);
    if (cost === 0) return;
    if (this.dbSize + cost > this.quotaBackendBytes) throw new ErrNoSpace();
  }

  // ---- status, hash, snapshot ----

  /** Bytes the data takes (etcd's "DB SIZE IN USE"), rounded to pages. */
  get dbSizeInUse(): number {
    const raw = EMPTY_DB_BYTES + this.kv.bytesInUse + this.lessor.size * LEASE_OVERHEAD;
    return Math.ceil(raw / PAGE) * PAGE;
  }

  /** The backend file size (etcd's "DB SIZE"): grows with writes, shrinks only on defragment(). */
  get dbSize(): number {
    return Math.max(this.fileSize, this.dbSizeInUse);
  }

  defragment(): void {
    this.fileSize = this.dbSizeInUse;
  }

  /** `etcdctl endpoint hashkv`: see hash.ts. 0 = current revision. */
  hashKV(revision = 0): HashKVResponse {
    // Unlike a range, etcd refuses to hash at the compaction revision itself.
    if (revision > 0 && revision <= this.kv.compactRevision) throw new ErrCompacted();
    if (revision > this.kv.currentRevision) throw new ErrFutureRev();
    const rev = revision > 0 ? revision : this.kv.currentRevision;
    return {
      header: { revision: this.kv.currentRevision },
      hash: hashKV(this.kv.allChanges(), rev, this.kv.compactRevision),
      compactRevision: this.kv.compactRevision,
      hashRevision: rev,
    };
  }

  /** The whole state (history, revisions, leases, consistent index) as bytes. */
  snapshot(): Uint8Array {
    return encodeSnapshot({
      currentRevision: this.kv.currentRevision,
      compactRevision: this.kv.compactRevision,
      consistentIndex: this.consistentIndex,
      changes: this.kv.allChanges(),
      // By id, not expiry: expiry is leader-local and must not make members' snapshots differ.
      leases: this.lessor
        .list()
        .map((l) => ({ id: l.id, ttl: l.ttl }))
        .sort((a, b) => (a.id.length - b.id.length) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      auth: this.authState,
    });
  }

  /**
   * Rebuilds a store from snapshot(). Lease clocks restart at nowMs + TTL (etcd keeps no
   * expiry across restarts either); watchers are not part of a snapshot.
   */
  static restore(data: Uint8Array, nowMs: number, options: MvccOptions = {}): MvccStore {
    const s = new MvccStore(options);
    s.restoreSnapshot(data, nowMs);
    return s;
  }

  /**
   * Replaces this store's state with a snapshot's (a follower receiving a raft snapshot),
   * keeping its watchers: like etcd, each one catches up from the new history at its next
   * revision, or is canceled as compacted if the new history no longer reaches back that far.
   * Throws SnapshotError, changing nothing, on corrupt data.
   */
  restoreSnapshot(data: Uint8Array, nowMs: number): void {
    const snap = decodeSnapshot(data);
    const kv = KvStore.fromChanges(snap.changes, snap.currentRevision, snap.compactRevision);
    const lessor = new Lessor(this.lessor.minTtl);
    for (const l of snap.leases) lessor.restore(l.id, l.ttl, nowMs + l.ttl * 1000);
    // Re-attach keys to their leases from the live key space.
    for (const x of kv.range({ start: '', end: null }, kv.currentRevision).kvs) {
      if (x.lease !== '') lessor.attach(x.lease, toBin(x.key));
    }
    this.kv = kv;
    this.lessor = lessor;
    this.consistentIndex = snap.consistentIndex;
    this.authState = snap.auth ?? new Uint8Array();
    this.fileSize = this.dbSizeInUse;
    this.watches.rebind(kv);
  }
}

/** etcd's quota cost of a request: what it may add to the backend. */
function quotaCost(req: ApplyRequest): number {
  const put = (p: PutRequest) => KV_OVERHEAD + p.key.length + (p.value?.length ?? 0);
  const txnCost = (t: TxnRequest): number => {
    const branch = (ops: TxnRequest['success']) =>
      (ops ?? []).reduce(
        (n, op) => n + ('requestPut' in op ? put(op.requestPut) : 'requestTxn' in op ? txnCost(op.requestTxn) : 0),
        0,
      );
    return Math.max(branch(t.success), branch(t.failure));
  };
  if ('put' in req) return put(req.put);
  if ('txn' in req) return txnCost(req.txn);
  if ('leaseGrant' in req) return LEASE_OVERHEAD;
  return 0;
}

/**
 * About what the request takes as protobuf (keys, values, ids and a few bytes of framing
 * per field): close enough to etcd's figure for the --max-request-bytes check.
 */
export function encodedRequestSize(req: ApplyRequest): number {
  const field = (n: number) => (n === 0 ? 0 : n + 1 + (n < 128 ? 1 : n < 16384 ? 2 : 3));
  const ops = (list: RequestOp[] | undefined): number =>
    (list ?? []).reduce((n, op) => {
      if ('requestPut' in op) return n + 3 + field(op.requestPut.key.length) + field(op.requestPut.value?.length ?? 0);
      if ('requestRange' in op) return n + 3 + field(op.requestRange.key.length) + field(op.requestRange.rangeEnd?.length ?? 0);
      if ('requestDeleteRange' in op)
        return n + 3 + field(op.requestDeleteRange.key.length) + field(op.requestDeleteRange.rangeEnd?.length ?? 0);
      return n + 3 + txn(op.requestTxn);
    }, 0);
  const txn = (t: TxnRequest): number =>
    (t.compare ?? []).reduce((n, c) => n + 8 + field(c.key.length) + field(c.rangeEnd?.length ?? 0) + field(c.value?.length ?? 0), 0) +
    ops(t.success) +
    ops(t.failure);
  if ('put' in req) return 12 + field(req.put.key.length) + field(req.put.value?.length ?? 0);
  if ('range' in req) return 12 + field(req.range.key.length) + field(req.range.rangeEnd?.length ?? 0);
  if ('deleteRange' in req) return 12 + field(req.deleteRange.key.length) + field(req.deleteRange.rangeEnd?.length ?? 0);
  if ('txn' in req) return 12 + txn(req.txn);
  return 24;
}
