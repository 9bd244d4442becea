import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock } from '../../platform/sim-clock.ts';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import { SeededRandom } from '../../platform/random.ts';
import { InMemoryPeerNetwork } from '../transport/peer-transport.ts';
import { startInProcessCluster, type InProcessClusterOptions } from './in-process-cluster.ts';
import type { EtcdServer } from './etcd-server.ts';
import { ServerError } from './errors.ts';
import { requestContext } from './request-context.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Steps the clock 10 ms at a time until the promise settles (bounded); returns how it ended and when. */
async function outcome<T>(clock: SimClock, p: Promise<T>, maxMs = 30_000): Promise<{ value?: T; error?: ServerError; atMs: number }> {
  let out: { value?: T; error?: ServerError; atMs: number } | undefined;
  p.then(
    (value) => (out = { value, atMs: clock.monotonic() }),
    (error: ServerError) => (out = { error, atMs: clock.monotonic() }),
  );
  for (let t = 0; t < maxMs && !out; t += 10) {
    clock.advance(10);
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setImmediate(r));
  if (!out) throw new Error('did not settle');
  return out;
}

/** Attaches a handler at once (the rejection may come before anyone awaits it). */
function caught<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

async function run<T>(clock: SimClock, p: Promise<T>): Promise<T> {
  const o = await outcome(clock, p, 60_000);
  if (o.error) throw o.error;
  return o.value as T;
}

async function settle(clock: SimClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10) {
    clock.advance(10);
    await new Promise((r) => setImmediate(r));
  }
}

/** Three members; returns the one left alone (no leader once the other two are cut off) and the rest. */
async function leaderlessMember(seed: number): Promise<{ clock: SimClock; network: InMemoryPeerNetwork; alone: EtcdServer; all: EtcdServer[] }> {
  const clock = new SimClock();
  const disks = new Map<string, SimFileSystem>();
  const network = new InMemoryPeerNetwork(clock, 2);
  const opts: InProcessClusterOptions = {
    members: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
    clock,
    random: new SeededRandom(seed),
    network,
    fsFor: (n) => disks.get(n) ?? (disks.set(n, new SimFileSystem()), disks.get(n)!),
  };
  const { servers } = await startInProcessCluster(opts);
  const all = [...servers.values()];
  await run(clock, Promise.all(all.map((s) => s.readyNotify())));
  const alone = all.find((s) => !s.isLeader)!;
  for (const s of all) if (s !== alone) network.isolate(s.memberId);
  await settle(clock, 3000);
  assert.equal(alone.leader, '', 'the member left alone knows no leader');
  return { clock, network, alone, all };
}

async function healAndWrite(clock: SimClock, network: InMemoryPeerNetwork, all: EtcdServer[], via: EtcdServer): Promise<void> {
  network.heal();
  await settle(clock, 3000);
  assert.notEqual(via.leader, '', 'a leader again');
  // A write made after the heal is applied everywhere: anything proposed before it would be too.
  await run(clock, via.put({ key: enc('after'), value: enc('heal') }));
  await settle(clock, 500);
}

test('a write without a leader fails at the client\'s deadline and is never applied once a leader appears', async () => {
  const { clock, network, alone, all } = await leaderlessMember(11);
  const ctx = requestContext(clock, 2000);
  const startedAt = clock.monotonic();
  const put = await outcome(clock, alone.put({ key: enc('two-down'), value: enc('nope') }, ctx.signal));
  assert.equal(put.error?.message, 'context deadline exceeded');
  assert.equal(put.error?.code, 'DeadlineExceeded');
  // At the client's 2 s, not the server's own 7 s request timeout.
  assert.ok(put.atMs - startedAt >= 2000 && put.atMs - startedAt < 2100, `failed after ${put.atMs - startedAt} ms`);
  assert.equal(alone.metrics.proposalsPending, 0);

  await healAndWrite(clock, network, all, alone);
  for (const s of all) {
    assert.equal((await run(clock, s.range({ key: enc('two-down') }))).count, 0, `${s.name} never applied the failed write`);
    assert.equal(dec((await run(clock, s.range({ key: enc('after') }))).kvs[0]!.value), 'heal');
  }
  for (const s of all) await run(clock, s.stop());
});

test('a client that goes away (cancel) drops its leaderless write and its waiting read', async () => {
  const { clock, network, alone, all } = await leaderlessMember(12);
  const ctx = requestContext(clock);
  const txn = caught(alone.txn({ compare: [], success: [{ requestPut: { key: enc('k'), value: enc('v') } }], failure: [] }, ctx.signal));
  const read = requestContext(clock);
  const range = caught(alone.range({ key: enc('k') }, read.signal));
  await settle(clock, 500);
  ctx.cancel();
  read.cancel();
  const t = await outcome(clock, txn);
  assert.equal(t.error?.message, 'context canceled');
  assert.equal(t.error?.code, 'Canceled');
  const r = await outcome(clock, range);
  assert.equal(r.error?.message, 'context canceled');
  // Already cancelled: nothing is proposed at all.
  const late = await outcome(clock, alone.deleteRange({ key: enc('after') }, ctx.signal));
  assert.equal(late.error?.message, 'context canceled');

  await healAndWrite(clock, network, all, alone);
  for (const s of all) assert.equal((await run(clock, s.range({ key: enc('k') }))).count, 0, `${s.name} never applied the cancelled txn`);
  for (const s of all) assert.equal((await run(clock, s.range({ key: enc('after') }))).count, 1, 'the cancelled delete never ran');
  for (const s of all) await run(clock, s.stop());
});

test('a linearizable read without a leader stops at the client\'s deadline', async () => {
  const { clock, alone, all } = await leaderlessMember(13);
  const ctx = requestContext(clock, 1500);
  const startedAt = clock.monotonic();
  const r = await outcome(clock, alone.memberList(true, ctx.signal));
  assert.equal(r.error?.message, 'context deadline exceeded');
  assert.ok(r.atMs - startedAt < 1600, `failed after ${r.atMs - startedAt} ms`);
  for (const s of all) await run(clock, s.stop());
});

test('without a client deadline a leaderless write ends at the server\'s request timeout, as node.Propose does, and is dropped', async () => {
  const { clock, network, alone, all } = await leaderlessMember(14);
  const startedAt = clock.monotonic();
  const put = await outcome(clock, alone.put({ key: enc('late'), value: enc('x') }));
  assert.equal(put.error?.message, 'context deadline exceeded');
  assert.equal(put.atMs - startedAt >= alone.requestTimeoutMs, true);
  await healAndWrite(clock, network, all, alone);
  for (const s of all) assert.equal((await run(clock, s.range({ key: enc('late') }))).count, 0);
  for (const s of all) await run(clock, s.stop());
});

test('a write already in the leader\'s log cannot be recalled: the client hears a timeout', async () => {
  const { clock, network, alone: follower, all } = await leaderlessMember(15);
  network.heal();
  await settle(clock, 3000);
  const leader = all.find((s) => s.isLeader)!;
  // The leader loses its followers but still leads for a while: the entry enters its log.
  for (const s of all) if (s !== leader) network.isolate(s.memberId);
  const ctx = requestContext(clock, 300);
  const put = await outcome(clock, leader.put({ key: enc('in-log'), value: enc('x') }, ctx.signal));
  assert.equal(put.error?.code, 'Unavailable');
  assert.match(put.error?.message ?? '', /^etcdserver: request timed out/);
  void follower;
  for (const s of all) await run(clock, s.stop());
});
