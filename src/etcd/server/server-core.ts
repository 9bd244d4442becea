// The raft member under the etcd server: drives a RawNode from the Clock (ticks) and the
// PeerTransport (messages), persists each Ready to the WAL before sending, and applies
// committed entries to the MVCC store and membership. Proposing and waiting, readiness and
// stopping are in server-requests.ts; snapshots in member-snapshots.ts; proposal waiters in
// proposal-waiters.ts. Time, disk, network and randomness are all handed in.
import type { Clock, Cancel } from '../../platform/clock.ts';
import { FsError } from '../../platform/filesystem.ts';
import type { Entry, Message, Ready, Snapshot } from '../../raft/types.ts';
import { NONE } from '../../raft/types.ts';
import { RawNode, ErrProposalDropped } from '../../raft/raw-node.ts';
import { decodeConfChange } from '../../raft/conf-change.ts';
import type { ConfChange } from '../../raft/types.ts';
import type { MvccStore } from '../mvcc/index.ts';
import type { Logger } from '../log.ts';
import type { PeerTransport, PeerVerdict } from '../transport/peer-transport.ts';
import { decodeStateMachine, humanBytes, parseMemberContext, type Bootstrapped } from './bootstrap.ts';
import { Errors, type ServerError } from './errors.ts';
import type { RaftCluster } from './membership.ts';
import { ReadIndexer } from './read-index.ts';
import { requestIdOf, hexBytes, formatMs, humanQuota, membershipToServerError } from './server-util.ts';
import { decodeEnvelope, IdGenerator, type ServerRequest } from './request.ts';
import { raftLoggerFor } from './raft-logger.ts';
import { ServerMetrics } from './metrics.ts';
import { startCompactor } from './compactor.ts';
import { MemberSnapshots, dbExtras } from './member-snapshots.ts';
import type { DbExtras } from './backup.ts';
import { ProposalWaiters } from './proposal-waiters.ts';
import { applyAlarm, applyConfChangeToCluster, checkConfChange } from './membership-apply.ts';
import { bootstrapFromOptions, type ApplyResult, type EtcdServerOptions } from './server-options.ts';
import { AuthStore } from '../auth/auth-store.ts';
import { BCRYPT_COST, BCRYPT_MAX_COST, BCRYPT_MIN_COST, effectiveBcryptCost } from '../auth/auth-service.ts';
import { checkApplyPermission } from '../auth/enforce.ts';
import { memberContext } from '../auth/credentials.ts';

export type { EtcdServerOptions, ServerHeader, ApplyResult } from './server-options.ts';

const CALLER = 'etcdserver/server.go';

export abstract class EtcdServerCore {
  readonly memberId: string;
  readonly name: string;
  cluster: RaftCluster;
  store: MvccStore;
  /** Users, roles and the enabled flag; its state is kept in store.authState (see applyNormal). */
  readonly authStore: AuthStore;
  readonly metrics = new ServerMetrics();
  protected node: RawNode;
  private readonly storage: Bootstrapped['storage'];
  protected readonly wal: Bootstrapped['wal'];
  private readonly snapshots: MemberSnapshots;
  protected transport: PeerTransport;
  protected readonly log: Logger;
  protected readonly clock: Clock;
  protected readonly ids: IdGenerator;
  protected readonly reads: ReadIndexer;
  protected readonly proposals: ProposalWaiters;
  protected cancelTick: Cancel = () => {};
  private draining = false;
  private drainAgain = false;
  private deferred: (() => void)[] = [];
  protected lead = NONE;
  protected appliedIndex: number;
  private snapshotIndex: number;
  private confState: { voters: string[]; learners: string[] };
  protected leadElectedAt = 0;
  protected stopped = false;
  protected published = false;
  protected readonly reqTimeoutMs: number;
  protected leaderWaiters: (() => void)[] = [];
  protected readonly stoppedCallbacks: ((reason: string) => void)[] = [];
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
    this.authStore = AuthStore.fromBlob(b.store.authState, () => opts.clock.monotonic(), opts.logger, opts.authTokenTtlMs);
    this.storage = b.storage;
    this.wal = b.wal;
    this.snapshots = new MemberSnapshots({
      fs: opts.fs,
      dataDir: opts.dataDir,
      storage: b.storage,
      snapshotter: b.snapshotter,
      wal: b.wal,
      log: opts.logger,
      catchUpEntries: opts.snapshotCatchUpEntries ?? 5000,
      maxSnapshots: opts.maxSnapshots ?? 5,
      serverVersion: opts.version,
    });
    this.appliedIndex = b.applied;
    this.snapshotIndex = b.applied;
    this.confState = b.confState;
    this.startedAt = opts.clock.now();
    this.monoAtStart = opts.clock.monotonic();
    this.reqTimeoutMs = 5000 + 2 * opts.electionMs;
    this.ids = new IdGenerator(b.memberId, opts.clock.now());
    this.proposals = new ProposalWaiters(opts.clock, this.reqTimeoutMs, this.metrics, (startedAt) => this.timeoutError(startedAt));
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
    this.transport.onRemoved?.(() => this.removedByPeer());
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
  protected static prepare(opts: EtcdServerOptions): Promise<Bootstrapped> {
    return bootstrapFromOptions(opts);
  }

