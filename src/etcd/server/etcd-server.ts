// EtcdServer: the client-facing operations (etcd's KV, Lease, Cluster and Maintenance
// services plus /health) on top of the raft member in server-core.ts. The HTTP gateway,
// the gRPC-less sandbox clients and the deterministic simulation all call these methods.
// Each request that waits on raft takes an optional AbortSignal: the client's context
// (deadline or cancel, see request-context.ts).
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  HashKVResponse,
  LeaseGrantResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
  WatchResponse,
} from '../mvcc/types.ts';
import type { MvccStore, WatchOptions, Watcher } from '../mvcc/index.ts';
import { hexToId, idToHex } from '../types/id.ts';
import { EtcdServerCore, type ApplyResult, type EtcdServerOptions, type ServerHeader } from './server-core.ts';
import { EtcdServerMembership } from './server-membership.ts';
import { Errors, toStatus } from './errors.ts';
import type { AlarmMember, Member } from './membership.ts';
import { encodeSnapshotFile } from './backup.ts';
import type { AlarmType } from './request.ts';
import { AuthService } from '../auth/auth-service.ts';
import { checkLeaseKeys, checkRead } from '../auth/enforce.ts';
import { credentialsOf } from '../auth/credentials.ts';

export type { EtcdServerOptions, ServerHeader } from './server-core.ts';
export type { Member } from './membership.ts';

/** A store response with etcd's full header (cluster id, member id, revision, raft term). */
export type WithHeader<T extends { header: unknown }> = Omit<T, 'header'> & { header: ServerHeader };

export interface StatusResponse {
  header: ServerHeader;
  version: string;
  dbSize: number;
  /** Hex id of the leader, '' when none. */
  leader: string;
  raftIndex: number;
  raftTerm: number;
  raftAppliedIndex: number;
  errors: string[];
  dbSizeInUse: number;
  isLearner: boolean;
  storageVersion: string;
  dbSizeQuota: number;
}

/** A watch on this member, as the gateway drives it. */
export interface WatchHandle {
  readonly id: number;
  start(): void;
  /** The consumer drained: deliver what it missed. */
  resume(): void;
  cancel(): void;
  /** Answers with a progress notification when the watcher is synced. */
  requestProgress(): boolean;
}

export interface HealthResult {
  health: boolean;
  reason: string;
}

/** A raftpb.Entry in Go's memory besides its data (struct, slice header, allocator rounding). */
const RAFT_ENTRY_OVERHEAD_BYTES = 64;
/** A watcher in etcd's watchable store (watcher struct, its key range, the group's index node). */
const WATCHER_OVERHEAD_BYTES = 512;

export class EtcdServer extends EtcdServerMembership {
  /** etcd's Auth service: users, roles, enable/disable, Authenticate (../auth/auth-service.ts). */
  readonly auth: AuthService = new AuthService(this);

  /** Bootstraps or recovers the member from its data dir and starts it. */
  static async start(opts: EtcdServerOptions): Promise<EtcdServer> {
    const b = await EtcdServerCore.prepare(opts);
    const s = new EtcdServer(opts, b);
    s.begin(b);
    return s;
  }

  private withHeader<T extends { header: { revision: number } }>(r: T): WithHeader<T> {
    return { ...r, header: this.header(r.header.revision) };
  }

  private expect<K extends string>(r: ApplyResult, key: K): Extract<ApplyResult, Record<K, unknown>>[K] {
    if (!(key in r)) throw new Error(`unexpected apply result for ${key}`);
    return (r as unknown as Record<K, never>)[key];
  }

  // ---------------------------------------------------------------- KV

  /** Linearizable unless req.serializable: waits for a ReadIndex round first. */
  async range(req: RangeRequest, signal?: AbortSignal): Promise<WithHeader<RangeResponse>> {
    if (!req.serializable) await this.linearizableReadNotify(signal);
    checkRead(this.authStore, credentialsOf(signal), req.key, req.rangeEnd);
    return this.withHeader(this.store.range(req));
  }

  async put(req: PutRequest, signal?: AbortSignal): Promise<WithHeader<PutResponse>> {
    return this.withHeader(this.expect(await this.propose({ put: req }, signal), 'put'));
  }

  async deleteRange(req: DeleteRangeRequest, signal?: AbortSignal): Promise<WithHeader<DeleteRangeResponse>> {
    return this.withHeader(this.expect(await this.propose({ deleteRange: req }, signal), 'deleteRange'));
  }

