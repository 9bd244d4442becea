// etcd's schema inside its bbolt file (server/storage/schema in etcd 3.6): the buckets
// "key" (revision → mvccpb.KeyValue), "meta" (consistent_index, term, confState,
// scheduled/finishedCompactRev, storageVersion), "lease" (id → leasepb.Lease), "members",
// "members_removed", "cluster" (clusterVersion), "alarm", "auth", "authUsers", "authRoles".
// encodeEtcdDb writes a compact file from the store's state; decodeEtcdDb reads one written
// by any etcd 3.4–3.6 (or by us) back into that state.
import { toBin } from '../mvcc/bytes.ts';
import { encodeKeyValue, revisionBytes } from '../mvcc/hash.ts';
import type { Change } from '../mvcc/kv-store.ts';
import { tombstoneKv } from '../mvcc/kv-store.ts';
import type { KeyValue } from '../mvcc/types.ts';
import { BoltError, bucketOf, checkBolt, writeBolt, type BoltBucket, type BoltFile } from './bbolt/index.ts';
import { ProtoReader, protoFields, uvarintBytes } from './proto.ts';
import { compareNames, decodeRole, decodeUser, encodeRole, encodeUser, initialAuthState, type AuthState } from '../auth/authpb.ts';

export interface DbMember {
  /** Hex member id. */
  id: string;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner?: boolean;
}

export interface EtcdDbState {
  currentRevision: number;
  /** -1 when never compacted. */
  compactRevision: number;
  consistentIndex: number;
  /** Raft term of the consistent index (etcd ≥ 3.5); 0 = not recorded. */
  term: number;
  changes: Change[];
  leases: { id: string; ttl: number }[];
  members: DbMember[];
  removedMembers: string[];
  /** Voter ids (hex) of the raft ConfState (etcd ≥ 3.5), when known. */
  confStateVoters?: string[];
  clusterVersion?: string;
  /** etcd 3.6's storageVersion ("3.6.0"); absent in files of older etcds. */
  storageVersion?: string;
  /** The "auth", "authUsers" and "authRoles" buckets; absent = a fresh etcd's (off, revision 1). */
  auth?: AuthState;
}

export class EtcdDbError extends Error {}

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string) => enc.encode(s);

function u64(v: bigint | number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)));
  return out;
}

function readU64(v: Uint8Array | undefined): bigint | undefined {
  if (!v || v.length !== 8) return undefined;
  return new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0);
}

/** A Go uint64 as JSON writes it: a decimal number (beyond JS's safe integers, so by hand). */
function goUint64(hex: string): string {
  return BigInt('0x' + (hex || '0')).toString(10);
}

function bucket(entries: { key: Uint8Array; value: Uint8Array }[]): BoltBucket {
  return { sequence: 0n, entries };
}

/** leasepb.Lease: ID = 1, TTL = 2 (RemainingTTL = 3 is only set by checkpoints). */
function encodeLease(id: string, ttl: number): Uint8Array {
  const idv = BigInt.asUintN(64, BigInt('0x' + id));
  return Uint8Array.from([0x08, ...uvarintBytes(idv), ...(ttl !== 0 ? [0x10, ...uvarintBytes(BigInt(ttl))] : [])]);
}

function memberJson(m: DbMember): string {
  // etcd's membership.Member as Go's encoding/json writes it (name/clientURLs/isLearner omitempty).
  let s = `{"id":${goUint64(m.id)},"peerURLs":${JSON.stringify(m.peerUrls)}`;
  if (m.isLearner) s += ',"isLearner":true';
  if (m.name) s += `,"name":${JSON.stringify(m.name)}`;
  if (m.clientUrls.length > 0) s += `,"clientURLs":${JSON.stringify(m.clientUrls)}`;
  return s + '}';
}

