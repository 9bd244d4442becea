// The etcd server: drives a RawNode from the Clock (ticks) and the PeerTransport (messages),
// persists each Ready to the WAL before sending, applies committed entries to the MVCC store
// and membership, and answers client calls (kv, lease, cluster, maintenance) once their
// proposal is applied or their ReadIndex is reached. Same code in the simulation, the
// sandbox and real mode: time, disk, network and randomness are all handed in.
import type { Clock, Cancel } from '../../platform/clock.ts';
import { FsError, type FileSystem } from '../../platform/filesystem.ts';
import type { Random } from '../../platform/random.ts';
import type { ConfChange, Entry, Message, Ready, Snapshot } from '../../raft/types.ts';
import { NONE } from '../../raft/types.ts';
import { RawNode, ErrProposalDropped, type Status } from '../../raft/raw-node.ts';
import { decodeConfChange } from '../../raft/conf-change.ts';
import type { MvccOptions, MvccStore } from '../mvcc/index.ts';
import { minLeaseTtlSeconds } from '../mvcc/index.ts';
import type { ApplyResponse } from '../mvcc/types.ts';
import type { Logger } from '../log.ts';
import type { PeerTransport } from '../transport/peer-transport.ts';
import type { ParsedUrl } from '../types/urls.ts';
import { bootstrapMember, decodeStateMachine, encodeStateMachine, humanBytes, parseMemberContext, type Bootstrapped } from './bootstrap.ts';
import { Errors, ServerError } from './errors.ts';
import { ErrNoSpace } from '../mvcc/errors.ts';
import { RaftCluster, type AlarmMember, MembershipError, ErrPeerUrlExists, type Member } from './membership.ts';
import { ReadIndexer } from './read-index.ts';
import { takesSpace, requestIdOf, hexBytes, formatMs, humanQuota, membershipToServerError } from './server-util.ts';
import { decodeEnvelope, encodeEnvelope, IdGenerator, type ServerRequest } from './request.ts';
import { raftLoggerFor } from './raft-logger.ts';
import { ServerMetrics } from './metrics.ts';
import { startCompactor, type CompactionPolicy } from './compactor.ts';
import { encodeDb } from './backup.ts';

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
}

/** etcd's ResponseHeader, ids in hex (the gateway prints them as decimal). */
export interface ServerHeader {
  clusterId: string;
  memberId: string;
  revision: number;
  raftTerm: number;
}

interface ProposalWaiter {
  resolve: (r: ApplyResult) => void;
  reject: (e: Error) => void;
  cancelTimer: Cancel;
  startedAt: number;
}

export type ApplyResult = ApplyResponse | { leaseRenew: { ttl: number } } | { memberAttr: true } | { confChange: Member[] } | { alarms: AlarmMember[] };

const CALLER = 'etcdserver/server.go';

export class EtcdServerCore {
  readonly memberId: string;
  readonly name: string;
  cluster: RaftCluster;
  store: MvccStore;
  readonly metrics = new ServerMetrics();
  protected node: RawNode;
  private readonly storage: Bootstrapped['storage'];
  private readonly wal: Bootstrapped['wal'];
  private readonly snapshotter: Bootstrapped['snapshotter'];
  private transport: PeerTransport;
  private readonly log: Logger;
  protected readonly clock: Clock;
  protected readonly ids: IdGenerator;
  private readonly reads: ReadIndexer;
  private waiters = new Map<string, ProposalWaiter>();
  /** Proposals made while no leader is known: raft would drop them, etcd's node holds them. */
  private pending: { id: string; data: Uint8Array; conf?: ConfChange }[] = [];
  private cancelTick: Cancel = () => {};
  private draining = false;
  private drainAgain = false;
  private deferred: (() => void)[] = [];
  private lead = NONE;
  private appliedIndex: number;
  private snapshotIndex: number;
  private confState: { voters: string[]; learners: string[] };
  private leadElectedAt = 0;
  private stopped = false;
  private published = false;
  private readonly reqTimeoutMs: number;
  private leaderWaiters: (() => void)[] = [];
  private readonly stoppedCallbacks: ((reason: string) => void)[] = [];
  readonly startedAt: number;
  private readonly monoAtStart: number;

  /**
   * Time for leases: the wall clock at start plus monotonic time since, so a wall-clock
   * jump neither expires every lease nor keeps them alive forever (etcd uses monotonic time too).
   */
  leaseNow(): number {
    return this.startedAt + (this.clock.monotonic() - this.monoAtStart);
  }

