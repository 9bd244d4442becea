// The data model of etcd's v3 key-value API (mvccpb + etcdserverpb), in TypeScript camelCase.
// The HTTP/gRPC gateway maps these to etcd's JSON/proto names; this module never sees JSON.
//
// Conventions:
// - keys and values are raw bytes (Uint8Array), compared bytewise like etcd;
// - revisions, versions, counts and TTLs are JS numbers (int64 in etcd, but a lab never
//   reaches 2^53);
// - lease ids are lowercase hex strings without leading zeros, as the rest of the house
//   passes ids around (see src/etcd/types/id.ts); '' means "no lease" (etcd's lease 0).

/** One version of a key, exactly the fields of mvccpb.KeyValue. */
export interface KeyValue {
  key: Uint8Array;
  /** Main revision of the put that created this generation of the key. */
  createRevision: number;
  /** Main revision of the last change to the key. */
  modRevision: number;
  /** Number of puts in this generation (1 after create, reset by delete). */
  version: number;
  value: Uint8Array;
  /** Hex lease id, '' when the key has no lease. */
  lease: string;
}

/** What the store puts in every response; the server adds cluster/member ids and raft term. */
export interface ResponseHeader {
  revision: number;
}

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest {
  key: Uint8Array;
  /** Empty: just `key`. [0]: every key >= key. Otherwise the half-open [key, rangeEnd). */
  rangeEnd?: Uint8Array;
  /** 0 = no limit. */
  limit?: number;
  /** 0 or absent = the current revision. */
  revision?: number;
  sortOrder?: SortOrder;
  sortTarget?: SortTarget;
  /** Only matters to the server (skip the ReadIndex); the store ignores it. */
  serializable?: boolean;
  keysOnly?: boolean;
  countOnly?: boolean;
  minModRevision?: number;
  maxModRevision?: number;
  minCreateRevision?: number;
  maxCreateRevision?: number;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  /** True when `limit` cut the result short. */
  more: boolean;
  /** Keys in the range at that revision (before limit and before the min/max filters). */
  count: number;
}

export interface PutRequest {
  key: Uint8Array;
  value?: Uint8Array;
  lease?: string;
  prevKv?: boolean;
  ignoreValue?: boolean;
  ignoreLease?: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  prevKv?: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prevKvs: KeyValue[];
}

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

/**
 * One txn guard. Exactly the field named by `target` is read: version for VERSION,
 * createRevision for CREATE, modRevision for MOD, value for VALUE, lease for LEASE.
 */
export interface Compare {
  result: CompareResult;
  target: CompareTarget;
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  version?: number;
  createRevision?: number;
  modRevision?: number;
  value?: Uint8Array;
  lease?: string;
}

export type RequestOp =
  | { requestRange: RangeRequest }
  | { requestPut: PutRequest }
  | { requestDeleteRange: DeleteRangeRequest }
  | { requestTxn: TxnRequest };

export type ResponseOp =
  | { responseRange: RangeResponse }
  | { responsePut: PutResponse }
  | { responseDeleteRange: DeleteRangeResponse }
  | { responseTxn: TxnResponse };

export interface TxnRequest {
  compare?: Compare[];
  success?: RequestOp[];
  failure?: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: number;
  /** Only changes when the server answers (after the compaction is done); ignored here. */
  physical?: boolean;
}

export interface CompactionResponse {
  header: ResponseHeader;
}

export interface LeaseGrantRequest {
  /** TTL in seconds; raised to the minimum TTL like etcd. */
  ttl: number;
  /** Hex id; the server picks one (never '') before proposing. */
  id: string;
}

export interface LeaseGrantResponse {
  header: ResponseHeader;
  id: string;
  /** The TTL actually granted (after the minimum-TTL rule). */
  ttl: number;
  error: string;
}

export interface LeaseRevokeRequest {
  id: string;
}

export interface LeaseRevokeResponse {
  header: ResponseHeader;
}

export interface LeaseTimeToLiveRequest {
  id: string;
  keys?: boolean;
}

export interface LeaseTimeToLiveResponse {
  header: ResponseHeader;
  id: string;
  /** Remaining seconds (truncated); -1 when the lease does not exist (etcd's answer). */
  ttl: number;
  grantedTtl: number;
  keys: Uint8Array[];
}

export interface LeaseStatus {
  id: string;
}

export interface LeaseLeasesResponse {
  header: ResponseHeader;
  leases: LeaseStatus[];
}

export interface LeaseKeepAliveResponse {
  header: ResponseHeader;
  id: string;
  /** The renewed TTL in seconds; 0 when the lease is gone (what etcd sends). */
  ttl: number;
}

export type EventType = 'PUT' | 'DELETE';

export interface WatchEvent {
  type: EventType;
  /** For DELETE: only key and modRevision (the deletion revision) are set, like etcd. */
  kv: KeyValue;
  prevKv?: KeyValue;
}

/** What a watcher receives: a batch of events, or a control message (compacted/canceled/progress). */
export interface WatchResponse {
  header: ResponseHeader;
  watchId: number;
  events: WatchEvent[];
  /** Set when the watcher's start revision was compacted; the watcher is then canceled. */
  compactRevision: number;
  canceled: boolean;
  cancelReason: string;
}

export interface HashKVResponse {
  header: ResponseHeader;
  hash: number;
  compactRevision: number;
  hashRevision: number;
}

/**
 * Everything the apply loop hands to the store: one raft entry, decoded. The server fills
 * lease ids it picked and the leader's time into the request before proposing, so every
 * replica computes the same result.
 */
export type ApplyRequest =
  | { range: RangeRequest }
  | { put: PutRequest }
  | { deleteRange: DeleteRangeRequest }
  | { txn: TxnRequest }
  | { compaction: CompactionRequest }
  | { leaseGrant: LeaseGrantRequest }
  | { leaseRevoke: LeaseRevokeRequest };

export type ApplyResponse =
  | { range: RangeResponse }
  | { put: PutResponse }
  | { deleteRange: DeleteRangeResponse }
  | { txn: TxnResponse }
  | { compaction: CompactionResponse }
  | { leaseGrant: LeaseGrantResponse }
  | { leaseRevoke: LeaseRevokeResponse };