/** The bbolt file for a state, as etcd's backend would hold it after a defrag. */
export function encodeEtcdDb(s: EtcdDbState): Uint8Array {
  const keys = s.changes.map((c) => ({
    key: revisionBytes(c.main, c.sub, c.tombstone),
    value: c.tombstone ? encodeKeyValue({ ...c.kv, modRevision: 0 }) : encodeKeyValue(c.kv),
  }));
  // etcd finds the current revision as the newest key; a revision no change carries (all
  // of its keys compacted away) is marked as etcdutl's --bump-revision does: an empty value.
  const newest = s.changes.reduce((n, c) => Math.max(n, c.main), 1);
  if (s.currentRevision > newest) keys.push({ key: revisionBytes(s.currentRevision, 0, false), value: new Uint8Array() });
  const meta = [
    { key: b('consistent_index'), value: u64(s.consistentIndex) },
  ];
  if (s.term > 0) meta.push({ key: b('term'), value: u64(s.term) });
  if (s.confStateVoters) meta.push({ key: b('confState'), value: b(`{"voters":[${s.confStateVoters.map(goUint64).join(',')}],"auto_leave":false}`) });
  if (s.compactRevision > 0) {
    meta.push({ key: b('scheduledCompactRev'), value: revisionBytes(s.compactRevision, 0, false) });
    meta.push({ key: b('finishedCompactRev'), value: revisionBytes(s.compactRevision, 0, false) });
  }
  if (s.storageVersion) meta.push({ key: b('storageVersion'), value: b(s.storageVersion) });
  const leases = s.leases.map((l) => ({ key: u64(BigInt('0x' + l.id)), value: encodeLease(l.id, l.ttl) }));
  const members = s.members.map((m) => ({ key: b(m.id), value: b(memberJson(m)) }));
  const removed = s.removedMembers.map((id) => ({ key: b(id), value: b('removed') }));
  const cluster = s.clusterVersion ? [{ key: b('clusterVersion'), value: b(s.clusterVersion) }] : [];
  const auth = s.auth ?? initialAuthState();
  // etcd writes authEnabled once auth was enabled ([1], [0] after a disable); absent reads as off.
  const authMeta = [
    ...(auth.enabled ? [{ key: b('authEnabled'), value: Uint8Array.of(1) }] : []),
    { key: b('authRevision'), value: u64(auth.revision) },
  ];
  const sortedByName = <T extends { name: string }>(list: T[]) => [...list].sort((x, y) => compareNames(x.name, y.name));
  const users = sortedByName(auth.users).map((u) => ({ key: b(u.name), value: encodeUser(u) }));
  const roles = sortedByName(auth.roles).map((r) => ({ key: b(r.name), value: encodeRole(r) }));
  const root: BoltBucket = {
    sequence: 0n,
    entries: [
      { key: b('alarm'), bucket: bucket([]) },
      { key: b('auth'), bucket: bucket(authMeta) },
      { key: b('authRoles'), bucket: bucket(roles) },
      { key: b('authUsers'), bucket: bucket(users) },
      { key: b('cluster'), bucket: bucket(cluster) },
      { key: b('key'), bucket: bucket(keys) },
      { key: b('lease'), bucket: bucket(leases) },
      { key: b('members'), bucket: bucket(members) },
      { key: b('members_removed'), bucket: bucket(removed) },
      { key: b('meta'), bucket: bucket(meta) },
    ],
  };
  return writeBolt(root);
}

/** A backend key: main revision, '_', sub revision, optional 't' (tombstone). */
export function parseRevisionKey(k: Uint8Array): { main: number; sub: number; tombstone: boolean } {
  if ((k.length !== 17 && k.length !== 18) || k[8] !== 0x5f || (k.length === 18 && k[17] !== 0x74)) {
    throw new EtcdDbError(`invalid revision key ${Array.from(k, (x) => x.toString(16).padStart(2, '0')).join('')}`);
  }
  const v = new DataView(k.buffer, k.byteOffset, k.byteLength);
  return { main: Number(v.getBigInt64(0)), sub: Number(v.getBigInt64(9)), tombstone: k.length === 18 };
}

export function decodeKeyValue(v: Uint8Array): KeyValue {
  const kv: KeyValue = { key: new Uint8Array(), createRevision: 0, modRevision: 0, version: 0, value: new Uint8Array(), lease: '' };
  for (const f of protoFields(new ProtoReader(v), 'mvccpb.KeyValue')) {
    if (f.num === 1 && f.bytes) kv.key = f.bytes.slice();
    else if (f.num === 2) kv.createRevision = Number(f.int ?? 0n);
    else if (f.num === 3) kv.modRevision = Number(f.int ?? 0n);
    else if (f.num === 4) kv.version = Number(f.int ?? 0n);
    else if (f.num === 5 && f.bytes) kv.value = f.bytes.slice();
    else if (f.num === 6) kv.lease = f.int ? f.int.toString(16) : '';
  }
  return kv;
}

/** The state in an etcd db file (its bytes; a trailing snapshot hash is ignored). */
export function decodeEtcdDb(file: Uint8Array): EtcdDbState {
  return decodeEtcdBolt(checkBolt(file).db);
}

