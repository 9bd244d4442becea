import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock } from '../../platform/sim-clock.ts';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import { SeededRandom } from '../../platform/random.ts';
import { startInProcessCluster, startRestoredMember, memberOptions, type InProcessClusterOptions } from './in-process-cluster.ts';
import { EtcdServer } from './etcd-server.ts';
import { InMemoryPeerNetwork } from '../transport/peer-transport.ts';
import type { WatchResponse } from '../mvcc/types.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Runs the clock until the promise settles (bounded). */
const run = <T>(clock: SimClock, p: Promise<T>, maxMs?: number): Promise<T> => clock.runUntil(p, maxMs);

async function settle(clock: SimClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10) {
    clock.advance(10);
    await new Promise((r) => setImmediate(r));
  }
}

function single(seed = 1) {
  const clock = new SimClock();
  const disks = new Map<string, SimFileSystem>();
  const opts: InProcessClusterOptions = {
    members: [{ name: 'default', peerUrl: 'http://localhost:2380', clientUrl: 'http://localhost:2379' }],
    clock,
    random: new SeededRandom(seed),
    fsFor: (n) => disks.get(n) ?? (disks.set(n, new SimFileSystem()), disks.get(n)!),
  };
  return { clock, disks, opts };
}

/** Three members a, b, c on one simulated clock; `snapshots` makes them snapshot and compact often. */
function trio(seed: number, o: { snapshots?: boolean } = {}) {
  const clock = new SimClock();
  const disks = new Map<string, SimFileSystem>();
  const network = new InMemoryPeerNetwork(clock, 2);
  const logs: Record<string, string[]> = {};
  const opts: InProcessClusterOptions = {
    members: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
    clock,
    random: new SeededRandom(seed),
    network,
    ...(o.snapshots ? { snapshotCount: 20, snapshotCatchUpEntries: 5 } : {}),
    fsFor: (n) => disks.get(n) ?? (disks.set(n, new SimFileSystem()), disks.get(n)!),
    logSink: (n) => ({ write: (l: string) => void (logs[n] ??= []).push(l) }),
  };
  return { clock, disks, network, logs, opts };
}

test('single member: elects itself, put/get, ids as real etcd', async () => {
  const { clock, opts } = single();
  const { servers } = await startInProcessCluster(opts);
  const s = servers.get('default')!;
  assert.equal(s.memberId, '8e9e05c52164694d');
  await run(clock, s.readyNotify());
  assert.equal(s.leader, s.memberId);
  const put = await run(clock, s.put({ key: enc('foo'), value: enc('bar') }));
  assert.equal(put.header.revision, 2);
  assert.equal(put.header.clusterId, 'cdf818194e3a8c32');
  const got = await run(clock, s.range({ key: enc('foo') }));
  assert.equal(dec(got.kvs[0]!.value), 'bar');
  assert.equal(got.count, 1);
  await run(clock, s.stop());
});

test('single member: watch sees writes, data survives restart and crash', async () => {
  const { clock, opts, disks } = single(2);
  let { servers } = await startInProcessCluster(opts);
  let s = servers.get('default')!;
  await run(clock, s.readyNotify());
  const seen: WatchResponse[] = [];
  const w = s.watch({ key: enc('k') }, (r) => {
    seen.push(r);
  });
  w.start();
  for (let i = 1; i <= 5; i++) await run(clock, s.put({ key: enc('k'), value: enc(`v${i}`) }));
  assert.equal(seen.flatMap((r) => r.events).length, 5);
  // Power cut: acknowledged writes must survive.
  await run(clock, s.stop('crash'));
  disks.get('default')!.crash();
  ({ servers } = await startInProcessCluster(opts));
  s = servers.get('default')!;
  await run(clock, s.readyNotify());
  const got = await run(clock, s.range({ key: enc('k') }));
  assert.equal(dec(got.kvs[0]!.value), 'v5');
  assert.equal(got.kvs[0]!.version, 5);
  const hist = await run(clock, s.range({ key: enc('k'), revision: 3 }));
  assert.equal(dec(hist.kvs[0]!.value), 'v2');
  await run(clock, s.stop());
});

