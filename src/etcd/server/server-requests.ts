// The client-facing half of the etcd server's base: proposing requests and waiting for
// them, publishing this member, linearizable read points, the state the API layer reads,
// leadership transfer and stopping. The raft member underneath is in server-core.ts.
import { NONE } from '../../raft/types.ts';
import type { ConfChange } from '../../raft/types.ts';
import { ErrProposalDropped, type Status } from '../../raft/raw-node.ts';
import { ErrNoSpace } from '../mvcc/errors.ts';
import { Errors } from './errors.ts';
import type { ServerRequest } from './request.ts';
import { encodeEnvelope } from './request.ts';
import { EtcdServerCore } from './server-core.ts';
import type { ApplyResult, EtcdServerOptions, ServerHeader } from './server-options.ts';
import { formatMs, humanQuota, takesSpace } from './server-util.ts';
import { credentialsOf, tokenIndex } from '../auth/credentials.ts';

const CALLER = 'etcdserver/server.go';

export abstract class EtcdServerRequests extends EtcdServerCore {
  // ---------------------------------------------------------------- proposals

  /**
   * Proposes a request and resolves with its result once applied here. `signal` is the
   * client's context (see request-context.ts): when it fires before the proposal reaches
   * raft (no leader yet), the proposal is dropped and never applied; after that, the caller
   * stops waiting but the entry may still apply, as in etcd.
   */
  propose(req: ServerRequest, signal?: AbortSignal): Promise<ApplyResult> {
    // A token made at an index this member has not applied yet is waited for once (etcd's
    // isValidSimpleToken waits for that index): the client may have authenticated elsewhere.
    if (this.authStore.isEnabled && tokenIndex(credentialsOf(signal)) > this.appliedIndex && !this.stopped) {
      return this.linearizableReadNotify(signal).then(() => this.proposeNow(req, signal));
    }
    return this.proposeNow(req, signal);
  }

  private proposeNow(req: ServerRequest, signal?: AbortSignal): Promise<ApplyResult> {
    if (this.stopped) return Promise.reject(Errors.stopped());
    const id = this.ids.next();
    let data: Uint8Array;
    try {
      // The caller rides along (etcd's RequestHeader) so every member checks it when applying.
      const user = 'auth' in req && req.auth.op === 'authenticate' ? undefined : this.authStore.authInfoFrom(credentialsOf(signal));
      data = encodeEnvelope({ id, nowMs: this.leaseNow(), req, ...(user ? { user } : {}) });
      if (!('leaseRenew' in req) && !('memberAttr' in req) && !('alarm' in req) && !('auth' in req)) {
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
    return this.proposals.track(id, () => {
      if (this.lead === NONE) this.proposals.hold({ id, data });
      else {
        try {
          this.node.propose(data);
        } catch (e) {
          if (e !== ErrProposalDropped) throw e;
          this.proposals.hold({ id, data });
        }
      }
      this.drainSoon();
    }, signal);
  }

  protected proposeConf(cc: ConfChange, reqId: string, signal?: AbortSignal): Promise<ApplyResult> {
    return this.proposals.track(reqId, () => {
      if (this.lead === NONE) this.proposals.hold({ id: reqId, data: new Uint8Array(), conf: cc });
      else {
        try {
          this.node.proposeConfChange(cc);
        } catch (e) {
          if (e !== ErrProposalDropped) throw e;
          this.proposals.hold({ id: reqId, data: new Uint8Array(), conf: cc });
        }
      }
      this.drain();
    }, signal);
  }

  /** Announces this member's name and client URLs once a leader exists (etcd's publish). */
  protected publishOnce(): void {
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

  /** Resolves once this member has published itself (etcd's ReadyNotify). */
  readyNotify(): Promise<void> {
    return new Promise((r) => (this.isReady() ? r() : this.readyCallbacks.push(r)));
  }

  isReady(): boolean {
    const me = this.cluster.members.get(this.memberId);
    return this.published && !!me && me.name === this.name;
  }

  /**
   * Waits for a linearizable read point (ReadIndex) to be applied locally; a client whose
   * context ends stops waiting with Go's context error, as etcd's linearizableReadNotify.
   */
  linearizableReadNotify(signal?: AbortSignal): Promise<void> {
    if (this.stopped) return Promise.reject(Errors.stopped());
    return this.reads.wait(signal);
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
    // A clean stop leaves member/snap/db as current as the WAL (a crash does not: the WAL
    // replays what came after the last checkpoint).
    if (reason === 'stop') this.checkpointDb();
    this.reads.stop(Errors.stopped());
    this.proposals.failAll(Errors.stopped());
    try {
      this.wal.sync();
    } catch {
      /* the disk may be gone; nothing more to save */
    }
    this.transport.close();
    for (const cb of this.stoppedCallbacks) cb(reason);
  }
}
