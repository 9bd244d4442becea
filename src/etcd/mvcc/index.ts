// The public face of the MVCC store: what the etcd server, the gateway and etcdctl use.
//
// The server's apply loop, per committed raft entry:
//   if (entry.index <= store.consistentIndex) skip;          // already applied before a restart
//   try { resp = store.apply(request, entry.nowMs, entry.index) } catch (e: EtcdError) { answer e }
// Before proposing: store.checkRequestSize(req), store.checkQuota(req) (NOSPACE alarm is the
// server's), and pick a lease id for LeaseGrant. Reads: store.range(req) after ReadIndex.
// Leader only: store.leaseRenew(id, now), store.expiredLeases(now) -> propose leaseRevoke,
// store.promoteLeases(now) on becoming leader.
// Watch: const w = store.watches.watch(opts, sink); announce "created"; w.start().
//   sink(resp) returns false when the consumer is full; call w.resume() once it drained.
// Persistence: store.snapshot() / MvccStore.restore(bytes, now) / store.restoreSnapshot(bytes, now).
export * from './types.ts';
export * from './errors.ts';
export { prefixEnd, utf8, fromUtf8, compareBytes } from './bytes.ts';
export { MvccStore, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_QUOTA_BACKEND_BYTES, encodedRequestSize } from './store.ts';
export type { MvccOptions } from './store.ts';
export { WatchHub, Watcher, CATCH_UP_MAX_REVISIONS } from './watch-hub.ts';
export type { WatchOptions, WatchSink } from './watch-hub.ts';
export { minLeaseTtlSeconds, MAX_LEASE_TTL, normalizeLeaseId } from './lessor.ts';
export { DEFAULT_MAX_TXN_OPS } from './txn-check.ts';
export { crc32c } from './hash.ts';
export { SnapshotError } from './snapshot.ts';