test('snapshots compact the log and restart from snapshot + WAL', async () => {
  const { clock, opts, disks } = single(3);
  opts.snapshotCount = 20;
  opts.snapshotCatchUpEntries = 5;
  let { servers } = await startInProcessCluster(opts);
  let s = servers.get('default')!;
  await run(clock, s.readyNotify());
  for (let i = 0; i < 60; i++) await run(clock, s.put({ key: enc(`key${i % 7}`), value: enc(`v${i}`) }));
  const fs = disks.get('default')!;
  const snaps = fs.readdir('/var/lib/etcd/default.etcd/member/snap').filter((n) => n.endsWith('.snap'));
  assert.ok(snaps.length >= 1, 'a snapshot file exists');
  assert.ok(fs.exists('/var/lib/etcd/default.etcd/member/snap/db'));
  await run(clock, s.stop('crash'));
  fs.crash();
  ({ servers } = await startInProcessCluster(opts));
  s = servers.get('default')!;
  await run(clock, s.readyNotify());
  const got = await run(clock, s.range({ key: enc('key'), rangeEnd: enc('kez') }));
  assert.equal(got.count, 7);
  assert.equal(got.header.revision, 61);
  await run(clock, s.stop());
});

test('lease: granted id carries the member prefix; expiry is revoked by the leader', async () => {
  const { clock, opts } = single(4);
  const { servers } = await startInProcessCluster(opts);
  const s = servers.get('default')!;
  await run(clock, s.readyNotify());
  const g = await run(clock, s.leaseGrant(5));
  assert.match(g.id, /^694d/);
  await run(clock, s.put({ key: enc('lk'), value: enc('x'), lease: g.id }));
  await settle(clock, 7000);
  const got = await run(clock, s.range({ key: enc('lk') }));
  assert.equal(got.count, 0, 'key deleted with its lease');
  const ttl = await run(clock, s.leaseTimeToLive({ id: g.id }));
  assert.equal(ttl.ttl, -1);
  await run(clock, s.stop());
});

test('three members: elect, replicate, lose quorum (timeout), recover with data intact', async () => {
  const { clock, disks, network, logs, opts } = trio(7);
  const { servers } = await startInProcessCluster(opts);
  const all = [...servers.values()];
  await run(clock, Promise.all(all.map((s) => s.readyNotify())));
  const leader = all.find((s) => s.isLeader)!;
  assert.ok(leader);
  assert.equal(new Set(all.map((s) => s.leader)).size, 1);
  const members = await run(clock, all[0]!.memberList());
  assert.deepEqual(members.members.map((m) => m.name).sort(), ['a', 'b', 'c']);
  // A follower takes a write (forwarded as MsgProp) and every member sees it.
  const follower = all.find((s) => !s.isLeader)!;
  await run(clock, follower.put({ key: enc('x'), value: enc('1') }));
  for (const s of all) assert.equal((await run(clock, s.range({ key: enc('x') }))).count, 1);
  // Leadership moves where asked; only the leader can be asked.
  await assert.rejects(run(clock, follower.moveLeader(leader.memberId)), /etcdserver: not leader/);
  await run(clock, leader.moveLeader(follower.memberId));
  assert.equal(follower.isLeader, true);
  await settle(clock, 500);
  assert.ok(all.every((s) => s.leader === follower.memberId));
  // Two members go away: writes time out, serializable reads still answer.
  const [down1, down2] = all.filter((s) => s !== follower);
  network.isolate(down1!.memberId);
  network.isolate(down2!.memberId);
  await assert.rejects(run(clock, follower.put({ key: enc('y'), value: enc('2') })), /etcdserver: request timed out/);
  const local = await run(clock, follower.range({ key: enc('x'), serializable: true }));
  assert.equal(local.count, 1);
  const h = await run(clock, follower.health());
  assert.deepEqual(h, { health: false, reason: 'RAFT NO LEADER' });
  // Back: a leader again, the write goes through, nothing acknowledged is lost.
  network.heal();
  await settle(clock, 3000);
  await run(clock, follower.put({ key: enc('y'), value: enc('3') }));
  for (const s of all) {
    const r = await run(clock, s.range({ key: enc('x'), rangeEnd: enc('z') }));
    assert.deepEqual(r.kvs.map((kv) => dec(kv.value)), ['1', '3']);
  }
  for (const s of all) await run(clock, s.stop());
});

test('member data dir of another cluster keeps its own identity (flags ignored on restart)', async () => {
  const { clock, opts, disks } = single(5);
  let { servers } = await startInProcessCluster(opts);
  await run(clock, servers.get('default')!.readyNotify());
  await run(clock, servers.get('default')!.stop());
  const o2 = { ...opts, token: 'other-token' };
  const net = new InMemoryPeerNetwork(clock);
  const s2 = await EtcdServer.start(memberOptions(o2, 'default', net));
  assert.equal(s2.memberId, '8e9e05c52164694d', 'WAL identity wins over flags');
  await run(clock, s2.stop());
  void disks;
  void servers;
});

