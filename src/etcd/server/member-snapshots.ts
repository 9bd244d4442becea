// The member's snapshots: saving one every --snapshot-count entries (and compacting the
// raft log and WAL behind it), writing member/snap/db, installing one sent by the leader,
// and building the one a follower is sent from the state applied now.
import { mkdirDurable } from '../wal/wal.ts';
import type { FileSystem } from '../../platform/filesystem.ts';
import type { MemoryStorage } from '../../raft/storage.ts';
import type { ConfState, Snapshot } from '../../raft/types.ts';
import type { MvccStore } from '../mvcc/index.ts';
import type { Logger } from '../log.ts';
import type { Snapshotter } from '../wal/snap.ts';
import type { Wal } from '../wal/wal.ts';
import { encodeDb, type DbExtras } from './backup.ts';
import { encodeStateMachine } from './bootstrap.ts';
import type { RaftCluster } from './membership.ts';

const CALLER = 'etcdserver/server.go';

export interface MemberSnapshotsOptions {
  fs: FileSystem;
  dataDir: string;
  storage: MemoryStorage;
  snapshotter: Snapshotter;
  wal: Wal;
  log: Logger;
  /** Entries kept in the raft log behind a snapshot for slow followers (etcd: 5000). */
  catchUpEntries: number;
  /** Snapshot files kept (--max-snapshots). */
  maxSnapshots: number;
  /** The server's version ("3.6.4"): the db file's storage and cluster version. */
  serverVersion?: string;
}

export class MemberSnapshots {
  constructor(private readonly o: MemberSnapshotsOptions) {}

  /** Saves the state machine at `index` and compacts the raft log and WAL behind it. */
  save(index: number, confState: ConfState, cluster: RaftCluster, store: MvccStore): void {
    const { storage, log } = this.o;
    const snap: Snapshot = storage.createSnapshot(index, confState, encodeStateMachine(cluster, store));
    this.o.snapshotter.save(snap);
    this.o.wal.saveSnapshot({ index, term: snap.metadata.term });
    this.writeDbFile(store, cluster, confState, snap.metadata.term);
    log.info(`${CALLER}:2400`, 'saved snapshot', { 'snapshot-index': index });
    const compactTo = index > this.o.catchUpEntries ? index - this.o.catchUpEntries : 1;
    if (compactTo > storage.firstIndex()) {
      storage.compact(compactTo);
      log.info(`${CALLER}:2420`, 'compacted Raft logs', { 'compact-index': compactTo });
    }
    this.o.wal.releaseTo(compactTo);
    this.o.snapshotter.purge(this.o.maxSnapshots);
  }

  /** Makes a snapshot from the leader durable and raft's (the state machine is the caller's). */
  install(snap: Snapshot): void {
    this.o.snapshotter.save(snap);
    this.o.wal.saveSnapshot({ index: snap.metadata.index, term: snap.metadata.term });
    this.o.storage.applySnapshot(snap);
  }

  /** member/snap/db: the backend as a bbolt file, replaced atomically (what `etcdutl` and backups read). */
  writeDbFile(store: MvccStore, cluster?: RaftCluster, confState?: ConfState, term?: number): void {
    const fs = this.o.fs;
    const dir = `${this.o.dataDir}/member/snap`;
    const tmp = `${dir}/db.tmp`;
    mkdirDurable(fs, dir);
    fs.writeFile(tmp, encodeDb(store.snapshot(), dbExtras(cluster, confState, term, this.o.serverVersion)), { mode: 0o600 });
    fs.fsync(tmp);
    fs.rename(tmp, `${dir}/db`);
    fs.fsync(dir);
  }

  /**
   * The snapshot for a follower as etcd's createMergedSnapshotMessage builds it: the state
   * applied now (index, term, ConfState, store) rather than the newest stored snapshot,
   * which can predate a member added since (it would refuse it as "not in the ConfState").
   * Undefined when the applied index's term is no longer known.
   */
  ofAppliedState(applied: number, confState: ConfState, cluster: RaftCluster, store: MvccStore): Snapshot | undefined {
    let term: number;
    try {
      term = this.o.storage.term(applied);
    } catch {
      return undefined;
    }
    return {
      data: encodeStateMachine(cluster, store),
      metadata: { index: applied, term, confState: { voters: [...confState.voters], learners: [...confState.learners] } },
    };
  }
}

/** What the db file records besides the store: membership, voters, raft term, version. */
export function dbExtras(cluster: RaftCluster | undefined, confState: ConfState | undefined, term: number | undefined, serverVersion: string | undefined): DbExtras {
  return {
    term,
    members: cluster?.list(),
    removedMembers: cluster ? [...cluster.removed].sort() : undefined,
    voters: confState?.voters,
    serverVersion,
  };
}
