// etcdserverpb Lease, Cluster and Maintenance messages on the wire (field numbers from
// etcd's api/etcdserverpb/rpc.proto). Ids are lowercase hex inside the house, uint64 here.
import type { AlarmMember, Member } from '../../server/membership.ts';
import type { StatusResponse } from '../../server/etcd-server.ts';
import type { ServerHeader } from '../../server/server-core.ts';
import type { AlarmType } from '../../server/request.ts';
import { ProtoError, Reader, Writer } from './proto.ts';
import { encodeHeader } from './messages-kv.ts';

/** Reads a message whose fields are all scalars into `out` via per-field readers. */
function decodeFields<T>(buf: Uint8Array, out: T, fields: Record<number, (r: Reader, o: T) => void>): T {
  const r = new Reader(buf);
  for (let f = r.next(); f; f = r.next()) {
    const read = fields[f];
    if (read) read(r, out);
    else r.skip();
  }
  return out;
}

// ------------------------------------------------------------------ lease

/** LeaseGrantRequest: TTL 1, ID 2. */
export const decodeLeaseGrantRequest = (b: Uint8Array) =>
  decodeFields(b, { ttl: 0, id: '' }, { 1: (r, o) => (o.ttl = r.int64()), 2: (r, o) => (o.id = r.idHex()) });

/** LeaseRevokeRequest, LeaseKeepAliveRequest: ID 1. */
export const decodeLeaseIdRequest = (b: Uint8Array) => decodeFields(b, { id: '' }, { 1: (r, o) => (o.id = r.idHex()) });

/** LeaseTimeToLiveRequest: ID 1, keys 2. */
export const decodeLeaseTimeToLiveRequest = (b: Uint8Array) =>
  decodeFields(b, { id: '', keys: false }, { 1: (r, o) => (o.id = r.idHex()), 2: (r, o) => (o.keys = r.bool()) });

/** LeaseGrantResponse: header 1, ID 2, TTL 3, error 4. */
export function encodeLeaseGrantResponse(res: { header: ServerHeader; id: string; ttl: number; error: string }): Uint8Array {
  return new Writer().message(1, encodeHeader(res.header)).idHex(2, res.id).int64(3, res.ttl).string(4, res.error).finish();
}

/** LeaseKeepAliveResponse: header 1, ID 2, TTL 3. */
export function encodeLeaseKeepAliveResponse(res: { header: ServerHeader; id: string; ttl: number }): Uint8Array {
  return new Writer().message(1, encodeHeader(res.header)).idHex(2, res.id).int64(3, res.ttl).finish();
}

/** LeaseTimeToLiveResponse: header 1, ID 2, TTL 3, grantedTTL 4, keys 5. */
export function encodeLeaseTimeToLiveResponse(res: { header: ServerHeader; id: string; ttl: number; grantedTtl: number; keys: Uint8Array[] }): Uint8Array {
  return new Writer()
    .message(1, encodeHeader(res.header))
    .idHex(2, res.id)
    .int64(3, res.ttl)
    .int64(4, res.grantedTtl)
    .repeatedBytes(5, res.keys)
    .finish();
}

/** LeaseLeasesResponse: header 1, leases 2 (LeaseStatus: ID 1). */
export function encodeLeaseLeasesResponse(res: { header: ServerHeader; leases: { id: string }[] }): Uint8Array {
  const w = new Writer().message(1, encodeHeader(res.header));
  for (const l of res.leases) w.message(2, new Writer().idHex(1, l.id).finish());
  return w.finish();
}

// ------------------------------------------------------------------ cluster

/** Member: ID 1, name 2, peerURLs 3, clientURLs 4, isLearner 5. */
export function encodeMember(m: Member): Uint8Array {
  return new Writer().idHex(1, m.id).string(2, m.name).repeatedString(3, m.peerUrls).repeatedString(4, m.clientUrls).bool(5, m.isLearner).finish();
}

/** etcd's cluster service fills a header without a revision (cluster id, member id, raft term). */
function clusterHeader(h: ServerHeader): Uint8Array {
  return encodeHeader({ ...h, revision: 0 });
}

/** MemberListResponse, MemberRemoveResponse, MemberUpdateResponse, MemberPromoteResponse: header 1, members 2. */
export function encodeMembersResponse(header: ServerHeader, members: Member[]): Uint8Array {
  const w = new Writer().message(1, clusterHeader(header));
  for (const m of members) w.message(2, encodeMember(m));
  return w.finish();
}

/** MemberAddResponse: header 1, member 2, members 3. */
export function encodeMemberAddResponse(res: { header: ServerHeader; member: Member; members: Member[] }): Uint8Array {
  const w = new Writer().message(1, clusterHeader(res.header)).message(2, encodeMember(res.member));
  for (const m of res.members) w.message(3, encodeMember(m));
  return w.finish();
}