test('a wall-clock jump does not expire leases', async () => {
  const { clock, opts } = single(6);
  const { servers } = await startInProcessCluster(opts);
  const s = servers.get('default')!;
  await run(clock, s.readyNotify());
  const g = await run(clock, s.leaseGrant(60));
  await run(clock, s.put({ key: enc('lk'), value: enc('x'), lease: g.id }));
  clock.jumpWallClock(3_600_000);
  await settle(clock, 2000);
  assert.equal((await run(clock, s.range({ key: enc('lk') }))).count, 1);
  const ttl = await run(clock, s.leaseTimeToLive({ id: g.id }));
  assert.ok(ttl.ttl > 50 && ttl.ttl <= 60, `ttl ${ttl.ttl}`);
  await run(clock, s.stop());
});

test('a follower that fell behind a compacted log catches up from a snapshot', async () => {
  const { clock, disks, network, logs, opts } = trio(11, { snapshots: true });
  const { servers } = await startInProcessCluster(opts);
  const all = [...servers.values()];
  await run(clock, Promise.all(all.map((s) => s.readyNotify())));
  const lagging = all.find((s) => !s.isLeader)!;
  const writer = all.find((s) => s !== lagging)!;
  const seen: string[] = [];
  lagging.watch({ key: enc('k'), rangeEnd: enc('l') }, (r) => void seen.push(...r.events.map((e) => dec(e.kv.value)))).start();
  network.isolate(lagging.memberId);
  for (let i = 0; i < 80; i++) await run(clock, writer.put({ key: enc(`k${i % 10}`), value: enc(`v${i}`) }));
  network.heal();
  await settle(clock, 3000);
  const local = await run(clock, lagging.range({ key: enc('k'), rangeEnd: enc('l'), serializable: true }));
  assert.equal(local.count, 10);
  assert.equal(dec(local.kvs.find((kv) => dec(kv.key) === 'k9')!.value), 'v79');
  assert.equal(local.header.revision, (await run(clock, writer.range({ key: enc('k0') }))).header.revision);
  const lagName = ['a', 'b', 'c'].find((n) => servers.get(n) === lagging)!;
  assert.ok(logs[lagName]!.some((l) => l.includes('"applied snapshot"')), 'caught up through a snapshot, not the log');
  assert.equal(seen.length, 80, 'a watch on the lagging member survives the snapshot and misses nothing');
  assert.equal(seen.at(-1), 'v79');
  // It restarts from what the snapshot gave it.
  await run(clock, lagging.stop('crash'));
  disks.get(['a', 'b', 'c'].find((n) => servers.get(n) === lagging)!)!.crash();
  const name = ['a', 'b', 'c'].find((n) => servers.get(n) === lagging)!;
  const again = await EtcdServer.start(memberOptions(opts, name, network));
  await settle(clock, 2000);
  const after = await run(clock, again.range({ key: enc('k9'), serializable: true }));
  assert.equal(dec(after.kvs[0]!.value), 'v79');
  for (const s of [...all.filter((s) => s !== lagging), again]) await run(clock, s.stop());
});

test('membership: add a learner, refuse to promote it before it caught up, update peer URLs, remove', async () => {
  const { clock, disks, network, logs, opts } = trio(12);
  const { servers } = await startInProcessCluster(opts);
  const all = [...servers.values()];
  await run(clock, Promise.all(all.map((s) => s.readyNotify())));
  const leader = all.find((s) => s.isLeader)!;
  const added = await run(clock, leader.memberAddRequest(['http://d:2380'], true));
  assert.equal(added.member.isLearner, true);
  assert.equal(added.members.length, 4);
  // Same URLs in the same second: same id (etcd hashes URLs + unix second).
  await assert.rejects(run(clock, leader.memberAddRequest(['http://d:2380'])), /etcdserver: member ID already exist/);
  await settle(clock, 1000);
  await assert.rejects(run(clock, leader.memberAddRequest(['http://d:2380'])), /etcdserver: Peer URLs already exists/);
  await assert.rejects(run(clock, leader.memberPromote(added.member.id)), /can only promote a learner member which is in sync with leader/);
  const b = all.find((s) => s.name === 'b')!;
  const updated = await run(clock, leader.memberUpdate(b.memberId, ['http://b2:2380']));
  assert.deepEqual(updated.find((m) => m.id === b.memberId)!.peerUrls, ['http://b2:2380']);
  const afterRemove = await run(clock, leader.memberRemoveRequest(added.member.id));
  assert.equal(afterRemove.members.length, 3);
  await assert.rejects(run(clock, leader.memberRemoveRequest(added.member.id)), /etcdserver: member not found/);
  for (const s of all) await run(clock, s.stop());
});