export function decodeEtcdBolt(db: BoltFile): EtcdDbState {
  const keyB = bucketOf(db, 'key');
  const metaB = bucketOf(db, 'meta');
  if (!keyB || !metaB) throw new EtcdDbError('not an etcd backend: no "key" or "meta" bucket');
  const metaGet = (name: string) => metaB.entries.find((e) => dec.decode(e.key) === name)?.value;
  const changes: Change[] = [];
  let newest = 1;
  for (const e of keyB.entries) {
    if (!e.value) continue;
    const r = parseRevisionKey(e.key);
    newest = Math.max(newest, r.main);
    if (e.value.length === 0) continue; // a --bump-revision marker: a revision, no change
    const kv = decodeKeyValue(e.value);
    const key = toBin(kv.key);
    changes.push(r.tombstone ? { main: r.main, sub: r.sub, key, kv: tombstoneKv(key, r.main), tombstone: true } : { main: r.main, sub: r.sub, key, kv, tombstone: false });
  }
  const compactAt = (name: string) => {
    const v = metaGet(name);
    return v && (v.length === 17 || v.length === 18) ? parseRevisionKey(v).main : -1;
  };
  // etcd restores the compaction at the scheduled revision (and finishes it if it was cut short).
  const compactRevision = Math.max(compactAt('scheduledCompactRev'), compactAt('finishedCompactRev'));
  const leases: { id: string; ttl: number }[] = [];
  for (const e of bucketOf(db, 'lease')?.entries ?? []) {
    if (!e.value) continue;
    let id = 0n;
    let ttl = 0;
    for (const f of protoFields(new ProtoReader(e.value), 'leasepb.Lease')) {
      if (f.num === 1) id = BigInt.asUintN(64, f.int ?? 0n);
      else if (f.num === 2) ttl = Number(BigInt.asIntN(64, f.int ?? 0n));
    }
    if (id !== 0n) leases.push({ id: id.toString(16), ttl });
  }
  const members: DbMember[] = [];
  for (const e of bucketOf(db, 'members')?.entries ?? []) {
    if (!e.value) continue;
    const text = dec.decode(e.value);
    // The id is a uint64 JSON number; read it as text before JSON.parse rounds it.
    const idText = /"id":(\d+)/.exec(text)?.[1];
    let m: { peerURLs?: string[]; name?: string; clientURLs?: string[]; isLearner?: boolean };
    try {
      m = JSON.parse(text) as typeof m;
    } catch {
      throw new EtcdDbError(`invalid member ${JSON.stringify(text)}`);
    }
    members.push({ id: idText ? BigInt(idText).toString(16) : dec.decode(e.key), name: m.name ?? '', peerUrls: m.peerURLs ?? [], clientUrls: m.clientURLs ?? [], isLearner: m.isLearner ?? false });
  }
  const removedMembers = (bucketOf(db, 'members_removed')?.entries ?? []).map((e) => dec.decode(e.key));
  const cv = bucketOf(db, 'cluster')?.entries.find((e) => dec.decode(e.key) === 'clusterVersion')?.value;
  const sv = metaGet('storageVersion');
  return {
    auth: decodeAuthBuckets(db),
    currentRevision: Math.max(newest, compactRevision),
    compactRevision,
    consistentIndex: Number(readU64(metaGet('consistent_index')) ?? 0n),
    term: Number(readU64(metaGet('term')) ?? 0n),
    changes,
    leases,
    members,
    removedMembers,
    clusterVersion: cv ? dec.decode(cv) : undefined,
    storageVersion: sv ? dec.decode(sv) : undefined,
  };
}

export { BoltError };

/** The auth buckets of an etcd backend (a db without them reads as a fresh etcd's). */
function decodeAuthBuckets(db: BoltFile): AuthState {
  const s = initialAuthState();
  for (const e of bucketOf(db, 'auth')?.entries ?? []) {
    if (!e.value) continue;
    const k = dec.decode(e.key);
    if (k === 'authEnabled') s.enabled = e.value.length === 1 && e.value[0] === 1;
    else if (k === 'authRevision') s.revision = Number(readU64(e.value) ?? 1n);
  }
  for (const e of bucketOf(db, 'authUsers')?.entries ?? []) if (e.value) s.users.push(decodeUser(e.value));
  for (const e of bucketOf(db, 'authRoles')?.entries ?? []) if (e.value) s.roles.push(decodeRole(e.value));
  return s;
}