/** MemberAddRequest: peerURLs 1, isLearner 2. */
export const decodeMemberAddRequest = (b: Uint8Array) =>
  decodeFields(b, { peerUrls: [] as string[], isLearner: false }, { 1: (r, o) => void o.peerUrls.push(r.string()), 2: (r, o) => (o.isLearner = r.bool()) });

/** MemberRemoveRequest, MemberPromoteRequest: ID 1. MemberUpdateRequest: ID 1, peerURLs 2. */
export const decodeMemberIdRequest = (b: Uint8Array) =>
  decodeFields(b, { id: '', peerUrls: [] as string[] }, { 1: (r, o) => (o.id = r.idHex()), 2: (r, o) => void o.peerUrls.push(r.string()) });

/** MemberListRequest: linearizable 1. */
export const decodeMemberListRequest = (b: Uint8Array) => decodeFields(b, { linearizable: false }, { 1: (r, o) => (o.linearizable = r.bool()) });

// ------------------------------------------------------------------ maintenance

/** StatusResponse: header 1, version 2, dbSize 3, leader 4, raftIndex 5, raftTerm 6, raftAppliedIndex 7, errors 8, dbSizeInUse 9, isLearner 10, storageVersion 11, dbSizeQuota 12. */
export function encodeStatusResponse(s: StatusResponse): Uint8Array {
  return new Writer()
    .message(1, encodeHeader(s.header))
    .string(2, s.version)
    .int64(3, s.dbSize)
    .idHex(4, s.leader)
    .int64(5, s.raftIndex)
    .int64(6, s.raftTerm)
    .int64(7, s.raftAppliedIndex)
    .repeatedString(8, s.errors)
    .int64(9, s.dbSizeInUse)
    .bool(10, s.isLearner)
    .string(11, s.storageVersion)
    .int64(12, s.dbSizeQuota)
    .finish();
}

/** HashKVRequest: revision 1. */
export const decodeHashKVRequest = (b: Uint8Array) => decodeFields(b, { revision: 0 }, { 1: (r, o) => (o.revision = r.int64()) });

/** HashResponse: header 1, hash 2. HashKVResponse adds compact_revision 3, hash_revision 4. */
export function encodeHashResponse(res: { header: ServerHeader; hash: number; compactRevision?: number; hashRevision?: number }): Uint8Array {
  return new Writer()
    .message(1, encodeHeader(res.header))
    .uint32(2, res.hash)
    .int64(3, res.compactRevision)
    .int64(4, res.hashRevision)
    .finish();
}

/** SnapshotResponse: header 1, remaining_bytes 2, blob 3, version 4. */
export function encodeSnapshotResponse(res: { header: ServerHeader; remainingBytes: number; blob: Uint8Array; version: string }): Uint8Array {
  return new Writer().message(1, encodeHeader(res.header)).int64(2, res.remainingBytes).bytes(3, res.blob).string(4, res.version).finish();
}

/** MoveLeaderRequest: targetID 1. */
export const decodeMoveLeaderRequest = (b: Uint8Array) => decodeFields(b, { targetId: '' }, { 1: (r, o) => (o.targetId = r.idHex()) });

const ALARM_ACTIONS = ['GET', 'ACTIVATE', 'DEACTIVATE'] as const;
const ALARM_TYPES: readonly AlarmType[] = ['NONE', 'NOSPACE', 'CORRUPT'];

/** AlarmRequest: action 1 (GET 0, ACTIVATE 1, DEACTIVATE 2), memberID 2, alarm 3 (NONE 0, NOSPACE 1, CORRUPT 2). */
export function decodeAlarmRequest(b: Uint8Array): { action: (typeof ALARM_ACTIONS)[number]; memberId: string; alarm: AlarmType } {
  const raw = decodeFields(b, { action: 0, memberId: '', alarm: 0 }, {
    1: (r, o) => (o.action = r.enumValue()),
    2: (r, o) => (o.memberId = r.idHex()),
    3: (r, o) => (o.alarm = r.enumValue()),
  });
  const action = ALARM_ACTIONS[raw.action];
  const alarm = ALARM_TYPES[raw.alarm];
  if (!action || !alarm) throw new ProtoError(`unknown alarm action ${raw.action} or type ${raw.alarm}`);
  return { action, memberId: raw.memberId, alarm };
}

/** AlarmResponse: header 1, alarms 2 (AlarmMember: memberID 1, alarm 2). */
export function encodeAlarmResponse(res: { header: ServerHeader; alarms: AlarmMember[] }): Uint8Array {
  const w = new Writer().message(1, encodeHeader(res.header));
  for (const a of res.alarms) w.message(2, new Writer().idHex(1, a.memberId).enumValue(2, ALARM_TYPES.indexOf(a.alarm)).finish());
  return w.finish();
}
