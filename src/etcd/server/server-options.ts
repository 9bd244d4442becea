// What an etcd server is started with (and reading its data dir with it), and the shapes
// its callers get back.
import type { Clock } from '../../platform/clock.ts';
import type { FileSystem } from '../../platform/filesystem.ts';
import type { Random } from '../../platform/random.ts';
import type { PasswordHasher } from '../../platform/password-hasher.ts';
import type { ApplyResponse } from '../mvcc/types.ts';
import type { Logger } from '../log.ts';
import type { PeerTransport } from '../transport/peer-transport.ts';
import type { ParsedUrl } from '../types/urls.ts';
import type { CompactionPolicy } from './compactor.ts';
import type { AlarmMember, Member } from './membership.ts';
import { minLeaseTtlSeconds, type MvccOptions } from '../mvcc/index.ts';
import { bootstrapMember, type Bootstrapped } from './bootstrap.ts';
import type { AuthResult } from '../auth/auth-store.ts';

export interface EtcdServerOptions {
  name: string;
  dataDir: string;
  initialCluster: Map<string, ParsedUrl[]>;
  initialClusterString: string;
  initialClusterState: 'new' | 'existing';
  initialClusterToken: string;
  initialAdvertisePeerUrls: string[];
  advertiseClientUrls: string[];
  heartbeatMs: number;
  electionMs: number;
  initialElectionTickAdvance?: boolean;
  snapshotCount: number;
  /** Entries kept in the raft log after a snapshot for slow followers (etcd: 5000). */
  snapshotCatchUpEntries?: number;
  maxSnapshots?: number;
  maxRequestBytes?: number;
  quotaBackendBytes?: number;
  maxTxnOps?: number;
  preVote?: boolean;
  strictReconfigCheck?: boolean;
  /** etcd's server version ("3.6.4"); the cluster version is its major.minor. */
  version: string;
  fs: FileSystem;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Builds the peer transport once the member and cluster ids are known. */
  transport: (memberId: string, clusterId: string) => PeerTransport;
  fetchCluster?: (peerUrls: string[]) => Promise<{ clusterId: string; members: Member[] }>;
  /** --auto-compaction-mode/--auto-compaction-retention, parsed (undefined = off). */
  autoCompaction?: CompactionPolicy;
  /** Host name resolution for URL checks at bootstrap. */
  resolve?: (host: string) => string | undefined;
  walSegmentBytes?: number;
  /** --wal-dir, absolute (empty: <data-dir>/member/wal), and as typed for messages. */
  walDir?: string;
  walDirShown?: string;
  /**
   * How often member/snap/db is rewritten while writes arrive (0: only at bootstrap, raft
   * snapshots and stop). etcd's bbolt backend commits every 100 ms; ours is a whole-file
   * rewrite, so it checkpoints less often. Recovery reads the WAL, not this file.
   */
  dbCheckpointMs?: number;
  /** --bcrypt-cost (etcd falls back to 10 outside bcrypt's 4..31, with a warning). */
  bcryptCost?: number;
  /** --auth-token-ttl in ms: how long a simple token lives after its last use. */
  authTokenTtlMs?: number;
  /** bcrypt for auth passwords; inline (on the event loop) when absent, as the simulation wants. */
  passwordHasher?: PasswordHasher;
}

/** etcd's ResponseHeader, ids in hex (the gateway prints them as decimal). */
export interface ServerHeader {
  clusterId: string;
  memberId: string;
  revision: number;
  raftTerm: number;
}

/** What applying one proposal produced, handed to the caller that proposed it. */
export type ApplyResult = ApplyResponse | { leaseRenew: { ttl: number } } | { memberAttr: true } | { confChange: Member[] } | { alarms: AlarmMember[] } | { auth: AuthResult };

/** Reads or creates the member's data dir with the server's options (the first half of starting). */
export function bootstrapFromOptions(opts: EtcdServerOptions): Promise<Bootstrapped> {
  const mvcc: MvccOptions = {
    maxTxnOps: opts.maxTxnOps,
    maxRequestBytes: opts.maxRequestBytes,
    quotaBackendBytes: opts.quotaBackendBytes && opts.quotaBackendBytes > 0 ? opts.quotaBackendBytes : undefined,
    minLeaseTtl: minLeaseTtlSeconds(opts.heartbeatMs, opts.electionMs),
  };
  return bootstrapMember(
    {
      name: opts.name,
      dataDir: opts.dataDir,
      initialCluster: opts.initialCluster,
      initialClusterString: opts.initialClusterString,
      initialClusterState: opts.initialClusterState,
      initialClusterToken: opts.initialClusterToken,
      initialAdvertisePeerUrls: opts.initialAdvertisePeerUrls,
      mvcc,
      fetchCluster: opts.fetchCluster,
      walSegmentBytes: opts.walSegmentBytes,
      resolve: opts.resolve,
      walDir: opts.walDir,
      walDirShown: opts.walDirShown,
    },
    opts.fs,
    opts.logger,
    opts.clock.now(),
  );
}