  protected constructor(
    protected readonly opts: EtcdServerOptions,
    b: Bootstrapped,
  ) {
    this.log = opts.logger;
    this.clock = opts.clock;
    this.name = opts.name;
    this.memberId = b.memberId;
    this.cluster = b.cluster;
    this.store = b.store;
    this.storage = b.storage;
    this.wal = b.wal;
    this.snapshotter = b.snapshotter;
    this.appliedIndex = b.applied;
    this.snapshotIndex = b.applied;
    this.confState = b.confState;
    this.startedAt = opts.clock.now();
    this.monoAtStart = opts.clock.monotonic();
    this.reqTimeoutMs = 5000 + 2 * opts.electionMs;
    this.ids = new IdGenerator(b.memberId, opts.clock.now());
    const electionTick = Math.max(1, Math.round(opts.electionMs / opts.heartbeatMs));
    this.node = new RawNode({
      id: b.memberId,
      storage: b.storage,
      electionTick,
      heartbeatTick: 1,
      applied: b.applied,
      checkQuorum: true,
      preVote: opts.preVote ?? true,
      random: opts.random,
      maxSizePerMsg: 1024 * 1024,
      maxInflightMsgs: 256,
      logger: raftLoggerFor(opts.logger),
    });
    if (b.bootstrapPeers.length > 0) this.node.bootstrap(b.bootstrapPeers);
    this.transport = opts.transport(b.memberId, b.cluster.clusterId);
    for (const m of b.initialPeers) if (m.id !== b.memberId) this.transport.addPeer(m.id, m.peerUrls);
    this.transport.onMessage((m) => this.onPeerMessage(m));
    this.transport.onUnreachable?.((to) => this.onSendReport(() => this.node.reportUnreachable(to)));
    this.transport.onSnapshotStatus?.((to, failed) => this.onSendReport(() => this.node.reportSnapshot(to, failed)));
    this.reads = new ReadIndexer(
      opts.clock,
      this.reqTimeoutMs,
      () => hexBytes(this.ids.next()),
      (ctx) => {
        try {
          this.node.readIndex(ctx);
        } catch {
          /* dropped; retried on the next tick */
        }
        this.drain();
      },
      () => this.appliedIndex,
    );
  }