  async txn(req: TxnRequest, signal?: AbortSignal): Promise<WithHeader<TxnResponse>> {
    return this.withHeader(this.expect(await this.propose({ txn: req }, signal), 'txn'));
  }

  /** With physical, answers once the compaction is done (it is synchronous here). */
  async compact(req: CompactionRequest, signal?: AbortSignal): Promise<WithHeader<CompactionResponse>> {
    return this.withHeader(this.expect(await this.propose({ compaction: req }, signal), 'compaction'));
  }

  /**
   * Registers a watcher on this member's store; call start() on it to begin delivery. The
   * handle outlives the store: when a snapshot from the leader replaces the store, the watch
   * carries on from the revision it had reached (etcd's watchable store does the same).
   */
  watch(opts: WatchOptions, sink: (r: WatchResponse) => boolean | void): WatchHandle {
    let w: Watcher = this.store.watches.watch(opts, sink);
    let started = false;
    const handle: WatchHandle = {
      get id() {
        return w.id;
      },
      start: () => {
        started = true;
        w.start();
      },
      resume: () => w.resume(),
      cancel: () => {
        w.cancel();
        this.storeListeners.delete(onNewStore);
      },
      requestProgress: () => this.store.watches.requestProgress(w),
    };
    const onNewStore = (store: MvccStore): void => {
      if (w.canceled) return;
      const next = w.nextRevision;
      w.cancel();
      w = store.watches.watch({ ...opts, startRevision: next, watchId: w.id }, sink);
      if (started) w.start();
    };
    this.storeListeners.add(onNewStore);
    return handle;
  }

  // ---------------------------------------------------------------- Lease

  async leaseGrant(ttl: number, id = '', signal?: AbortSignal): Promise<WithHeader<LeaseGrantResponse>> {
    let leaseId = id === '0' ? '' : id;
    while (leaseId === '') {
      const v = hexToId(this.nextId()) & ((1n << 63n) - 1n);
      if (v !== 0n) leaseId = idToHex(v);
    }
    return this.withHeader(this.expect(await this.propose({ leaseGrant: { ttl, id: leaseId } }, signal), 'leaseGrant'));
  }

  async leaseRevoke(id: string, signal?: AbortSignal): Promise<WithHeader<LeaseRevokeResponse>> {
    return this.withHeader(this.expect(await this.propose({ leaseRevoke: { id } }, signal), 'leaseRevoke'));
  }

  /** One keep-alive: the renewed TTL in seconds, 0 when the lease is gone (as etcd answers). */
  async leaseKeepAlive(id: string, signal?: AbortSignal): Promise<{ header: ServerHeader; id: string; ttl: number }> {
    checkLeaseKeys(this.authStore, credentialsOf(signal), this.store, [id], 'write');
    const r = this.expect(await this.propose({ leaseRenew: { id } }, signal), 'leaseRenew');
    return { header: this.header(), id, ttl: r.ttl };
  }

  async leaseTimeToLive(req: LeaseTimeToLiveRequest, signal?: AbortSignal): Promise<WithHeader<LeaseTimeToLiveResponse>> {
    await this.linearizableReadNotify(signal);
    if (req.keys) checkLeaseKeys(this.authStore, credentialsOf(signal), this.store, [req.id], 'read');
    return this.withHeader(this.store.leaseTimeToLive(req, this.leaseNow()));
  }

  async leaseLeases(signal?: AbortSignal): Promise<WithHeader<LeaseLeasesResponse>> {
    await this.linearizableReadNotify(signal);
    const leases = this.store.leaseLeases();
    checkLeaseKeys(this.authStore, credentialsOf(signal), this.store, leases.leases.map((l) => l.id), 'read');
    return this.withHeader(leases);
  }

  // ---------------------------------------------------------------- Cluster

  /** etcd 3.6 answers member list linearizably unless asked otherwise. */
  async memberList(linearizable = true, signal?: AbortSignal): Promise<{ header: ServerHeader; members: Member[] }> {
    if (linearizable) await this.linearizableReadNotify(signal);
    return { header: this.header(), members: this.cluster.list() };
  }

