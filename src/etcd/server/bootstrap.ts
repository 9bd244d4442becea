// Turning a data dir and the bootstrap flags into a member ready to run, the way etcd's
// bootstrap does: restart from WAL + snapshot when the dir holds a member, else create a new
// member of a new cluster (--initial-cluster-state new) or join a running one (existing).
import { isFsError, type FileSystem } from '../../platform/filesystem.ts';
import type { ConfState, HardState, Snapshot } from '../../raft/types.ts';
import { MemoryStorage } from '../../raft/storage.ts';
import { MvccStore, type MvccOptions } from '../mvcc/index.ts';
import { ByteReader, ByteWriter } from '../wal/codec.ts';
import { Snapshotter } from '../wal/snap.ts';
import { Wal, walExists, walSnapshotMarkers } from '../wal/wal.ts';
import { decodeDbFile, storeBytesOf } from './backup.ts';
import type { Logger } from '../log.ts';
import { RaftCluster, type Member } from './membership.ts';
import type { ParsedUrl } from '../types/urls.ts';

export interface BootstrapOptions {
  name: string;
  dataDir: string;
  initialCluster: Map<string, ParsedUrl[]>;
  initialClusterString: string;
  initialClusterState: 'new' | 'existing';
  initialClusterToken: string;
  initialAdvertisePeerUrls: string[];
  mvcc: MvccOptions;
  /** The running cluster's members, asked from its peers (for --initial-cluster-state existing). */
  fetchCluster?: (peerUrls: string[]) => Promise<{ clusterId: string; members: Member[] }>;
  walSegmentBytes?: number;
  /** Resolves host names in URLs (etcd compares advertised and --initial-cluster URLs resolved). */
  resolve?: (host: string) => string | undefined;
  /** --wal-dir, absolute (etcd's DedicatedWALDir); empty or absent: <data-dir>/member/wal. */
  walDir?: string;
  /** --wal-dir as typed, for errors and logs (etcd shows the flag's value). */
  walDirShown?: string;
}

export interface Bootstrapped {
  memberId: string;
  cluster: RaftCluster;
  storage: MemoryStorage;
  wal: Wal;
  snapshotter: Snapshotter;
  store: MvccStore;
  /** Raft index the state machine already reflects. */
  applied: number;
  /** Peers to write into a brand-new log (raft Bootstrap); empty when restarting or joining. */
  bootstrapPeers: { id: string; context: Uint8Array }[];
  haveWal: boolean;
  /** Members known at start, for the peer transport (a new cluster applies them later). */
  initialPeers: Member[];
  confState: ConfState;
  hardState: HardState;
}

export class BootstrapError extends Error {}

/** A failure etcd meets with zap's Panic (the process dies with a Go panic, exit 2). */
export class BootstrapPanic extends Error {
  constructor(
    readonly caller: string,
    message: string,
    readonly detail: string,
  ) {
    super(message);
  }
}

