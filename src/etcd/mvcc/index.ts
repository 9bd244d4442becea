// The public face of the MVCC store: what the etcd server, the gateway and etcdctl use.
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