  protected begin(b: Bootstrapped): void {
    const log = this.log;
    log.warn('auth/store.go:1241', 'simple token is not cryptographically signed');
    const cost = this.opts.bcryptCost;
    if (cost !== undefined && effectiveBcryptCost(cost) !== cost) {
      log.warn('auth/store.go:950', 'use default bcrypt cost instead of the invalid given cost', { 'min-cost': BCRYPT_MIN_COST, 'max-cost': BCRYPT_MAX_COST, 'default-cost': BCRYPT_COST, 'given-cost': cost });
    }
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
    // Like etcd's backend, member/snap/db exists from the first start on.
    if (!this.opts.fs.exists(`${this.opts.dataDir}/member/snap/db`)) this.checkpointDb();
    this.cancelTick = this.clock.every(this.opts.heartbeatMs, () => this.onTick());
    if (this.opts.autoCompaction) {
      const self = this;
      this.cancelCompactor = startCompactor(
        this.opts.autoCompaction,
        {
          get isLeader() {
            return self.lead === self.memberId;
          },
          currentRevision: () => this.store.currentRevision,
          compact: (revision) => this.propose({ compaction: { revision } }),
        },
        this.clock,
        this.log,
      );
    }
  }
  protected cancelCompactor: Cancel = () => {};

  // ---------------------------------------------------------------- raft driving

  private onTick(): void {
    if (this.stopped) return;
    this.node.tick();
    this.reads.onTick();
    this.flushPending();
    this.drain();
    this.leaderDuties();
    const every = this.opts.dbCheckpointMs ?? 5000;
    if (every > 0 && this.appliedIndex > this.dbCheckpointIndex && this.clock.monotonic() - this.dbCheckpointAt >= every) this.checkpointDb();
  }

  private dbCheckpointIndex = 0;
  private dbCheckpointAt = 0;

  /** Rewrites member/snap/db with the state applied so far. */
  protected checkpointDb(): void {
    try {
      this.snapshots.writeDbFile(this.store, this.cluster, this.confState, this.node.raft.term);
    } catch (e) {
      this.log.warn('backend/backend.go:444', 'failed to commit backend', { error: (e as Error).message });
    }
    this.dbCheckpointIndex = this.appliedIndex;
    this.dbCheckpointAt = this.clock.monotonic();
  }

