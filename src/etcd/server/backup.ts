// The backend file: what member/snap/db holds and what /v3/maintenance/snapshot streams
// (`etcdctl snapshot save`). It is a bbolt file in etcd's schema (see ../backend), so the
// real etcdctl/etcdutl read ours and we read theirs; a snapshot is that file followed by
// its sha256 (the file is whole 4096-byte pages, so size % 512 == 32 tells a hash is there),
// which is how etcdutl checks integrity before restoring.
import { digest } from '../../platform/digest.ts';
import { BoltError } from '../backend/bbolt/index.ts';
import { decodeEtcdDb, encodeEtcdDb, EtcdDbError, type DbMember, type EtcdDbState } from '../backend/etcd-db.ts';
import { ProtoError } from '../backend/proto.ts';
import { decodeSnapshot, encodeSnapshot, SnapshotError } from '../mvcc/snapshot.ts';
import { decodeAuthState, encodeAuthState } from '../auth/authpb.ts';

/** What the db file holds besides the store: membership and raft position, as etcd keeps them. */
export interface DbExtras {
  term?: number;
  members?: DbMember[];
  removedMembers?: string[];
  /** Hex ids of the voters in the raft ConfState. */
  voters?: string[];
  /** Our server version ("3.6.4"): the file's clusterVersion and storageVersion are its "3.6.0". */
  serverVersion?: string;
}

export class BackupError extends Error {}

const LEGACY_MAGIC = 'HWLABDB1';

/** The db state of a store snapshot (MvccStore.snapshot() bytes) plus the extras. */
export function dbStateOf(store: Uint8Array, extras: DbExtras = {}): EtcdDbState {
  const s = decodeSnapshot(store);
  const mm = extras.serverVersion ? /^(\d+)\.(\d+)/.exec(extras.serverVersion) : null;
  const v = mm ? `${mm[1]}.${mm[2]}.0` : undefined;
  return {
    currentRevision: s.currentRevision,
    compactRevision: s.compactRevision,
    consistentIndex: s.consistentIndex,
    term: extras.term ?? 0,
    changes: [...s.changes],
    leases: s.leases,
    members: extras.members ?? [],
    removedMembers: extras.removedMembers ?? [],
    confStateVoters: extras.voters,
    clusterVersion: v,
    storageVersion: v,
    auth: decodeAuthState(s.auth),
  };
}

/** The store snapshot (MvccStore.restore bytes) of a db state. */
export function storeBytesOf(s: EtcdDbState): Uint8Array {
  return encodeSnapshot({
    currentRevision: s.currentRevision,
    compactRevision: s.compactRevision,
    consistentIndex: s.consistentIndex,
    changes: s.changes,
    leases: s.leases,
    auth: s.auth ? encodeAuthState(s.auth) : undefined,
  });
}

/** The db file (a bbolt file, without hash) for a store snapshot. */
export function encodeDb(store: Uint8Array, extras: DbExtras = {}): Uint8Array {
  return encodeEtcdDb(dbStateOf(store, extras));
}

/** The db file followed by its sha256, as a snapshot stream/file carries it. */
export function encodeSnapshotFile(store: Uint8Array, extras: DbExtras = {}): Uint8Array {
  return withSha256(encodeDb(store, extras));
}

export function withSha256(db: Uint8Array): Uint8Array {
  const out = new Uint8Array(db.length + 32);
  out.set(db, 0);
  out.set(digest('sha256', db), db.length);
  return out;
}

/** etcdutl's hasChecksum: a hash follows 512-byte-aligned data. */
export function hasSha256(file: Uint8Array): boolean {
  return file.length % 512 === 32;
}

/**
 * The db bytes of a snapshot file, its sha256 checked as etcdutl's restore does (in its
 * words): a file without a hash needs --skip-hash-check (e.g. a member's own db file).
 */
export function verifySnapshotFile(file: Uint8Array, opts: { skipHashCheck?: boolean } = {}): Uint8Array {
  const hasHash = hasSha256(file);
  if (!hasHash && !opts.skipHashCheck) throw new BackupError('snapshot missing hash but --skip-hash-check=false');
  const db = hasHash ? file.subarray(0, file.length - 32) : file;
  if (hasHash && !opts.skipHashCheck) {
    const want = file.subarray(file.length - 32);
    const got = digest('sha256', db);
    if (!Buffer.from(want).equals(got)) throw new BackupError(`expected sha256 ${goBytes(want)}, got ${goBytes(got)}`);
  }
  return db;
}

/** A byte slice as Go's %v prints it: [1 2 3]. */
function goBytes(b: Uint8Array): string {
  return `[${Array.from(b).join(' ')}]`;
}

/** The db state in a db or snapshot file (bbolt; our older "HWLABDB1" files too). */
export function decodeDbFile(db: Uint8Array): EtcdDbState {
  if (db.length >= 16 && new TextDecoder().decode(db.subarray(0, 8)) === LEGACY_MAGIC) {
    const len = Number(new DataView(db.buffer, db.byteOffset, db.byteLength).getBigUint64(8, true));
    if (16 + len > db.length) throw new BackupError('invalid database');
    const s = decodeSnapshot(db.slice(16, 16 + len));
    return { ...s, changes: [...s.changes], term: 0, members: [], removedMembers: [], auth: decodeAuthState(s.auth) };
  }
  try {
    return decodeEtcdDb(db);
  } catch (e) {
    if (e instanceof BoltError || e instanceof EtcdDbError || e instanceof ProtoError || e instanceof SnapshotError) throw new BackupError(e.message);
    throw e;
  }
}

/** The store bytes inside a snapshot file, with or without the sha256 trailer (checked when present). */
export function decodeSnapshotFile(file: Uint8Array, opts: { skipHashCheck?: boolean } = {}): Uint8Array {
  return storeBytesOf(decodeDbFile(verifySnapshotFile(file, opts)));
}
