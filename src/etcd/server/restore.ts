// `etcdutl snapshot restore`: a new member data dir from a snapshot file, with the
// membership given by --initial-cluster (new ids, new cluster id), ready for `etcd` to start.
import type { FileSystem } from '../../platform/filesystem.ts';
import { MvccStore, type MvccOptions } from '../mvcc/index.ts';
import type { Logger } from '../log.ts';
import { parseUrlsMap } from '../types/urls.ts';
import { Snapshotter } from '../wal/snap.ts';
import { Wal, mkdirDurable } from '../wal/wal.ts';
import { decodeSnapshotFile, encodeDb } from './backup.ts';
import { encodeStateMachine } from './bootstrap.ts';
import { RaftCluster } from './membership.ts';

export interface RestoreOptions {
  fs: FileSystem;
  /** The snapshot file as `etcdctl snapshot save` wrote it. */
  snapshot: Uint8Array;
  /** Absolute data dir to create (must not exist or be empty). */
  dataDir: string;
  name: string;
  initialCluster: string;
  initialClusterToken: string;
  initialAdvertisePeerUrls: string[];
  skipHashCheck?: boolean;
  nowMs: number;
  log: Logger;
  mvcc?: MvccOptions;
}

export class RestoreError extends Error {}

export function restoreSnapshot(o: RestoreOptions): { memberId: string; clusterId: string; revision: number } {
  if (o.fs.exists(o.dataDir) && o.fs.readdir(o.dataDir).length > 0) throw new RestoreError(`data-dir ${JSON.stringify(o.dataDir)} not empty or could not be read`);
  const storeBytes = decodeSnapshotFile(o.snapshot, { skipHashCheck: o.skipHashCheck });
  const map = parseUrlsMap(o.initialCluster);
  if (!map.has(o.name)) throw new RestoreError(`couldn't find local name ${JSON.stringify(o.name)} in the initial cluster configuration`);
  const mine = (map.get(o.name) ?? []).map((u) => u.text).sort().join(',');
  if (mine !== [...o.initialAdvertisePeerUrls].sort().join(',')) {
    throw new RestoreError(`--initial-cluster must include ${o.name}=${o.initialAdvertisePeerUrls.join(',')} given --initial-advertise-peer-urls=${o.initialAdvertisePeerUrls.join(',')}`);
  }
  const cluster = RaftCluster.fromUrlsMap(o.initialClusterToken, map);
  const me = cluster.memberByName(o.name)!;
  const voters = cluster.list().map((m) => m.id);
  // The new log starts where the restored membership would have been committed.
  const index = voters.length;
  const store = MvccStore.restore(storeBytes, o.nowMs, o.mvcc ?? {});
  store.consistentIndex = index;
  const memberDir = `${o.dataDir}/member`;
  mkdirDurable(o.fs, `${memberDir}/snap`);
  const snapshotter = new Snapshotter(o.fs, `${memberDir}/snap`, o.log);
  snapshotter.save({ data: encodeStateMachine(cluster, store), metadata: { index, term: 1, confState: { voters, learners: [] } } });
  const dbPath = `${memberDir}/snap/db`;
  o.fs.writeFile(dbPath, encodeDb(store.snapshot()), { mode: 0o600 });
  o.fs.fsync(dbPath);
  const wal = Wal.create(o.fs, `${memberDir}/wal`, { nodeId: me.id, clusterId: cluster.clusterId }, o.log);
  wal.saveSnapshot({ index, term: 1 });
  wal.save({ term: 1, vote: '', commit: index }, [], true);
  return { memberId: me.id, clusterId: cluster.clusterId, revision: store.currentRevision };
}