/** etcd's ServerConfig.WALDir(): the dedicated dir when given, else <data-dir>/member/wal. */
export function walDirOf(dataDir: string, dedicated?: string): string {
  return dedicated ? dedicated : `${dataDir}/member/wal`;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The state machine in a snapshot: membership + the MVCC store. */
export function encodeStateMachine(cluster: RaftCluster, store: MvccStore): Uint8Array {
  return new ByteWriter().str(JSON.stringify(cluster.toJSON())).bytes(store.snapshot()).finish();
}

export function decodeStateMachine(data: Uint8Array, nowMs: number, mvcc: MvccOptions): { cluster: RaftCluster; store: MvccStore } {
  const r = new ByteReader(data);
  const cluster = RaftCluster.fromJSON(JSON.parse(r.str()) as ReturnType<RaftCluster['toJSON']>);
  const store = MvccStore.restore(r.bytes(), nowMs, mvcc);
  return { cluster, store };
}

export function memberContext(m: Member): Uint8Array {
  return enc.encode(JSON.stringify(m));
}

export function parseMemberContext(b: Uint8Array): Member | undefined {
  try {
    const m = JSON.parse(dec.decode(b)) as Member;
    if (typeof m.id !== 'string' || !Array.isArray(m.peerUrls)) return undefined;
    return { id: m.id, name: m.name ?? '', peerUrls: m.peerUrls, clientUrls: m.clientUrls ?? [], isLearner: !!m.isLearner };
  } catch {
    return undefined;
  }
}

export async function bootstrapMember(opts: BootstrapOptions, fs: FileSystem, log: Logger, nowMs: number): Promise<Bootstrapped> {
  const memberDir = `${opts.dataDir}/member`;
  const walDir = walDirOf(opts.dataDir, opts.walDir);
  const snapshotter = new Snapshotter(fs, `${memberDir}/snap`, log);
  const storage = new MemoryStorage();

  if (walExists(fs, walDir)) {
    checkDirWriteable(fs, walDir, 'cannot write to WAL directory');
    // Only a snapshot the WAL has a marker for: one written by a member that ran on another
    // --wal-dir (or just before a crash) does not fit the entries in this log.
    const snap = snapshotter.loadNewestAvailable(walSnapshotMarkers(fs, walDir));
    let cluster = new RaftCluster();
    let store = new MvccStore(opts.mvcc);
    if (snap) {
      const sm = decodeStateMachine(snap.data, nowMs, opts.mvcc);
      cluster = sm.cluster;
      store = sm.store;
      storage.applySnapshot(snap);
      log.info('etcdserver/bootstrap.go:222', 'recovered v3 backend from snapshot', { 'backend-size-bytes': store.dbSize, 'backend-size': humanBytes(store.dbSize) });
    }
    checkDirWriteable(fs, memberDir, 'cannot write to member directory');
    const marker = snap ? { index: snap.metadata.index, term: snap.metadata.term } : { index: 0, term: 0 };
    const { wal, contents } = Wal.open(fs, walDir, marker, log, opts.walSegmentBytes);
    cluster.clusterId = contents.metadata.clusterId;
    storage.setHardState(contents.hardState);
    if (contents.entries.length > 0) storage.append(contents.entries);
    log.info('etcdserver/bootstrap.go:570', 'restarting local member', {
      'cluster-id': contents.metadata.clusterId,
      'local-member-id': contents.metadata.nodeId,
      'commit-index': contents.hardState.commit,
    });
    return {
      memberId: contents.metadata.nodeId,
      cluster,
      storage,
      wal,
      snapshotter,
      store,
      applied: snap?.metadata.index ?? 0,
      bootstrapPeers: [],
      haveWal: true,
      initialPeers: cluster.list(),
      confState: snap?.metadata.confState ?? { voters: [], learners: [] },
      hardState: contents.hardState,
    };
  }

  // No WAL: a member that has never run. etcd's VerifyBootstrap comes first for "new".
  if (!opts.initialCluster.has(opts.name)) throw new BootstrapError(`couldn't find local name ${JSON.stringify(opts.name)} in the initial cluster configuration`);
  if (opts.initialClusterState !== 'existing') verifyAdvertiseMatchesCluster(opts);
  const local = RaftCluster.fromUrlsMap(opts.initialClusterToken, opts.initialCluster);
  const me = local.memberByName(opts.name);
  if (!me) throw new BootstrapError(`couldn't find local name ${JSON.stringify(opts.name)} in the initial cluster configuration`);
  let cluster = local;
  let memberId = me.id;
  let bootstrapPeers: Bootstrapped['bootstrapPeers'] = [];
  if (opts.initialClusterState === 'existing') {
    const others = [...local.members.values()].filter((m) => m.id !== me.id).flatMap((m) => m.peerUrls);
    if (!opts.fetchCluster || others.length === 0) throw new BootstrapError('cannot fetch cluster info from peer urls: could not retrieve cluster information from the given URLs');
    let remote: { clusterId: string; members: Member[] };
    try {
      remote = await opts.fetchCluster(others);
    } catch (e) {
      throw new BootstrapError(`cannot fetch cluster info from peer urls: ${(e as Error).message}`);
    }
    // etcd's ValidateClusterAndAssignIDs: every local member must match a running one by peer URLs.
    if (remote.members.length !== local.members.size) {
      throw new BootstrapError(`error validating peerURLs ${describeRemote(remote)}: member count is unequal`);
    }
    const joined = new RaftCluster();
    joined.clusterId = remote.clusterId;
    for (const lm of local.members.values()) {
      const key = [...lm.peerUrls].sort().join(',');
      const match = remote.members.find((rm) => [...rm.peerUrls].sort().join(',') === key);
      if (!match) {
        throw new BootstrapError(
          `error validating peerURLs ${describeRemote(remote)}: PeerURLs: no match found for existing member (${lm.id}, ${JSON.stringify(lm.peerUrls)}), last resolver error (<nil>)`,
        );
      }
      if (lm.id === me.id) memberId = match.id;
    }
    // Members are learned by applying the log from the leader; the running ones seed the transport.
    for (const rm of remote.members) joined.add(rm);
    cluster = joined;
  } else {
    // etcd's isMemberBootstrapped: a running cluster that already knows this member as
    // started means this data dir was lost or replaced; starting "new" would fork it.
    const others = [...local.members.values()].filter((m) => m.id !== me.id).flatMap((m) => m.peerUrls);
    if (opts.fetchCluster && others.length > 0) {
      const remote = await opts.fetchCluster(others).catch(() => undefined);
      const known = remote?.members.find((m) => m.id === me.id);
      if (known && known.clientUrls.length > 0) throw new BootstrapError(`member ${me.id} has already been bootstrapped`);
    }
    bootstrapPeers = local.list().map((m) => ({ id: m.id, context: memberContext(m) }));
  }
  // etcd opens the backend (member/snap/db) whether or not a WAL exists: a member started
  // without its WAL (a restore made with --wal-dir, then etcd started without it; or
  // --wal-dir changed between starts) serves the keys the db holds as a brand-new member.
  const store = storeFromDb(fs, `${memberDir}/snap/db`, nowMs, opts.mvcc, log);
  let wal: Wal;
  try {
    wal = Wal.create(fs, walDir, { nodeId: memberId, clusterId: cluster.clusterId }, log, opts.walSegmentBytes, opts.walDirShown || walDir);
  } catch (e) {
    throw new BootstrapPanic('etcdserver/bootstrap.go:663', 'failed to create WAL', (e as Error).message);
  }
  log.info('etcdserver/raft.go:536', 'starting local member', { 'local-member-id': memberId, 'cluster-id': cluster.clusterId });
  return {
    memberId,
    // Members are learned by applying conf change entries (the bootstrap ones, or the leader's log).
    cluster: Object.assign(new RaftCluster(), { clusterId: cluster.clusterId }),
    storage,
    wal,
    snapshotter,
    store,
    applied: 0,
    bootstrapPeers,
    haveWal: false,
    initialPeers: cluster.list(),
    confState: { voters: [], learners: [] },
    hardState: { term: 0, vote: '', commit: 0 },
  };
}

/** etcd's fileutil.IsDirWriteable: create and remove <dir>/.touch (Go names the absolute path). */
function checkDirWriteable(fs: FileSystem, dir: string, what: string): void {
  try {
    fs.writeFile(`${dir}/.touch`, '', { mode: 0o600 });
    fs.unlink(`${dir}/.touch`);
  } catch (e) {
    if (isFsError(e)) throw new BootstrapError(`${what}: open ${dir}/.touch: ${e.reason().replace(/^./, (c) => c.toLowerCase())}`);
    throw e;
  }
}

/** The KV store in member/snap/db when there is one (a new member's own db, or a restored one). */
function storeFromDb(fs: FileSystem, path: string, nowMs: number, mvcc: MvccOptions, log: Logger): MvccStore {
  if (!fs.exists(path)) return new MvccStore(mvcc);
  let store: MvccStore;
  try {
    store = MvccStore.restore(storeBytesOf(decodeDbFile(fs.readFile(path))), nowMs, mvcc);
  } catch (e) {
    throw new BootstrapPanic('backend/backend.go:192', 'failed to open database', isFsError(e) ? e.goMessage() : (e as Error).message);
  }
  log.info('etcdserver/bootstrap.go:233', 'recovered v3 backend', { 'backend-size-bytes': store.dbSize, 'backend-size': humanBytes(store.dbSize) });
  return store;
}

/** etcd's VerifyBootstrap: my --initial-cluster URLs are the ones I advertise; no URL twice. */
export function verifyAdvertiseMatchesCluster(opts: Pick<BootstrapOptions, 'name' | 'initialCluster' | 'initialClusterString' | 'initialAdvertisePeerUrls' | 'resolve'>): void {
  const resolveUrl = (u: string): string => {
    const m = /^(\w+:\/\/)([^:/]+|\[[^\]]+\])(.*)$/.exec(u);
    if (!m) return u;
    const ip = m[2] === 'localhost' ? '127.0.0.1' : (opts.resolve?.(m[2]!) ?? m[2]!);
    return `${m[1]}${ip}${m[3]}`;
  };
  const mine = (opts.initialCluster.get(opts.name) ?? []).map((u) => u.text).sort();
  const advertised = [...opts.initialAdvertisePeerUrls].sort();
  const a = advertised.map(resolveUrl).sort();
  const b = mine.map(resolveUrl).sort();
  const equal = a.length === b.length && a.every((x, i) => x === b[i]);
  if (!equal) {
    const why = a.length !== b.length ? `len(${goQ(a)}) != len(${goQ(b)})` : `resolved urls: ${JSON.stringify(a.find((x, i) => x !== b[i]))} != ${JSON.stringify(b.find((x, i) => x !== a[i]))}`;
    const missing = mine.filter((u) => !advertised.includes(u));
    if (missing.length > 0) {
      throw new BootstrapError(`--initial-cluster has ${missing.map((u) => `${opts.name}=${u}`).join(',')} but missing from --initial-advertise-peer-urls=${advertised.join(',')} (${why})`);
    }
    const extra = advertised.filter((u) => !mine.includes(u));
    const umap = advertised.map((u) => `${opts.name}=${u}`).join(',');
    if (extra.length > 0) throw new BootstrapError(`--initial-advertise-peer-urls has ${extra.join(',')} but missing from --initial-cluster=${umap}`);
    throw new BootstrapError(`failed to resolve ${advertised.join(',')} to match --initial-cluster=${umap} (${why})`);
  }
  const seen = new Set<string>();
  for (const urls of opts.initialCluster.values()) {
    for (const u of urls) {
      if (seen.has(u.text)) throw new BootstrapError(`initial cluster ${opts.initialClusterString} has duplicate url`);
      seen.add(u.text);
    }
  }
}

function goQ(list: string[]): string {
  return `[${list.map((x) => JSON.stringify(x)).join(' ')}]`;
}

function describeRemote(r: { clusterId: string; members: Member[] }): string {
  return `{ClusterID:${r.clusterId} Members:[${r.members.map((m) => `&{ID:${m.id} RaftAttributes:{PeerURLs:[${m.peerUrls.join(' ')}] IsLearner:${m.isLearner}} Attributes:{Name:${m.name} ClientURLs:[${m.clientUrls.join(' ')}]}}`).join(' ')}] RemovedMemberIDs:[]}`;
}

/** Sizes as etcd prints them with go-humanize (SI units): "2.1 GB", "25 kB". */
export function humanBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const v = n / Math.pow(1000, e);
  return `${v < 10 ? (Math.floor(v * 10 + 0.5) / 10).toFixed(1).replace(/\.0$/, '') : Math.floor(v + 0.5)} ${units[e]}`;
}
