// Building etcd members in one process: the simulation, tests and benchmarks use this to
// run N members on one clock with an in-memory peer network (each on its own data dir).
import type { Clock } from '../../platform/clock.ts';
import type { FileSystem } from '../../platform/filesystem.ts';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import type { Random } from '../../platform/random.ts';
import { Logger, nullSink, type LogSink } from '../log.ts';
import { InMemoryPeerNetwork, type PeerTransport } from '../transport/peer-transport.ts';
import { parseUrlsMap } from '../types/urls.ts';
import { EtcdServer, type EtcdServerOptions } from './etcd-server.ts';
import { restoreSnapshot } from './restore.ts';

export interface MemberSpec {
  name: string;
  /** Defaults to http://<name>:2380. */
  peerUrl?: string;
  clientUrl?: string;
}

export interface InProcessClusterOptions {
  members: MemberSpec[];
  clock: Clock;
  random: Random;
  /** One disk per member name (so one member can crash alone). */
  fsFor: (name: string) => FileSystem;
  network?: InMemoryPeerNetwork;
  logSink?: (name: string) => LogSink;
  token?: string;
  heartbeatMs?: number;
  electionMs?: number;
  snapshotCount?: number;
  snapshotCatchUpEntries?: number;
  version?: string;
}

/** The options etcd would get for member `name` of this cluster (data dir /var/lib/etcd/<name>.etcd). */
export function memberOptions(o: InProcessClusterOptions, name: string, network: InMemoryPeerNetwork): EtcdServerOptions {
  const urlOf = (m: MemberSpec) => m.peerUrl ?? `http://${m.name}:2380`;
  const initialClusterString = o.members.map((m) => `${m.name}=${urlOf(m)}`).join(',');
  const me = o.members.find((m) => m.name === name);
  if (!me) throw new Error(`no member ${name}`);
  return {
    name,
    dataDir: `/var/lib/etcd/${name}.etcd`,
    initialCluster: parseUrlsMap(initialClusterString),
    initialClusterString,
    initialClusterState: 'new',
    initialClusterToken: o.token ?? 'etcd-cluster',
    initialAdvertisePeerUrls: [urlOf(me)],
    advertiseClientUrls: [me.clientUrl ?? `http://${name}:2379`],
    heartbeatMs: o.heartbeatMs ?? 100,
    electionMs: o.electionMs ?? 1000,
    snapshotCount: o.snapshotCount ?? 10000,
    snapshotCatchUpEntries: o.snapshotCatchUpEntries,
    version: o.version ?? '3.6.4',
    fs: o.fsFor(name),
    clock: o.clock,
    random: o.random,
    logger: new Logger(o.logSink?.(name) ?? nullSink, o.clock),
    transport: (id): PeerTransport => network.transportFor(id),
  };
}

export async function startInProcessCluster(o: InProcessClusterOptions): Promise<{ servers: Map<string, EtcdServer>; network: InMemoryPeerNetwork }> {
  const network = o.network ?? new InMemoryPeerNetwork(o.clock);
  const servers = new Map<string, EtcdServer>();
  for (const m of o.members) servers.set(m.name, await EtcdServer.start(memberOptions(o, m.name, network)));
  return { servers, network };
}

/**
 * `etcdutl snapshot restore` of `snapshot` into a new one-member cluster ("restored" at
 * http://10.0.0.9:2380, token etcd-cluster-2) on a fresh disk, then that member started
 * with `base`'s other options: what a restore test checks its data and ids against.
 */
export async function startRestoredMember(snapshot: Uint8Array, base: InProcessClusterOptions): Promise<{ restored: ReturnType<typeof restoreSnapshot>; server: EtcdServer }> {
  const disk = new SimFileSystem();
  const restored = restoreSnapshot({
    fs: disk,
    snapshot,
    dataDir: '/var/lib/etcd/restored.etcd',
    name: 'restored',
    initialCluster: 'restored=http://10.0.0.9:2380',
    initialClusterToken: 'etcd-cluster-2',
    initialAdvertisePeerUrls: ['http://10.0.0.9:2380'],
    nowMs: base.clock.now(),
    log: new Logger(nullSink, base.clock),
  });
  const o: InProcessClusterOptions = { ...base, members: [{ name: 'restored', peerUrl: 'http://10.0.0.9:2380' }], token: 'etcd-cluster-2', fsFor: () => disk };
  const server = await EtcdServer.start(memberOptions(o, 'restored', new InMemoryPeerNetwork(base.clock)));
  return { restored, server };
}
