// One deterministic simulation run: a 3- or 5-member etcd cluster on simulated time, a
// hostile network, crashing disks and clients issuing puts, deletes, txns and reads.
// Afterwards the history must be linearizable, every member must agree on the data,
// nothing acknowledged may be lost, and no term may have two leaders.
import { SimClock } from '../../src/platform/sim-clock.ts';
import { SimFileSystem } from '../../src/platform/sim-fs.ts';
import { SeededRandom } from '../../src/platform/random.ts';
import { FsError, type FileSystem } from '../../src/platform/filesystem.ts';
import { EtcdServer } from '../../src/etcd/server/etcd-server.ts';
import { memberOptions, type InProcessClusterOptions } from '../../src/etcd/server/in-process-cluster.ts';
import type { InMemoryPeerNetwork } from '../../src/etcd/transport/peer-transport.ts';
import { SimPeerNetwork } from './sim-peer-network.ts';
import { checkLinearizable, type KvInput, type KvOutput, type Operation } from './linearizability.ts';

export interface SimOptions {
  seed: number;
  /** Simulated milliseconds of client load and faults. */
  durationMs?: number;
  members?: number;
  clients?: number;
  keys?: number;
  /** Test the tester: serve client reads locally (serializable), which must be caught as stale. */
  staleReads?: boolean;
}