  /** Reads or creates the member's data dir (the first half of starting). */
  protected static async prepare(opts: EtcdServerOptions): Promise<Bootstrapped> {
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
      },
      opts.fs,
      opts.logger,
      opts.clock.now(),
    );
  }

  protected begin(b: Bootstrapped): void {
    const log = this.log;
    log.warn('auth/store.go:1241', 'simple token is not cryptographically signed');
    log.info('mvcc/kvstore.go:425', 'kvstore restored', { 'current-rev': this.store.currentRevision });
    const quota = this.store.quotaBackendBytes;
    log.info('etcdserver/quota.go:94', 'enabled backend quota with default value', { 'quota-name': 'v3-applier', 'quota-size-bytes': quota, 'quota-size': humanQuota(quota) });
    log.info(`${CALLER}:870`, 'starting etcd server', { 'local-member-id': this.memberId, 'local-server-version': this.opts.version, 'cluster-version': 'to_be_decided' });
    const electionTicks = Math.max(1, Math.round(this.opts.electionMs / this.opts.heartbeatMs));
    const voters = b.bootstrapPeers.length > 0 ? b.bootstrapPeers.length : this.node.status().confState.voters.length;
    if ((this.opts.initialElectionTickAdvance ?? true) && voters === 1) {
      const forward = electionTicks - 1;
      log.info(`${CALLER}:748`, 'started as single-node; fast-forwarding election ticks', {
        'local-member-id': this.memberId,
        'forward-ticks': forward,
        'forward-duration': `${forward * this.opts.heartbeatMs}ms`,
        'election-ticks': electionTicks,
        'election-timeout': formatMs(this.opts.electionMs),
      });
      for (let i = 0; i < forward; i++) this.node.tick();
    }
    this.drain();
    this.cancelTick = this.clock.every(this.opts.heartbeatMs, () => this.onTick());
    if (this.opts.autoCompaction) {
      const self = this;
      this.cancelCompactor = startCompactor(
        this.opts.autoCompaction,
        {
          get isLeader() {
            return self.isLeader;
          },
          currentRevision: () => this.store.currentRevision,
          compact: (revision) => this.propose({ compaction: { revision } }),
        },
        this.clock,
        this.log,
      );
    }
  }
  private cancelCompactor: Cancel = () => {};

  // ---------------------------------------------------------------- raft driving

  private onTick(): void {
    if (this.stopped) return;
    // Proposals held without a leader go once their client has given up (timed out).
    if (this.pending.length > 0) this.pending = this.pending.filter((p) => this.waiters.has(p.id));
    this.node.tick();
    this.reads.onTick();
    this.flushPending();
    this.drain();
    this.leaderDuties();
  }

  private onPeerMessage(m: Message): void {
    if (this.stopped) return;
    if (m.to !== this.memberId) return;
    if (this.cluster.removed.has(m.from)) {
      this.log.warn('rafthttp/http.go:500', 'rejected stream from remote peer because it was removed', { 'local-member-id': this.memberId, 'remote-peer-id-stream-handler': m.from });
      return;
    }
    try {
      this.node.step(m);
    } catch (e) {
      this.log.warn('etcdserver/raft.go:252', 'failed to process raft message', { error: (e as Error).message });
    }
    this.drainSoon();
  }

  /**
   * What the transport says became of a message: raft hears it between Readies (never
   * between ready() and advance()), as etcd's node channel delivers it.
   */
  private onSendReport(report: () => void): void {
    if (this.stopped) return;
    const run = () => {
      try {
        report();
      } catch {
        /* a report about a peer raft no longer tracks */
      }
    };
    if (this.draining) this.deferred.push(run);
    else {
      run();
      this.drainSoon();
    }
  }

  /**
   * Handles Ready after the current task: proposals and messages that arrive together end
   * up in one Ready (one WAL write, one fsync, one message per peer), as etcd's raft loop
   * batches them. A microtask keeps it deterministic under the simulation.
   */
  private drainSoon(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    queueMicrotask(() => {
      this.drainScheduled = false;
      if (!this.stopped) this.drain();
    });
  }
  private drainScheduled = false;

  /** Handles every Ready raft has, persisting before sending, applying in order. */
  private drain(): void {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    try {
      do {
        this.drainAgain = false;
        let guard = 0;
        while (!this.stopped && this.node.hasReady() && guard++ < 10_000) this.handleReady(this.node.ready());
        const later = this.deferred;
        this.deferred = [];
        for (const f of later) f();
      } while (!this.stopped && (this.drainAgain || this.deferred.length > 0));
    } catch (e) {
      // A disk that refuses the WAL or a snapshot (full, read-only, gone): etcd exits at once
      // (lg.Fatal) rather than run on without what raft believes is durable.
      this.log.fatal('etcdserver/raft.go:253', 'failed to save Raft hard state and entries', { error: e instanceof FsError ? e.goMessage() : (e as Error).message });
      void this.stop('fatal');
    } finally {
      this.draining = false;
    }
  }

  private handleReady(rd: Ready): void {
    if (rd.softState) this.onSoftState(rd.softState.lead, rd.softState.raftState);
    if (rd.snapshot && rd.snapshot.metadata.index > 0) this.persistSnapshotFromLeader(rd.snapshot);
    this.wal.save(rd.hardState, rd.entries, rd.mustSync);
    if (rd.hardState) this.storage.setHardState(rd.hardState);
    if (rd.entries.length > 0) this.storage.append(rd.entries);
    if (rd.messages.length > 0) this.transport.send(rd.messages.map((m) => (m.type === 'MsgSnap' ? this.withCurrentState(m) : m)));
    for (const e of rd.committedEntries) this.applyEntry(e);
    for (const rs of rd.readStates) this.reads.onReadState(rs.requestCtx, rs.index);
    this.node.advance(rd);
    if (rd.committedEntries.length > 0) {
      this.reads.onApplied();
      this.maybeSnapshot();
    }
  }

  private onSoftState(lead: string, state: string): void {
    const prev = this.lead;
    if (lead === prev) return;
    const term = this.node.raft.term;
    this.lead = lead;
    if (lead !== NONE) {
      const msg = prev === NONE ? `raft.node: ${this.memberId} elected leader ${lead} at term ${term}` : `raft.node: ${this.memberId} changed leader from ${prev} to ${lead} at term ${term}`;
      this.log.info('v3@v3.6.0/node.go:370', msg, undefined, 'raft');
      this.metrics.leaderChanges++;
      this.leadElectedAt = this.clock.monotonic();
      if (prev !== NONE) this.reads.onLeaderChanged();
      if (lead === this.memberId) this.deferred.push(() => this.store.promoteLeases(this.leaseNow()));
      this.deferred.push(() => this.flushPending());
      this.deferred.push(() => this.publishOnce());
      const w = this.leaderWaiters;
      this.leaderWaiters = [];
      for (const f of w) f();
    } else {
      this.log.info('v3@v3.6.0/node.go:372', `raft.node: ${this.memberId} lost leader ${prev} at term ${term}`, undefined, 'raft');
    }
    for (const f of this.leaderListeners) f(lead, term);
    void state;
  }

  private flushPending(): void {
    if (this.lead === NONE || this.pending.length === 0) return;
    const queue = this.pending;
    this.pending = [];
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i]!;
      if (!this.waiters.has(p.id)) continue;
      try {
        if (p.conf) this.node.proposeConfChange(p.conf);
        else this.node.propose(p.data);
      } catch (e) {
        if (e !== ErrProposalDropped) throw e;
        this.pending.push(...queue.slice(i));
        break;
      }
    }
    this.drain();
  }

  /** The leader revokes expired leases through raft. */
  private leaderDuties(): void {
    if (this.lead !== this.memberId) return;
    for (const id of this.store.expiredLeases(this.leaseNow())) {
      if (this.revoking.has(id)) continue;
      this.revoking.add(id);
      this.propose({ leaseRevoke: { id } })
        .catch(() => {})
        .finally(() => this.revoking.delete(id));
    }
  }
  private revoking = new Set<string>();
  /** Told when a snapshot from the leader replaces the store (watches move over). */
  protected readonly storeListeners = new Set<(store: MvccStore) => void>();

  // ---------------------------------------------------------------- apply

  private applyEntry(e: Entry): void {
    if (e.index <= this.appliedIndex) return;
    if (e.type === 'confchange') this.applyConfChange(e);
    else if (e.data.length > 0) this.applyNormal(e);
    this.appliedIndex = e.index;
    this.store.consistentIndex = e.index;
    this.metrics.proposalsCommitted = Math.max(this.metrics.proposalsCommitted, e.index);
    this.metrics.proposalsApplied = e.index;
  }

  private applyNormal(e: Entry): void {
    let env;
    try {
      env = decodeEnvelope(e.data);
    } catch (err) {
      this.log.warn(`${CALLER}:1960`, 'failed to unmarshal raft request', { index: e.index, error: (err as Error).message });
      return;
    }
    const w = this.waiters.get(env.id);
    const req = env.req;
    try {
      let result: ApplyResult;
      if ('leaseRenew' in req) {
        result = { leaseRenew: { ttl: this.store.leaseRenew(req.leaseRenew.id, env.nowMs).ttl } };
      } else if ('memberAttr' in req) {
        this.cluster.updateAttributes(req.memberAttr.id, req.memberAttr.name, req.memberAttr.clientUrls);
        result = { memberAttr: true };
      } else if ('alarm' in req) {
        result = { alarms: this.applyAlarm(req.alarm) };
      } else {
        result = this.store.apply(req, env.nowMs, e.index);
      }
      if (w) this.settle(env.id, w, result);
    } catch (err) {
      if (w) this.settle(env.id, w, undefined, err as Error);
    }
  }

  private applyAlarm(a: { action: 'ACTIVATE' | 'DEACTIVATE'; memberId: string; alarm: string }): AlarmMember[] {
    const matches = (m: AlarmMember) => (a.memberId === '' || m.memberId === a.memberId) && (a.alarm === 'NONE' || m.alarm === a.alarm);
    if (a.action === 'ACTIVATE' && (a.alarm === 'NOSPACE' || a.alarm === 'CORRUPT')) {
      if (!this.cluster.alarms.some((m) => m.memberId === a.memberId && m.alarm === a.alarm)) {
        this.cluster.alarms.push({ memberId: a.memberId, alarm: a.alarm });
        this.log.warn(`${CALLER}:2360`, 'alarm raised', { alarm: a.alarm, from: a.memberId });
      }
      return this.cluster.alarms.filter(matches);
    }
    const gone = this.cluster.alarms.filter(matches);
    this.cluster.alarms = this.cluster.alarms.filter((m) => !matches(m));
    for (const m of gone) this.log.warn(`${CALLER}:2380`, 'alarm disarmed', { alarm: m.alarm, from: m.memberId });
    return gone;
  }

  private applyConfChange(e: Entry): void {
    let cc: ConfChange;
    try {
      cc = decodeConfChange(e.data);
    } catch (err) {
      this.log.warn(`${CALLER}:1990`, 'failed to unmarshal conf change', { index: e.index, error: (err as Error).message });
      return;
    }
    const member = parseMemberContext(cc.context);
    const reqId = requestIdOf(cc.context);
    let err: Error | undefined;
    try {
      if (cc.type === 'ConfChangeAddNode' || cc.type === 'ConfChangeAddLearnerNode') {
        if (!member) throw new MembershipError('membership: missing member attributes');
        // Adding a voter that is a learner already is a promotion.
        if (!(this.cluster.members.get(member.id)?.isLearner && cc.type === 'ConfChangeAddNode')) this.cluster.validateAdd(member);
      } else if (cc.type === 'ConfChangeRemoveNode' || cc.type === 'ConfChangeUpdateNode') {
        this.cluster.validateRemove(cc.nodeId);
        if (cc.type === 'ConfChangeUpdateNode' && member) {
          for (const m of this.cluster.members.values()) {
            if (m.id !== member.id && m.peerUrls.some((u) => member.peerUrls.includes(u))) throw new MembershipError(ErrPeerUrlExists);
          }
        }
      }
    } catch (e2) {
      err = e2 as Error;
    }
    if (err) {
      this.confState = this.node.applyConfChange({ ...cc, nodeId: NONE });
    } else {
      this.confState = this.node.applyConfChange(cc);
      if ((cc.type === 'ConfChangeAddNode' || cc.type === 'ConfChangeAddLearnerNode') && member) {
        if (!this.cluster.members.has(member.id)) {
          this.cluster.add({ ...member, isLearner: cc.type === 'ConfChangeAddLearnerNode' });
          this.log.info('membership/cluster.go:421', 'added member', {
            'cluster-id': this.cluster.clusterId,
            'local-member-id': this.memberId,
            'added-peer-id': member.id,
            'added-peer-peer-urls': member.peerUrls,
            'added-peer-is-learner': cc.type === 'ConfChangeAddLearnerNode',
          });
        } else if (cc.type === 'ConfChangeAddNode') {
          this.cluster.promote(member.id);
        }
        if (member.id !== this.memberId) this.transport.addPeer(member.id, member.peerUrls);
      } else if (cc.type === 'ConfChangeUpdateNode' && member) {
        this.cluster.updatePeerUrls(member.id, member.peerUrls);
        this.log.info('membership/cluster.go:520', 'updated member', { 'cluster-id': this.cluster.clusterId, 'local-member-id': this.memberId, 'updated-remote-peer-id': member.id, 'updated-remote-peer-urls': member.peerUrls });
        if (member.id !== this.memberId) this.transport.addPeer(member.id, member.peerUrls);
      } else if (cc.type === 'ConfChangeRemoveNode') {
        this.cluster.remove(cc.nodeId);
        this.log.info('membership/cluster.go:477', 'removed member', { 'cluster-id': this.cluster.clusterId, 'local-member-id': this.memberId, 'removed-remote-peer-id': cc.nodeId });
        if (cc.nodeId === this.memberId) {
          this.deferred.push(() => this.removedSelf());
        } else this.transport.removePeer(cc.nodeId);
      }
    }
    if (reqId) {
      const w = this.waiters.get(reqId);
      if (w) this.settle(reqId, w, err ? undefined : { confChange: this.cluster.list() }, err ? membershipToServerError(err) : undefined);
    }
  }

  private removedSelf(): void {
    this.log.warn(`${CALLER}:1161`, 'server has stopped; stopping storage version\'s monitor');
    this.log.warn('etcdserver/server.go:1094', 'the member has been permanently removed from the cluster');
    this.log.warn('etcdserver/server.go:1095', 'the data-dir used by this member must be removed');
    void this.stop('removed');
  }

  private settle(id: string, w: ProposalWaiter, result?: ApplyResult, err?: Error): void {
    this.waiters.delete(id);
    w.cancelTimer();
    if (err) {
      this.metrics.proposalsFailed++;
      w.reject(err);
    } else w.resolve(result!);
  }

  // ---------------------------------------------------------------- snapshots

  private maybeSnapshot(): void {
    if (this.appliedIndex - this.snapshotIndex <= this.opts.snapshotCount) return;
    this.takeSnapshot();
  }

  /** Saves the state machine at the applied index and compacts the raft log and WAL. */
  takeSnapshot(): void {
    const index = this.appliedIndex;
    if (index <= this.snapshotIndex) return;
    const data = encodeStateMachine(this.cluster, this.store);
    const snap: Snapshot = this.storage.createSnapshot(index, this.confState, data);
    this.snapshotter.save(snap);
    this.wal.saveSnapshot({ index, term: snap.metadata.term });
    this.writeDbFile();
    this.log.info(`${CALLER}:2400`, 'saved snapshot', { 'snapshot-index': index });
    const catchUp = this.opts.snapshotCatchUpEntries ?? 5000;
    const compactTo = index > catchUp ? index - catchUp : 1;
    if (compactTo > this.storage.firstIndex()) {
      this.storage.compact(compactTo);
      this.log.info(`${CALLER}:2420`, 'compacted Raft logs', { 'compact-index': compactTo });
    }
    this.wal.releaseTo(compactTo);
    this.snapshotter.purge(this.opts.maxSnapshots ?? 5);
    this.snapshotIndex = index;
  }

  /** member/snap/db: the store's bytes, replaced atomically (what `etcdutl` and backups read). */
  private writeDbFile(): void {
    const fs = this.opts.fs;
    const dir = `${this.opts.dataDir}/member/snap`;
    const tmp = `${dir}/db.tmp`;
    fs.writeFile(tmp, encodeDb(this.store.snapshot()), { mode: 0o600 });
    fs.fsync(tmp);
    fs.rename(tmp, `${dir}/db`);
    fs.fsync(dir);
  }

  /**
   * etcd's createMergedSnapshotMessage: raft picked the newest stored snapshot, but the
   * follower gets the state as applied now (index, term, ConfState and store at this
   * point). A stored snapshot can predate a member added since, which would refuse it as
   * "not in the ConfState"; the current state also spares the follower replaying the gap.
   */
  private withCurrentState(m: Message): Message {
    const stored = m.snapshot;
    if (!stored || this.appliedIndex < stored.metadata.index) return m;
    let term: number;
    try {
      term = this.storage.term(this.appliedIndex);
    } catch {
      return m;
    }
    const snapshot: Snapshot = {
      data: encodeStateMachine(this.cluster, this.store),
      metadata: { index: this.appliedIndex, term, confState: { voters: [...this.confState.voters], learners: [...this.confState.learners] } },
    };
    this.log.info('rafthttp/snapshot_sender.go:82', 'sending database snapshot', {
      'snapshot-index': this.appliedIndex,
      'remote-peer-id': m.to,
      bytes: snapshot.data.length,
      size: humanBytes(snapshot.data.length),
    });
    return { ...m, snapshot };
  }

  private persistSnapshotFromLeader(snap: Snapshot): void {
    this.snapshotter.save(snap);
    this.wal.saveSnapshot({ index: snap.metadata.index, term: snap.metadata.term });
    this.storage.applySnapshot(snap);
    const sm = decodeStateMachine(snap.data, this.leaseNow(), this.store.options);
    this.log.info(`${CALLER}:1300`, 'applying snapshot', { 'current-snapshot-index': this.snapshotIndex, 'incoming-leader-snapshot-index': snap.metadata.index });
    this.store = sm.store;
    this.cluster = sm.cluster;
    for (const f of [...this.storeListeners]) f(sm.store);
    for (const m of this.cluster.list()) if (m.id !== this.memberId) this.transport.addPeer(m.id, m.peerUrls);
    this.appliedIndex = snap.metadata.index;
    this.snapshotIndex = snap.metadata.index;
    this.confState = snap.metadata.confState;
    this.writeDbFile();
    this.log.info(`${CALLER}:1400`, 'applied snapshot', { 'incoming-leader-snapshot-index': snap.metadata.index });
  }

  // ---------------------------------------------------------------- proposals

  /** Proposes a request and resolves with its result once applied here. */
  propose(req: ServerRequest): Promise<ApplyResult> {
    if (this.stopped) return Promise.reject(Errors.stopped());
    const id = this.ids.next();
    const data = encodeEnvelope({ id, nowMs: this.leaseNow(), req });
    try {
      if (!('leaseRenew' in req) && !('memberAttr' in req) && !('alarm' in req)) {
        this.store.checkRequestSize(req);
        // With NOSPACE raised, only requests that free space get through (etcd's capped applier).
        if (this.cluster.alarms.some((a) => a.alarm === 'NOSPACE') && takesSpace(req)) throw new ErrNoSpace();
        this.store.checkQuota(req);
      }
    } catch (e) {
      if (e instanceof ErrNoSpace && !this.cluster.alarms.some((a) => a.alarm === 'NOSPACE')) {
        this.log.warn('etcdserver/v3_server.go:1016', 'exceeded backend quota', { 'quota-size-bytes': this.store.quotaBackendBytes, 'quota-size': humanQuota(this.store.quotaBackendBytes) });
        void this.propose({ alarm: { action: 'ACTIVATE', memberId: this.memberId, alarm: 'NOSPACE' } }).catch(() => {});
      }
      return Promise.reject(e);
    }
    return this.track(id, () => {
      this.metrics.proposalsPending++;
      if (this.lead === NONE) this.pending.push({ id, data });
      else {
        try {
          this.node.propose(data);
        } catch (e) {
          if (e !== ErrProposalDropped) throw e;
          this.pending.push({ id, data });
        }
      }
      this.drainSoon();
    });
  }

  protected proposeConf(cc: ConfChange, reqId: string): Promise<ApplyResult> {
    return this.track(reqId, () => {
      if (this.lead === NONE) this.pending.push({ id: reqId, data: new Uint8Array(), conf: cc });
      else {
        try {
          this.node.proposeConfChange(cc);
        } catch (e) {
          if (e !== ErrProposalDropped) throw e;
          this.pending.push({ id: reqId, data: new Uint8Array(), conf: cc });
        }
      }
      this.drain();
    });
  }

  private track(id: string, submit: () => void): Promise<ApplyResult> {
    return new Promise<ApplyResult>((resolve, reject) => {
      const startedAt = this.clock.monotonic();
      const w: ProposalWaiter = {
        resolve: (r) => {
          this.metrics.proposalsPending--;
          resolve(r);
        },
        reject: (e) => {
          this.metrics.proposalsPending--;
          reject(e);
        },
        cancelTimer: () => {},
        startedAt,
      };
      w.cancelTimer = this.clock.after(this.reqTimeoutMs, () => {
        if (this.waiters.get(id) !== w) return;
        this.settle(id, w, undefined, this.timeoutError(startedAt));
      });
      this.waiters.set(id, w);
      try {
        submit();
      } catch (e) {
        this.settle(id, w, undefined, e as Error);
      }
    });
  }

  /** etcd's parseProposeCtxErr: a timeout that straddles a leader election says so. */
  private timeoutError(startedAt: number): ServerError {
    const electionWindow = 2 * this.opts.electionMs;
    if (this.leadElectedAt > 0 && startedAt > this.leadElectedAt - electionWindow && startedAt < this.leadElectedAt) {
      return Errors.timeoutDueToLeaderFail();
    }
    return Errors.timeout();
  }

  /** Announces this member's name and client URLs once a leader exists (etcd's publish). */
  private publishOnce(): void {
    if (this.published || this.stopped) return;
    this.published = true;
    const attrs = { id: this.memberId, name: this.name, clientUrls: this.opts.advertiseClientUrls };
    this.propose({ memberAttr: attrs }).then(
      () => {
        this.log.info(`${CALLER}:2118`, 'published local member to cluster through raft', {
          'local-member-id': this.memberId,
          'local-member-attributes': `{Name:${this.name} ClientURLs:[${this.opts.advertiseClientUrls.join(' ')}]}`,
          'cluster-id': this.cluster.clusterId,
          'publish-timeout': formatMs(this.reqTimeoutMs),
        });
        this.readyCallbacks.splice(0).forEach((f) => f());
      },
      (e: Error) => {
        this.published = false;
        if (!this.stopped) this.log.warn(`${CALLER}:2128`, 'failed to publish local member to cluster through raft', { 'local-member-id': this.memberId, error: e.message });
      },
    );
  }
  private readyCallbacks: (() => void)[] = [];

  /** Resolves once this member has published itself (etcd's ReadyNotify). */
  readyNotify(): Promise<void> {
    return new Promise((r) => (this.isReady() ? r() : this.readyCallbacks.push(r)));
  }

  isReady(): boolean {
    const me = this.cluster.members.get(this.memberId);
    return this.published && !!me && me.name === this.name;
  }

  /** Waits for a linearizable read point (ReadIndex) to be applied locally. */
  linearizableReadNotify(): Promise<void> {
    if (this.stopped) return Promise.reject(Errors.stopped());
    return this.reads.wait();
  }

  // ---------------------------------------------------------------- state for the API layer

  header(revision = this.store.currentRevision): ServerHeader {
    return { clusterId: this.cluster.clusterId, memberId: this.memberId, revision, raftTerm: this.term };
  }

  get term(): number {
    return this.node.raft.term;
  }
  get leader(): string {
    return this.lead;
  }
  get isLeader(): boolean {
    return this.lead === this.memberId;
  }
  get applied(): number {
    return this.appliedIndex;
  }
  get committed(): number {
    return this.node.raft.raftLog.committed;
  }
  get requestTimeoutMs(): number {
    return this.reqTimeoutMs;
  }
  get isStopped(): boolean {
    return this.stopped;
  }
  raftStatus(): Status {
    return this.node.status();
  }
  get options(): Readonly<EtcdServerOptions> {
    return this.opts;
  }

  /** Resolves when a leader is known (or after timeoutMs). */
  waitLeader(timeoutMs: number): Promise<boolean> {
    if (this.lead !== NONE) return Promise.resolve(true);
    return new Promise((resolve) => {
      const cancel = this.clock.after(timeoutMs, () => resolve(this.lead !== NONE));
      this.leaderWaiters.push(() => {
        cancel();
        resolve(true);
      });
    });
  }

  nextId(): string {
    return this.ids.next();
  }

  // ---------------------------------------------------------------- leadership

  async moveLeader(target: string): Promise<void> {
    if (!this.isLeader) throw Errors.notLeader();
    if (!this.cluster.voters().includes(target)) throw Errors.badLeaderTransferee();
    if (target === this.memberId) return;
    this.log.info(`${CALLER}:1540`, 'leadership transfer starting', { 'local-member-id': this.memberId, 'current-leader-member-id': this.memberId, 'transferee-member-id': target });
    this.node.transferLeader(target);
    this.drain();
    const deadline = this.clock.monotonic() + this.reqTimeoutMs;
    while (this.lead !== target) {
      if (this.clock.monotonic() >= deadline || this.stopped) throw Errors.timeoutLeaderTransfer();
      await new Promise<void>((r) => this.clock.after(this.opts.heartbeatMs, r));
    }
    this.log.info(`${CALLER}:1550`, 'leadership transfer finished', { 'local-member-id': this.memberId, 'old-leader-member-id': this.memberId, 'new-leader-member-id': target });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Called on every leader change ('' = leader lost), for lab event logs and metrics. */
  onLeaderChange(cb: (leader: string, term: number) => void): void {
    this.leaderListeners.push(cb);
  }
  private leaderListeners: ((leader: string, term: number) => void)[] = [];

  onStopped(cb: (reason: string) => void): void {
    this.stoppedCallbacks.push(cb);
  }

  /** Stops: hands leadership over when other voters exist (as etcd does), then halts. */
  async stop(reason = 'stop'): Promise<void> {
    if (this.stopped) return;
    if (reason === 'stop' && this.isLeader) {
      const others = this.cluster.voters().filter((v) => v !== this.memberId);
      if (others.length === 0) {
        this.log.info(`${CALLER}:1520`, 'skipped leadership transfer for single voting member cluster', { 'local-member-id': this.memberId, 'current-leader-member-id': this.lead });
      } else {
        const st = this.node.status();
        const best = others.sort((a, b) => (st.progress[b]?.match ?? 0) - (st.progress[a]?.match ?? 0))[0]!;
        try {
          await this.moveLeader(best);
        } catch (e) {
          this.log.warn(`${CALLER}:1530`, 'failed to transfer leadership', { error: (e as Error).message });
        }
      }
    }
    this.stopped = true;
    this.cancelTick();
    this.cancelCompactor();
    this.reads.stop(Errors.stopped());
    for (const [id, w] of [...this.waiters]) this.settle(id, w, undefined, Errors.stopped());
    this.pending = [];
    try {
      this.wal.sync();
    } catch {
      /* the disk may be gone; nothing more to save */
    }
    this.transport.close();
    for (const cb of this.stoppedCallbacks) cb(reason);
  }
}
