// The gateway's JSON (proto3 JSON: int64 as strings, bytes as base64, zero values
// omitted), decoded into exact values: 64-bit numbers as bigint, bytes as Uint8Array.

export interface Header {
  clusterId: bigint;
  memberId: bigint;
  revision: bigint;
  raftTerm: bigint;
}

export interface KeyValue {
  key: Uint8Array;
  createRevision: bigint;
  modRevision: bigint;
  version: bigint;
  value: Uint8Array;
  lease: bigint;
}

export interface RangeResponse {
  header: Header;
  kvs: KeyValue[];
  more: boolean;
  count: bigint;
}
export interface PutResponse {
  header: Header;
  prevKv?: KeyValue;
}
export interface DeleteResponse {
  header: Header;
  deleted: bigint;
  prevKvs: KeyValue[];
}
export type ResponseOp =
  | { kind: 'range'; r: RangeResponse }
  | { kind: 'put'; r: PutResponse }
  | { kind: 'delete'; r: DeleteResponse }
  | { kind: 'txn'; r: TxnResponse };
export interface TxnResponse {
  header: Header;
  succeeded: boolean;
  responses: ResponseOp[];
}
export interface Event {
  type: 'PUT' | 'DELETE';
  kv: KeyValue;
  prevKv?: KeyValue;
}
export interface WatchResponse {
  header: Header;
  watchId: bigint;
  created: boolean;
  canceled: boolean;
  compactRevision: bigint;
  cancelReason: string;
  events: Event[];
}
export interface Member {
  id: bigint;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}
export interface StatusResponse {
  header: Header;
  version: string;
  dbSize: bigint;
  leader: bigint;
  raftIndex: bigint;
  raftTerm: bigint;
  raftAppliedIndex: bigint;
  errors: string[];
  dbSizeInUse: bigint;
  isLearner: boolean;
  storageVersion: string;
  dbSizeQuota: bigint;
  downgradeInfo?: { enabled: boolean; targetVersion: string };
}

type J = Record<string, unknown>;
const obj = (v: unknown): J => (v && typeof v === 'object' && !Array.isArray(v) ? (v as J) : {});
export const big = (v: unknown): bigint => {
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'bigint') return v;
  return 0n;
};
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const bool = (v: unknown): boolean => v === true || v === 'true';
export const bytes = (v: unknown): Uint8Array => (typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'base64')) : new Uint8Array());
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function decodeHeader(v: unknown): Header {
  const o = obj(v);
  return { clusterId: big(o.cluster_id), memberId: big(o.member_id), revision: big(o.revision), raftTerm: big(o.raft_term) };
}
export function decodeKv(v: unknown): KeyValue {
  const o = obj(v);
  return {
    key: bytes(o.key),
    createRevision: big(o.create_revision),
    modRevision: big(o.mod_revision),
    version: big(o.version),
    value: bytes(o.value),
    lease: big(o.lease),
  };
}
export function decodeRange(v: unknown): RangeResponse {
  const o = obj(v);
  return { header: decodeHeader(o.header), kvs: arr(o.kvs).map(decodeKv), more: bool(o.more), count: big(o.count) };
}
export function decodePut(v: unknown): PutResponse {
  const o = obj(v);
  return { header: decodeHeader(o.header), prevKv: o.prev_kv ? decodeKv(o.prev_kv) : undefined };
}
export function decodeDelete(v: unknown): DeleteResponse {
  const o = obj(v);
  return { header: decodeHeader(o.header), deleted: big(o.deleted), prevKvs: arr(o.prev_kvs).map(decodeKv) };
}
export function decodeTxn(v: unknown): TxnResponse {
  const o = obj(v);
  const responses: ResponseOp[] = arr(o.responses).map((r) => {
    const ro = obj(r);
    if (ro.response_put !== undefined) return { kind: 'put', r: decodePut(ro.response_put) };
    if (ro.response_delete_range !== undefined) return { kind: 'delete', r: decodeDelete(ro.response_delete_range) };
    if (ro.response_txn !== undefined) return { kind: 'txn', r: decodeTxn(ro.response_txn) };
    return { kind: 'range', r: decodeRange(ro.response_range) };
  });
  return { header: decodeHeader(o.header), succeeded: bool(o.succeeded), responses };
}
export function decodeEvent(v: unknown): Event {
  const o = obj(v);
  const type = o.type === 'DELETE' || o.type === 1 ? 'DELETE' : 'PUT';
  return { type, kv: decodeKv(o.kv), prevKv: o.prev_kv ? decodeKv(o.prev_kv) : undefined };
}
export function decodeWatch(v: unknown): WatchResponse {
  const o = obj(v);
  return {
    header: decodeHeader(o.header),
    watchId: big(o.watch_id),
    created: bool(o.created),
    canceled: bool(o.canceled),
    compactRevision: big(o.compact_revision),
    cancelReason: str(o.cancel_reason),
    events: arr(o.events).map(decodeEvent),
  };
}
export function decodeMember(v: unknown): Member {
  const o = obj(v);
  return {
    id: big(o.ID),
    name: str(o.name),
    peerURLs: arr(o.peerURLs).map(str),
    clientURLs: arr(o.clientURLs).map(str),
    isLearner: bool(o.isLearner),
  };
}
export function decodeStatus(v: unknown): StatusResponse {
  const o = obj(v);
  const di = o.downgradeInfo === undefined ? undefined : obj(o.downgradeInfo);
  return {
    header: decodeHeader(o.header),
    version: str(o.version),
    dbSize: big(o.dbSize),
    leader: big(o.leader),
    raftIndex: big(o.raftIndex),
    raftTerm: big(o.raftTerm),
    raftAppliedIndex: big(o.raftAppliedIndex),
    errors: arr(o.errors).map(str),
    dbSizeInUse: big(o.dbSizeInUse),
    isLearner: bool(o.isLearner),
    storageVersion: str(o.storageVersion),
    dbSizeQuota: big(o.dbSizeQuota),
    downgradeInfo: di ? { enabled: bool(di.enabled), targetVersion: str(di.targetVersion) } : undefined,
  };
}
export { obj as asObject, arr as asArray, str as asString, bool as asBool };

export interface LeaseGrantResponse {
  header: Header;
  id: bigint;
  ttl: bigint;
  error: string;
}
export interface LeaseTimeToLiveResponse {
  header: Header;
  id: bigint;
  ttl: bigint;
  grantedTtl: bigint;
  keys: Uint8Array[];
}
export interface LeaseLeasesResponse {
  header: Header;
  leases: bigint[];
}
export interface LeaseKeepAliveResponse {
  header: Header;
  id: bigint;
  ttl: bigint;
}
export interface MemberListResponse {
  header: Header;
  members: Member[];
}
export interface MemberAddResponse {
  header: Header;
  member: Member;
  members: Member[];
}
export interface HashKVResponse {
  header: Header;
  hash: bigint;
  compactRevision: bigint;
  hashRevision: bigint;
}
export interface EndpointHealth {
  ep: string;
  health: boolean;
  took: string;
  error: string;
}
export interface EndpointStatus {
  ep: string;
  resp: StatusResponse;
}
export interface EndpointHashKV {
  ep: string;
  resp: HashKVResponse;
}
