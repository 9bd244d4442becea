// `etcdutl snapshot restore`: a new member data dir from a snapshot file, as etcd 3.6's
// v3Manager.Restore makes one: check the bootstrap flags (VerifyBootstrap), refuse a data
// dir in use, check the snapshot's sha256, drop the old membership for the one given by
// --initial-cluster (new ids, new cluster id), optionally bump the revision and mark it
// compacted, then write member/snap/db (bbolt), a raft snapshot and a WAL that start there.
import type { FileSystem } from '../../platform/filesystem.ts';
import { MvccStore, type MvccOptions } from '../mvcc/index.ts';
import type { Logger } from '../log.ts';
import { parseUrlsMap } from '../types/urls.ts';
import { Snapshotter } from '../wal/snap.ts';
import { Wal, mkdirDurable } from '../wal/wal.ts';
import { decodeDbFile, encodeDb, storeBytesOf, verifySnapshotFile } from './backup.ts';
import { encodeStateMachine, verifyAdvertiseMatchesCluster } from './bootstrap.ts';
import { RaftCluster } from './membership.ts';

export interface RestoreOptions {
  fs: FileSystem;
  /** The snapshot file as `etcdctl snapshot save` wrote it (or a member's db with skipHashCheck); read when needed. */
  snapshot: Uint8Array | (() => Uint8Array);
  /** The snapshot's path, for the log lines. */
  snapshotPath?: string;
  /** Absolute data dir to create (must not exist or be empty). */
  dataDir: string;
  /** Absolute WAL dir (default dataDir/member/wal); must not exist when given. */
  walDir?: string;
  /** --wal-dir as typed (etcdutl's error names it so). */
  walDirShown?: string;
  name: string;
  initialCluster: string;
  initialClusterToken: string;
  initialAdvertisePeerUrls: string[];
  skipHashCheck?: boolean;
  /** --bump-revision (needs markCompacted). */
  bumpRevision?: number;
  /** --mark-compacted. */
  markCompacted?: boolean;
  /** The restoring tool's version ("3.6.4"): the db's storage and cluster version. */
  version?: string;
  nowMs: number;
  log: Logger;
  mvcc?: MvccOptions;
  /** etcdutl's own log lines (caller, message, fields), as it prints them. */
  report?: (caller: string, msg: string, fields: Record<string, unknown>) => void;
}

export class RestoreError extends Error {}

/** etcd's default --initial-memory-map-size (backend.InitialMmapSize, 10 GiB). */
export const INITIAL_MMAP_SIZE = 10 * 1024 * 1024 * 1024;

export function restoreSnapshot(o: RestoreOptions): { memberId: string; clusterId: string; revision: number } {
  const report = o.report ?? (() => {});
  let map: ReturnType<typeof parseUrlsMap>;
  try {
    map = parseUrlsMap(o.initialCluster);
  } catch (e) {
    throw new RestoreError((e as Error).message);
  }
  if (!map.has(o.name)) throw new RestoreError(`couldn't find local name ${JSON.stringify(o.name)} in the initial cluster configuration`);
  try {
    verifyAdvertiseMatchesCluster({ name: o.name, initialCluster: map, initialClusterString: o.initialCluster, initialAdvertisePeerUrls: o.initialAdvertisePeerUrls });
  } catch (e) {
    throw new RestoreError((e as Error).message);
  }
  const cluster = RaftCluster.fromUrlsMap(o.initialClusterToken, map);
  const me = cluster.memberByName(o.name)!;
  if (o.fs.exists(o.dataDir) && (o.fs.stat(o.dataDir).type !== 'dir' || o.fs.readdir(o.dataDir).length > 0)) {
    throw new RestoreError(`data-dir ${JSON.stringify(o.dataDir)} not empty or could not be read`);
  }
  const memberDir = `${o.dataDir}/member`;
  const snapDir = `${memberDir}/snap`;
  const walDir = o.walDir ?? `${memberDir}/wal`;
  if (o.walDir && o.fs.exists(o.walDir)) throw new RestoreError(`wal-dir ${JSON.stringify(o.walDirShown ?? o.walDir)} exists`);
  const where = { path: o.snapshotPath ?? '', 'wal-dir': walDir, 'data-dir': o.dataDir, 'snap-dir': snapDir, 'initial-memory-map-size': INITIAL_MMAP_SIZE };
  report('snapshot/v3_snapshot.go:305', 'restoring snapshot', where);

  const file = typeof o.snapshot === 'function' ? o.snapshot() : o.snapshot;
  const db = decodeDbFile(verifySnapshotFile(file, { skipHashCheck: o.skipHashCheck }));
  report('schema/membership.go:138', 'Trimming membership information from the backend...', {});
  const bump = o.bumpRevision ?? 0;
  if (o.markCompacted && bump > 0) {
    const latest = db.changes.reduce((n, c) => Math.max(n, c.main), db.currentRevision);
    report('snapshot/v3_snapshot.go:396', 'bumping latest revision', { 'latest-revision': latest, 'bump-amount': bump, 'new-latest-revision': latest + bump });
    db.currentRevision = latest + bump;
    report('snapshot/v3_snapshot.go:413', 'marking revision compacted', { revision: latest + bump });
  }
  for (const m of cluster.list()) {
    report('membership/cluster.go:424', 'added member', {
      'cluster-id': cluster.clusterId,
      'local-member-id': '0',
      'added-peer-id': m.id,
      'added-peer-peer-urls': m.peerUrls,
      'added-peer-is-learner': m.isLearner,
    });
  }
  const voters = cluster.list().map((m) => m.id);
  // The new log holds one ConfChange per member, committed at term 1: the db's consistent
  // index is that commit, as etcdutl's updateCIndex writes it.
  const index = voters.length;
  const store = MvccStore.restore(storeBytesOf(db), o.nowMs, o.mvcc ?? {});
  if (o.markCompacted && bump > 0) store.compact({ revision: db.currentRevision });
  store.consistentIndex = index;
  mkdirDurable(o.fs, snapDir);
  const dbPath = `${snapDir}/db`;
  o.fs.writeFile(dbPath, encodeDb(store.snapshot(), { term: 1, members: cluster.list(), voters, serverVersion: o.version ?? '3.6.4' }), { mode: 0o600 });
  o.fs.fsync(dbPath);
  const snapshotter = new Snapshotter(o.fs, snapDir, o.log);
  snapshotter.save({ data: encodeStateMachine(cluster, store), metadata: { index, term: 1, confState: { voters, learners: [] } } });
  const wal = Wal.create(o.fs, walDir, { nodeId: me.id, clusterId: cluster.clusterId }, o.log);
  wal.saveSnapshot({ index, term: 1 });
  wal.save({ term: 1, vote: '', commit: index }, [], true);
  report('snapshot/v3_snapshot.go:333', 'restored snapshot', where);
  return { memberId: me.id, clusterId: cluster.clusterId, revision: store.currentRevision };
}