  private onPeerMessage(m: Message): PeerVerdict {
    if (this.stopped) return;
    if (m.to !== this.memberId) return;
    if (this.cluster.removed.has(m.from)) {
      this.log.warn('rafthttp/http.go:500', 'rejected stream from remote peer because it was removed', { 'local-member-id': this.memberId, 'remote-peer-id-stream-handler': m.from });
      return 'removed';
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
  protected drainSoon(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    queueMicrotask(() => {
      this.drainScheduled = false;
      if (!this.stopped) this.drain();
    });
  }
  private drainScheduled = false;

  /** Handles every Ready raft has, persisting before sending, applying in order. */
  protected drain(): void {
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
    if (this.lead === NONE || this.proposals.holding === 0) return;
    this.proposals.flush((p) => {
      try {
        if (p.conf) this.node.proposeConfChange(p.conf);
        else this.node.propose(p.data);
        return true;
      } catch (e) {
        if (e !== ErrProposalDropped) throw e;
        return false;
      }
    });
    this.drain();
  }

  /** The leader revokes expired leases through raft. */
  private leaderDuties(): void {
    if (this.lead !== this.memberId) return;
    for (const id of this.store.expiredLeases(this.leaseNow())) {
      if (this.revoking.has(id)) continue;
      this.revoking.add(id);
      this.propose({ leaseRevoke: { id } }, memberContext())
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
    const req = env.req;
    try {
      let result: ApplyResult;
      if ('leaseRenew' in req) {
        result = { leaseRenew: { ttl: this.store.leaseRenew(req.leaseRenew.id, env.nowMs).ttl } };
      } else if ('memberAttr' in req) {
        this.cluster.updateAttributes(req.memberAttr.id, req.memberAttr.name, req.memberAttr.clientUrls);
        result = { memberAttr: true };
      } else if ('alarm' in req) {
        result = { alarms: applyAlarm(this.cluster, req.alarm, this.log) };
      } else if ('auth' in req) {
        result = { auth: this.authStore.apply(req.auth, env.user, e.index) };
        this.store.authState = this.authStore.encode();
      } else {
        checkApplyPermission(this.authStore, env.user, req, this.store);
        result = this.store.apply(req, env.nowMs, e.index);
      }
      this.proposals.settle(env.id, result);
    } catch (err) {
      this.proposals.settle(env.id, undefined, err as Error);
    }
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
      checkConfChange(this.cluster, cc, member);
    } catch (e2) {
      err = e2 as Error;
    }
    if (err) {
      // Refused: raft still sees an entry applied, changing nothing.
      this.confState = this.node.applyConfChange({ ...cc, nodeId: NONE });
    } else {
      this.confState = this.node.applyConfChange(cc);
      const change = applyConfChangeToCluster(this.cluster, cc, member, this.memberId, this.log);
      if (change.peer) this.transport.addPeer(change.peer.id, change.peer.peerUrls);
      if (change.removedPeer) this.transport.removePeer(change.removedPeer);
      if (change.removedSelf) this.deferred.push(() => this.removedSelf());
    }
    if (reqId) this.proposals.settle(reqId, err ? undefined : { confChange: this.cluster.list() }, err ? membershipToServerError(err) : undefined);
  }

  /**
   * A peer refused us as removed: this member was removed while it was down and never
   * applied its own removal. etcd reports a server error and stops for good.
   */
  private removedByPeer(): void {
    if (this.stopped) return;
    this.log.warn(`${CALLER}:860`, 'server error', { error: 'the member has been permanently removed from the cluster' });
    this.log.warn(`${CALLER}:861`, 'data-dir used by this member must be removed');
    void this.stop('removed');
  }

  private removedSelf(): void {
    this.log.warn(`${CALLER}:1161`, 'server has stopped; stopping storage version\'s monitor');
    this.log.warn('etcdserver/server.go:1094', 'the member has been permanently removed from the cluster');
    this.log.warn('etcdserver/server.go:1095', 'the data-dir used by this member must be removed');
    void this.stop('removed');
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
    this.snapshots.save(index, this.confState, this.cluster, this.store);
    this.snapshotIndex = index;
  }

  /** A MsgSnap carries the state applied now, not the stored snapshot raft picked (see MemberSnapshots). */
  private withCurrentState(m: Message): Message {
    if (!m.snapshot || this.appliedIndex < m.snapshot.metadata.index) return m;
    const snapshot = this.snapshots.ofAppliedState(this.appliedIndex, this.confState, this.cluster, this.store);
    if (!snapshot) return m;
    this.log.info('rafthttp/snapshot_sender.go:82', 'sending database snapshot', {
      'snapshot-index': this.appliedIndex,
      'remote-peer-id': m.to,
      bytes: snapshot.data.length,
      size: humanBytes(snapshot.data.length),
    });
    return { ...m, snapshot };
  }

  /** What the backend file records besides the store, as of the applied index. */
  protected backendExtras(): DbExtras {
    let term: number | undefined;
    try {
      term = this.storage.term(this.appliedIndex);
    } catch {
      term = undefined;
    }
    return dbExtras(this.cluster, this.confState, term, this.opts.version);
  }

  private persistSnapshotFromLeader(snap: Snapshot): void {
    this.snapshots.install(snap);
    const sm = decodeStateMachine(snap.data, this.leaseNow(), this.store.options);
    this.log.info(`${CALLER}:1300`, 'applying snapshot', { 'current-snapshot-index': this.snapshotIndex, 'incoming-leader-snapshot-index': snap.metadata.index });
    this.store = sm.store;
    this.authStore.recover(sm.store.authState);
    this.cluster = sm.cluster;
    for (const f of [...this.storeListeners]) f(sm.store);
    for (const m of this.cluster.list()) if (m.id !== this.memberId) this.transport.addPeer(m.id, m.peerUrls);
    this.appliedIndex = snap.metadata.index;
    this.snapshotIndex = snap.metadata.index;
    this.confState = snap.metadata.confState;
    this.snapshots.writeDbFile(this.store, this.cluster, this.confState, snap.metadata.term);
    this.dbCheckpointIndex = this.appliedIndex;
    this.log.info(`${CALLER}:1400`, 'applied snapshot', { 'incoming-leader-snapshot-index': snap.metadata.index });
  }

  /** etcd's parseProposeCtxErr: a timeout that straddles a leader election says so. */
  protected timeoutError(startedAt: number): ServerError {
    const electionWindow = 2 * this.opts.electionMs;
    if (this.leadElectedAt > 0 && startedAt > this.leadElectedAt - electionWindow && startedAt < this.leadElectedAt) {
      return Errors.timeoutDueToLeaderFail();
    }
    return Errors.timeout();
  }

  /** Called on leader changes ('' = lost), for lab event logs and metrics (see onLeaderChange). */
  protected readonly leaderListeners: ((leader: string, term: number) => void)[] = [];
  /** Waiting for this member to have published itself (see readyNotify). */
  protected readyCallbacks: (() => void)[] = [];

  /** Proposes a request and resolves with its result once applied here (server-requests.ts). */
  abstract propose(req: ServerRequest, signal?: AbortSignal): Promise<ApplyResult>;
  /** Announces this member to the cluster once a leader is known (server-requests.ts). */
  protected abstract publishOnce(): void;
  /** Stops the member (server-requests.ts). */
  abstract stop(reason?: string): Promise<void>;
}