  async memberAddRequest(peerUrls: string[], isLearner = false, signal?: AbortSignal): Promise<{ header: ServerHeader; member: Member; members: Member[] }> {
    if (peerUrls.length === 0) throw Errors.memberBadUrls();
    const { member, members } = await this.memberAdd(peerUrls, isLearner, signal);
    return { header: this.header(), member, members };
  }

  async memberRemoveRequest(id: string, signal?: AbortSignal): Promise<{ header: ServerHeader; members: Member[] }> {
    const members = await this.memberRemove(id, signal);
    return { header: this.header(), members };
  }

  // ---------------------------------------------------------------- Maintenance

  status(): StatusResponse {
    const leader = this.leader;
    const errors: string[] = this.cluster.alarms.map((a) => `memberID:${hexToId(a.memberId).toString(10)} alarm:${a.alarm} `);
    if (leader === '') errors.push(Errors.noLeader().message);
    const me = this.cluster.members.get(this.memberId);
    return {
      header: this.header(),
      version: this.options.version,
      dbSize: this.store.dbSize,
      leader,
      raftIndex: this.committed,
      raftTerm: this.term,
      raftAppliedIndex: this.applied,
      errors,
      dbSizeInUse: this.store.dbSizeInUse,
      isLearner: me?.isLearner ?? false,
      storageVersion: storageVersionOf(this.options.version),
      dbSizeQuota: this.store.quotaBackendBytes,
    };
  }

  /**
   * Bytes this member holds, for a host's resource figures (systemctl status's Memory:): the
   * key space with its revisions and leases (the backend's size in use, which etcd keeps
   * mapped), the raft log entries not yet compacted away, and the registered watchers.
   * Read-only; an estimate of what the real etcd would hold for the same data.
   */
  memoryBytes(): number {
    let raftLog = 0;
    for (const e of this.node.raft.raftLog.allEntries()) raftLog += RAFT_ENTRY_OVERHEAD_BYTES + e.data.length;
    return this.store.dbSizeInUse + raftLog + this.store.watches.size * WATCHER_OVERHEAD_BYTES;
  }

  hashKV(revision = 0): WithHeader<HashKVResponse> {
    return this.withHeader(this.store.hashKV(revision));
  }

  /** The backend as `etcdctl snapshot save` receives it: db file + sha256 (see backup.ts). */
  snapshotBytes(): Uint8Array {
    return encodeSnapshotFile(this.store.snapshot(), this.backendExtras());
  }

  defragment(): { header: ServerHeader } {
    this.store.defragment();
    return { header: this.header() };
  }

  /**
   * etcd's Alarm call: GET lists the raised alarms; ACTIVATE/DEACTIVATE go through raft.
   * A memberId of '' and alarm NONE match every member and alarm.
   */
  async alarm(action: 'GET' | 'ACTIVATE' | 'DEACTIVATE', memberId = '', alarm: AlarmType = 'NONE', signal?: AbortSignal): Promise<{ header: ServerHeader; alarms: AlarmMember[] }> {
    if (action === 'GET') {
      const alarms = this.cluster.alarms.filter((a) => (memberId === '' || a.memberId === memberId) && (alarm === 'NONE' || a.alarm === alarm));
      return { header: this.header(), alarms };
    }
    const r = await this.propose({ alarm: { action, memberId, alarm } }, signal);
    return { header: this.header(), alarms: 'alarms' in r ? r.alarms : [] };
  }

  /** /health as etcd 3.6 computes it: alarms, then leader, then a range through raft. */
  async health(serializable = false, signal?: AbortSignal): Promise<HealthResult> {
    const alarm = this.cluster.alarms[0];
    if (alarm) return { health: false, reason: `ALARM ${alarm.alarm}` };
    if (!serializable && this.leader === '') return { health: false, reason: 'RAFT NO LEADER' };
    try {
      await this.range({ key: new Uint8Array([0]), keysOnly: true, limit: 1, serializable }, signal);
      return { health: true, reason: '' };
    } catch (e) {
      // With auth on, the probe has no user: etcd counts these answers as a healthy server.
      const m = toStatus(e).message;
      if (m === 'etcdserver: user name is empty' || m === 'etcdserver: permission denied') return { health: true, reason: '' };
      return { health: false, reason: `RANGE ERROR:${m}` };
    }
  }
}

/** The storage version a server of this version writes (3.6.x → 3.6.0). */
function storageVersionOf(version: string): string {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${m[2]}.0` : version;
}