export interface SimResult {
  seed: number;
  violations: string[];
  stats: { ops: number; acked: number; unknown: number; crashes: number; partitions: number; leaders: number; messages: number; snapshots: number };
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A disk that stops accepting writes when its process dies (a dead process writes nothing). */
class ProcessDisk implements FileSystem {
  dead = false;
  constructor(private readonly disk: SimFileSystem) {}
  private live(syscall: string, path: string): void {
    if (this.dead) throw new FsError('EINVAL', syscall, path);
  }
  readFile(p: string) { return this.disk.readFile(p); }
  writeFile(p: string, d: Uint8Array | string, o?: { mode?: number }) { this.live('open', p); this.disk.writeFile(p, d, o); }
  appendFile(p: string, d: Uint8Array | string, o?: { mode?: number }) { this.live('open', p); this.disk.appendFile(p, d, o); }
  fsync(p: string) { this.live('fsync', p); this.disk.fsync(p); }
  rename(a: string, b: string) { this.live('rename', a); this.disk.rename(a, b); }
  unlink(p: string) { this.live('unlink', p); this.disk.unlink(p); }
  mkdir(p: string, o?: { recursive?: boolean; mode?: number }) { this.live('mkdir', p); this.disk.mkdir(p, o); }
  rmdir(p: string, o?: { recursive?: boolean }) { this.live('rmdir', p); this.disk.rmdir(p, o); }
  readdir(p: string) { return this.disk.readdir(p); }
  stat(p: string) { return this.disk.stat(p); }
  exists(p: string) { return this.disk.exists(p); }
  chmod(p: string, m: number) { this.live('chmod', p); this.disk.chmod(p, m); }
}

/** Lets every promise chain that does not wait on a timer run to completion. */
const settle = () => new Promise<void>((r) => setImmediate(r));

export async function runSimulation(o: SimOptions): Promise<SimResult> {
  const seed = o.seed;
  const random = new SeededRandom(seed);
  const clock = new SimClock(Date.UTC(2026, 10, 21, 9, 0, 0));
  const durationMs = o.durationMs ?? 8000;
  const memberCount = o.members ?? (random.next() < 0.2 ? 5 : 3);
  const names = Array.from({ length: memberCount }, (_, i) => `m${i + 1}`);
  const keys = Array.from({ length: o.keys ?? 3 }, (_, i) => `k${i}`);
  const net = new SimPeerNetwork(clock, random);
  net.faults = {
    dropRate: random.next() * 0.05,
    duplicateRate: random.next() * 0.03,
    minDelayMs: 1,
    maxDelayMs: 2 + random.int(30),
  };
  const disks = new Map(names.map((n) => [n, new SimFileSystem(() => clock.now())]));
  const procDisks = new Map<string, ProcessDisk>();
  const violations: string[] = [];
  const stats = { ops: 0, acked: 0, unknown: 0, crashes: 0, partitions: 0, leaders: 0, messages: 0, snapshots: 0 };

  const clusterOpts: InProcessClusterOptions = {
    members: names.map((name) => ({ name })),
    clock,
    random,
    // Every third seed snapshots often and keeps a short log, so lagging and restarted
    // members catch up through snapshots (which the hostile network may lose).
    ...(seed % 3 === 0 ? { snapshotCount: 15 + (seed % 11), snapshotCatchUpEntries: 5 } : {}),
    fsFor: (name) => {
      const d = new ProcessDisk(disks.get(name)!);
      procDisks.set(name, d);
      return d;
    },
  };
  const servers = new Map<string, EtcdServer>();
  const idOf = new Map<string, string>();
  const start = async (name: string) => {
    const s = await EtcdServer.start(memberOptions(clusterOpts, name, net as unknown as InMemoryPeerNetwork));
    servers.set(name, s);
    idOf.set(name, s.memberId);
  };
  for (const n of names) await start(n);

  // At most one leader per term, sampled after every step.
  const leaderOfTerm = new Map<number, string>();
  const observeLeaders = () => {
    for (const [name, s] of servers) {
      if (s.isStopped || !s.isLeader) continue;
      const prev = leaderOfTerm.get(s.term);
      if (prev === undefined) {
        leaderOfTerm.set(s.term, name);
        stats.leaders++;
      } else if (prev !== name) violations.push(`two leaders in term ${s.term}: ${prev} and ${name}`);
    }
  };

  const history: Operation[] = [];
  let valueSeq = 0;
  const liveServers = () => [...servers.entries()].filter(([, s]) => !s.isStopped);

  const issue = async (clientId: number): Promise<void> => {
    const live = liveServers();
    if (live.length === 0) return;
    const [, server] = live[random.int(live.length)]!;
    const key = keys[random.int(keys.length)]!;
    const roll = random.next();
    const value = `s${seed}-c${clientId}-${valueSeq++}`;
    let input: KvInput;
    if (roll < 0.35) input = { op: 'put', key, value };
    else if (roll < 0.45) input = { op: 'delete', key };
    else if (roll < 0.6) input = { op: 'cas', key, expect: random.next() < 0.5 ? null : lastSeen.get(key) ?? null, value };
    else input = { op: 'get', key };
    const call = clock.monotonic();
    let output: KvOutput;
    try {
      output = await perform(server, input, o.staleReads);
      stats.acked++;
    } catch {
      output = { status: 'unknown' };
      stats.unknown++;
    }
    stats.ops++;
    if (output.status === 'ok' && input.op === 'get') lastSeen.set(key, output.value ?? null);
    history.push({ clientId, input, output, call, ret: clock.monotonic() });
  };
  const lastSeen = new Map<string, string | null>();

  // Clients: each issues one request at a time, with a short think time.
  const clientCount = o.clients ?? 4;
  let running = true;
  const clientLoops = Array.from({ length: clientCount }, async (_, c) => {
    while (running) {
      await issue(c);
      await new Promise<void>((r) => clock.after(1 + random.int(40), r));
    }
  });

  // Faults: partitions, heals, crashes (losing what was not fsynced) and restarts.
  const down = new Set<string>();
  const faultStep = async () => {
    const r = random.next();
    if (r < 0.25) {
      const shuffled = [...names].sort(() => random.next() - 0.5);
      const cutAt = 1 + random.int(names.length - 1);
      net.partition(shuffled.slice(0, cutAt).map((n) => idOf.get(n)!), shuffled.slice(cutAt).map((n) => idOf.get(n)!));
      stats.partitions++;
    } else if (r < 0.45) {
      net.heal();
    } else if (r < 0.65 && down.size < Math.floor((names.length - 1) / 2) + 1) {
      const candidates = names.filter((n) => !down.has(n));
      const victim = candidates[random.int(candidates.length)]!;
      procDisks.get(victim)!.dead = true;
      await servers.get(victim)!.stop('crash');
      disks.get(victim)!.crash();
      down.add(victim);
      stats.crashes++;
    } else if (r < 0.9 && down.size > 0) {
      const back = [...down][random.int(down.size)]!;
      down.delete(back);
      await start(back);
    } else {
      clock.jumpWallClock((random.next() - 0.5) * 60_000);
    }
  };

  const runUntil = async (t: number, withFaults: boolean) => {
    let nextFault = clock.monotonic() + 200 + random.int(800);
    while (clock.monotonic() < t) {
      const next = Math.min(clock.nextAt() ?? t, t);
      clock.advance(Math.max(0, next - clock.monotonic()));
      await settle();
      observeLeaders();
      if (withFaults && clock.monotonic() >= nextFault) {
        await faultStep();
        await settle();
        nextFault = clock.monotonic() + 200 + random.int(800);
      }
    }
  };

  await runUntil(clock.monotonic() + durationMs, true);

  // Recovery: heal, restart everyone, stop the load, wait for a leader.
  running = false;
  net.heal();
  net.faults = { dropRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 2 };
  for (const n of [...down]) {
    down.delete(n);
    await start(n);
  }
  await runUntil(clock.monotonic() + 5000, false);
  await Promise.race([Promise.all(clientLoops), new Promise<void>((r) => { clock.after(30_000, r); void runUntil(clock.monotonic() + 30_000, false); })]);

  // Final reads through every member: acknowledged writes must all be there.
  for (const [, s] of servers) {
    for (const key of keys) {
      const call = clock.monotonic();
      const pending = perform(s, { op: 'get', key });
      let done = false;
      let output: KvOutput = { status: 'unknown' };
      pending.then((v) => { output = v; done = true; }, () => { done = true; });
      while (!done && clock.monotonic() < call + 20_000) {
        clock.advance(Math.max(1, (clock.nextAt() ?? call + 1) - clock.monotonic()));
        await settle();
      }
      if (output.status === 'unknown') violations.push(`final read of ${key} on a healed cluster did not answer`);
      history.push({ clientId: 1000, input: { op: 'get', key }, output, call, ret: clock.monotonic() });
    }
  }

  const lin = checkLinearizable(history);
  if (!lin.ok) violations.push(`history is not linearizable (key ${lin.badKey})`);

  // Every member applied the same data.
  const hashes = new Map<string, string>();
  for (const [name, s] of servers) {
    const h = s.hashKV(0);
    hashes.set(name, `${h.header.revision}:${h.hash}`);
  }
  if (new Set(hashes.values()).size > 1) violations.push(`members disagree after healing: ${[...hashes].map(([n, h]) => `${n}=${h}`).join(' ')}`);

  for (const s of servers.values()) await s.stop('crash');
  stats.messages = net.stats.sent;
  stats.snapshots = net.stats.snapshots;
  return { seed, violations, stats };
}

async function perform(server: EtcdServer, input: KvInput, serializable = false): Promise<KvOutput> {
  const key = enc.encode(input.key);
  switch (input.op) {
    case 'put':
      await server.put({ key, value: enc.encode(input.value) });
      return { status: 'ok' };
    case 'delete':
      await server.deleteRange({ key });
      return { status: 'ok' };
    case 'get': {
      const r = await server.range({ key, serializable });
      const kv = r.kvs[0];
      return { status: 'ok', value: kv ? dec.decode(kv.value) : null };
    }
    case 'cas': {
      const compare =
        input.expect === null
          ? { key, target: 'VERSION' as const, result: 'EQUAL' as const, version: 0 }
          : { key, target: 'VALUE' as const, result: 'EQUAL' as const, value: enc.encode(input.expect) };
      const r = await server.txn({ compare: [compare], success: [{ requestPut: { key, value: enc.encode(input.value) } }], failure: [] });
      return { status: 'ok', succeeded: r.succeeded };
    }
  }
}