test('auto compaction: revision mode keeps the last N revisions, periodic mode compacts what is older than the retention', async () => {
  for (const [policy, expectCompacted] of [
    [{ mode: 'revision', keep: 5 }, 16],
    [{ mode: 'periodic', retentionMs: 3_600_000 }, 21],
  ] as const) {
    const { clock, opts } = single(13);
    const net = new InMemoryPeerNetwork(clock);
    const s = await EtcdServer.start({ ...memberOptions(opts, 'default', net), autoCompaction: policy });
    await run(clock, s.readyNotify());
    for (let i = 0; i < 20; i++) await run(clock, s.put({ key: enc(`c${i}`), value: enc('x') }));
    for (let t = 0; t < 130; t++) {
      clock.advance(60_000);
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(s.store.compactRevision, expectCompacted, policy.mode);
    await run(clock, s.stop());
  }
});

test('snapshot save → restore into a new data dir → a new member with the data (etcdutl snapshot restore)', async () => {
  const { clock, opts } = single(14);
  const { servers } = await startInProcessCluster(opts);
  const s = servers.get('default')!;
  await run(clock, s.readyNotify());
  for (let i = 0; i < 5; i++) await run(clock, s.put({ key: enc(`/app/k${i}`), value: enc(`v${i}`) }));
  const file = s.snapshotBytes();
  assert.equal(file.length % 512, 32, 'db padded to 512 bytes + sha256, as etcdctl checks');
  await run(clock, s.stop());
  const { restoreSnapshot } = await import('./restore.ts');
  const { Logger, nullSink } = await import('../log.ts');
  const corrupt = file.slice();
  corrupt[100] = corrupt[100]! ^ 1;
  assert.throws(() => restoreSnapshot({ ...{ fs: new SimFileSystem(), snapshot: corrupt, dataDir: '/x', name: 'a', initialCluster: 'a=http://a:2380', initialClusterToken: 't', initialAdvertisePeerUrls: ['http://a:2380'], nowMs: 0, log: new Logger(nullSink, clock) } }), /^Error: expected sha256 \[\d+( \d+){31}\], got \[\d+( \d+){31}\]$/);
  const { restored: r, server: again } = await startRestoredMember(file, opts);
  assert.equal(again.memberId, r.memberId);
  await run(clock, again.readyNotify());
  const got = await run(clock, again.range({ key: enc('/app/'), rangeEnd: enc('/app0') }));
  assert.equal(got.count, 5);
  const members = await run(clock, again.memberList());
  assert.deepEqual(members.members.map((m) => m.name), ['restored']);
  await run(clock, again.put({ key: enc('/after'), value: enc('restore') }));
  await run(clock, again.stop());
});

test("raft's configuration lines print member ids in decimal, as etcd does", async () => {
  const { clock, opts } = single(3);
  const lines: string[] = [];
  opts.logSink = () => ({ write: (l: string) => void lines.push(l) });
  const { servers } = await startInProcessCluster(opts);
  const s = servers.get('default')!;
  await run(clock, s.readyNotify());
  const conf = lines.filter((l) => l.includes('switched to configuration'));
  assert.ok(conf.length > 0, 'raft logged its configuration');
  for (const l of conf) assert.ok(l.includes('"msg":"8e9e05c52164694d switched to configuration voters=(10276657743932975437)"'), l);
  await run(clock, s.stop());
});

test('a snapshot lost on its way to a follower is sent again (the leader hears of the loss)', async () => {
  const { clock, disks, network, logs, opts } = trio(13, { snapshots: true });
  const { servers } = await startInProcessCluster(opts);
  const all = [...servers.values()];
  await run(clock, Promise.all(all.map((s) => s.readyNotify())));
  const lagging = all.find((s) => !s.isLeader)!;
  const writer = all.find((s) => s.isLeader)!;
  network.isolate(lagging.memberId);
  for (let i = 0; i < 60; i++) await run(clock, writer.put({ key: enc(`k${i % 10}`), value: enc(`v${i}`) }));
  // The first snapshot for the lagging member is lost on the wire.
  let lost = 0;
  network.lose = (_from, m) => m.type === 'MsgSnap' && lost++ === 0;
  network.heal();
  await settle(clock, 5000);
  assert.equal(lost >= 2, true, 'a second snapshot was sent');
  const local = await run(clock, lagging.range({ key: enc('k'), rangeEnd: enc('l'), serializable: true }));
  assert.equal(local.count, 10);
  assert.equal(dec(local.kvs.find((kv) => dec(kv.key) === 'k9')!.value), 'v59');
  for (const s of all) await run(clock, s.stop());
});

test('a member added after a snapshot and log compaction catches up from a snapshot of the current state', async () => {
  const { clock, disks, network, logs, opts } = trio(14, { snapshots: true });
  const { servers } = await startInProcessCluster(opts);
  const all = [...servers.values()];
  await run(clock, Promise.all(all.map((s) => s.readyNotify())));
  const leader = all.find((s) => s.isLeader)!;
  for (let i = 0; i < 40; i++) await run(clock, leader.put({ key: enc(`k${i % 10}`), value: enc(`v${i}`) }));
  assert.ok(logs[leader.name]!.some((l) => l.includes('"compacted Raft logs"')), 'the log was compacted');
  const added = await run(clock, leader.memberAddRequest(['http://d:2380']));
  // A few writes after the add, so the newest stored snapshot predates the new member.
  for (let i = 40; i < 45; i++) await run(clock, leader.put({ key: enc(`k${i % 10}`), value: enc(`v${i}`) }));
  const withD: InProcessClusterOptions = { ...opts, members: [...opts.members, { name: 'd' }] };
  const d = await EtcdServer.start({
    ...memberOptions(withD, 'd', network),
    initialClusterState: 'existing',
    fetchCluster: async () => ({ clusterId: leader.cluster.clusterId, members: leader.cluster.list() }),
  });
  assert.equal(d.memberId, added.member.id);
  await run(clock, d.readyNotify(), 20_000);
  const local = await run(clock, d.range({ key: enc('k'), rangeEnd: enc('l'), serializable: true }));
  assert.equal(local.count, 10);
  assert.equal(dec(local.kvs.find((kv) => dec(kv.key) === 'k4')!.value), 'v44');
  assert.ok(logs['d']!.some((l) => l.includes('"applied snapshot"')), 'caught up through a snapshot');
  assert.ok(!logs['d']!.some((l) => l.includes('not in the ConfState')));
  assert.deepEqual(d.raftStatus().confState.voters.length, 4);
  for (const s of [...all, d]) await run(clock, s.stop());
});

test('a member removed while it was down is refused by its peers when it comes back, and stops for good', async () => {
  const { clock, disks, network, logs, opts } = trio(15);
  const { servers } = await startInProcessCluster(opts);
  const all = [...servers.values()];
  await run(clock, Promise.all(all.map((s) => s.readyNotify())));
  const leader = all.find((s) => s.isLeader)!;
  const victim = all.find((s) => !s.isLeader)!;
  const survivors = all.filter((s) => s !== victim);
  await run(clock, victim.stop());
  await run(clock, leader.memberRemoveRequest(victim.memberId));
  await run(clock, leader.put({ key: enc('after'), value: enc('removal') }));
  // It comes back with its old data dir: it never applied its own removal.
  logs[victim.name] = [];
  const back = await EtcdServer.start(memberOptions(opts, victim.name, network));
  let reason = '';
  back.onStopped((r) => (reason = r));
  for (let t = 0; t < 10_000 && !back.isStopped; t += 10) await settle(clock, 10);
  assert.equal(back.isStopped, true, 'the removed member stopped');
  assert.equal(reason, 'removed');
  const lines = logs[victim.name]!.map((l) => JSON.parse(l) as Record<string, unknown>);
  const err = lines.find((l) => l['msg'] === 'server error');
  assert.equal(err?.['error'], 'the member has been permanently removed from the cluster');
  assert.ok(lines.some((l) => l['msg'] === 'data-dir used by this member must be removed'));
  assert.ok(survivors.some((s) => logs[s.name]!.some((l) => l.includes('rejected stream from remote peer because it was removed'))));
  // The others carry on as a two-member cluster.
  assert.equal((await run(clock, survivors[0]!.memberList())).members.length, 2);
  assert.equal((await run(clock, survivors[1]!.put({ key: enc('k'), value: enc('v') }))).header.revision > 0, true);
  for (const s of survivors) await run(clock, s.stop());
});
