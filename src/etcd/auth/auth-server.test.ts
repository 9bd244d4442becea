// The auth store inside a running member: changes go through raft to every member, survive
// restarts (WAL, raft snapshots), reach a follower by snapshot, and travel in
// `snapshot save` files through `snapshot restore`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock } from '../../platform/sim-clock.ts';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import { SeededRandom } from '../../platform/random.ts';
import { startInProcessCluster, startRestoredMember, type InProcessClusterOptions } from '../server/in-process-cluster.ts';
import { EtcdServer } from '../server/etcd-server.ts';
import { InMemoryPeerNetwork } from '../transport/peer-transport.ts';
import { decodeDbFile, verifySnapshotFile } from '../server/backup.ts';
import { attachCredentials } from './credentials.ts';
import { PERM_READWRITE } from './authpb.ts';

const enc = (s: string) => new TextEncoder().encode(s);

const run = <T>(clock: SimClock, p: Promise<T>, maxMs?: number): Promise<T> => clock.runUntil(p, maxMs);

async function rejection(clock: SimClock, p: Promise<unknown>): Promise<string> {
  try {
    await run(clock, p);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

function withToken(token: string): AbortSignal {
  const signal = new AbortController().signal;
  attachCredentials(signal, { token });
  return signal;
}

function options(members: string[], seed: number, extra: Partial<InProcessClusterOptions> = {}) {
  const clock = new SimClock();
  const disks = new Map<string, SimFileSystem>();
  const opts: InProcessClusterOptions = {
    members: members.map((name) => ({ name })),
    clock,
    random: new SeededRandom(seed),
    fsFor: (n) => disks.get(n) ?? (disks.set(n, new SimFileSystem()), disks.get(n)!),
    ...extra,
  };
  return { clock, disks, opts };
}

async function setUpRoot(clock: SimClock, s: EtcdServer): Promise<void> {
  await run(clock, s.auth.userAdd('root', 'rootpw', false));
  await run(clock, s.auth.roleAdd('root'));
  await run(clock, s.auth.userGrantRole('root', 'root'));
}

test('users, roles and auth enable through raft; a token from Authenticate names the caller', async () => {
  const { clock, opts } = options(['default'], 31);
  const { servers } = await startInProcessCluster(opts);
  const s = servers.get('default')!;
  await run(clock, s.readyNotify());
  assert.equal(await rejection(clock, s.auth.authEnable()), 'etcdserver: root user does not exist');
  await setUpRoot(clock, s);
  await run(clock, s.auth.userAdd('alice', 'alicepw', false));
  await run(clock, s.auth.roleAdd('app'));
  await run(clock, s.auth.roleGrantPermission('app', { permType: PERM_READWRITE, key: enc('/app/'), rangeEnd: enc('/app0') }));
  await run(clock, s.auth.userGrantRole('alice', 'app'));
  // Keys decoded from the wire may be Buffers: they must reach the log as bytes.
  await run(clock, s.auth.roleGrantPermission('app', { permType: PERM_READWRITE, key: Buffer.from('/b/'), rangeEnd: Buffer.from('/b0') }));
  assert.deepEqual((await run(clock, s.auth.roleGet('app'))).perm.map((p) => Buffer.from(p.key).toString()), ['/app/', '/b/']);
  assert.deepEqual((await run(clock, s.auth.authStatus())).enabled, false);
  await run(clock, s.auth.authEnable());
  const status = await run(clock, s.auth.authStatus());
  assert.deepEqual({ enabled: status.enabled, rev: status.authRevision }, { enabled: true, rev: 9 });
  assert.equal(await rejection(clock, s.auth.userList()), 'etcdserver: user name is empty', 'no credentials once enabled');
  assert.equal(await rejection(clock, s.auth.authenticate('root', 'wrong')), 'etcdserver: authentication failed, invalid user ID or password');
  const { token } = await run(clock, s.auth.authenticate('root', 'rootpw'));
  assert.match(token, /^[a-zA-Z]{16}\.\d+$/);
  assert.deepEqual((await run(clock, s.auth.userList(withToken(token)))).users, ['alice', 'root']);
  const alice = (await run(clock, s.auth.authenticate('alice', 'alicepw'))).token;
  assert.equal(await rejection(clock, s.auth.userList(withToken(alice))), 'etcdserver: permission denied');
  assert.deepEqual((await run(clock, s.auth.userGet('alice', withToken(alice)))).roles, ['app']);
  assert.equal(await rejection(clock, s.auth.userList(withToken('nosuchtokenxxxxx.9'))), 'etcdserver: invalid auth token');
  await run(clock, s.stop());
});

test('auth state survives a restart from raft snapshot + WAL and reaches a lagging follower by snapshot', async () => {
  const { clock, opts, disks } = options(['a', 'b', 'c'], 32, { snapshotCount: 10, snapshotCatchUpEntries: 3 });
  opts.network = new InMemoryPeerNetwork(opts.clock, 2);
  let { servers } = await startInProcessCluster(opts);
  for (const s of servers.values()) await run(clock, s.readyNotify());
  const leaderOf = () => [...servers.values()].find((s) => s.isLeader)!;
  await run(clock, leaderOf().auth.userAdd('root', 'pw', false));
  await run(clock, leaderOf().auth.userGrantRole('root', 'root'));
  for (let i = 0; i < 30; i++) await run(clock, leaderOf().put({ key: enc(`k${i}`), value: enc('v') }));
  await run(clock, leaderOf().auth.roleAdd('late'));
  for (const s of servers.values()) {
    await run(clock, s.linearizableReadNotify());
    assert.deepEqual(s.authStore.state().users.map((u) => [u.name, u.roles]), [['root', ['root']]], s.name);
    assert.deepEqual(s.authStore.state().roles.map((r) => r.name), ['late'], s.name);
  }
  for (const s of servers.values()) await run(clock, s.stop('crash'));
  for (const d of disks.values()) d.crash();
  ({ servers } = await startInProcessCluster(opts));
  for (const s of servers.values()) await run(clock, s.readyNotify());
  for (const s of servers.values()) {
    await run(clock, s.linearizableReadNotify());
    assert.equal(s.authStore.revision, 4, s.name);
    assert.ok(s.authStore.user('root'), s.name);
  }
  for (const s of servers.values()) await run(clock, s.stop());
});

test('snapshot save → restore keeps users, roles, the enabled flag and the revision', async () => {
  const { clock, opts } = options(['default'], 33);
  const { servers } = await startInProcessCluster(opts);
  const s = servers.get('default')!;
  await run(clock, s.readyNotify());
  await setUpRoot(clock, s);
  await run(clock, s.auth.roleAdd('reader'));
  await run(clock, s.auth.roleGrantPermission('reader', { permType: 0, key: enc('/r/'), rangeEnd: enc('/r0') }));
  await run(clock, s.auth.authEnable());
  const file = s.snapshotBytes();
  const db = decodeDbFile(verifySnapshotFile(file));
  assert.deepEqual({ enabled: db.auth?.enabled, revision: db.auth?.revision, users: db.auth?.users.map((u) => u.name), roles: db.auth?.roles.map((r) => r.name) }, { enabled: true, revision: 6, users: ['root'], roles: ['reader', 'root'] });
  await run(clock, s.stop());
  const { server: again } = await startRestoredMember(file, opts);
  await run(clock, again.readyNotify());
  assert.equal(again.authStore.isEnabled, true);
  assert.equal(again.authStore.revision, 6);
  const { token } = await run(clock, again.auth.authenticate('root', 'rootpw'));
  const role = await run(clock, again.auth.roleGet('reader', withToken(token)));
  assert.deepEqual(role.perm.map((p) => Buffer.from(p.key).toString()), ['/r/']);
  await run(clock, again.stop());
});

test('with auth on: writes, reads and leases are checked; an expired lease is still revoked by the leader', async () => {
  const { clock, opts } = options(['default'], 34);
  const { servers } = await startInProcessCluster(opts);
  const s = servers.get('default')!;
  await run(clock, s.readyNotify());
  await setUpRoot(clock, s);
  await run(clock, s.auth.userAdd('alice', 'alicepw', false));
  await run(clock, s.auth.roleAdd('app'));
  await run(clock, s.auth.roleGrantPermission('app', { permType: PERM_READWRITE, key: enc('/app/'), rangeEnd: enc('/app0') }));
  await run(clock, s.auth.userGrantRole('alice', 'app'));
  await run(clock, s.auth.authEnable());
  const root = withToken((await run(clock, s.auth.authenticate('root', 'rootpw'))).token);
  const alice = withToken((await run(clock, s.auth.authenticate('alice', 'alicepw'))).token);
  assert.equal(await rejection(clock, s.put({ key: enc('/app/a'), value: enc('1') })), 'etcdserver: user name is empty');
  await run(clock, s.put({ key: enc('/app/a'), value: enc('1') }, alice));
  assert.equal(await rejection(clock, s.put({ key: enc('/other'), value: enc('1') }, alice)), 'etcdserver: permission denied');
  assert.equal(await rejection(clock, s.range({ key: enc('/other') }, alice)), 'etcdserver: permission denied');
  assert.equal((await run(clock, s.range({ key: enc('/app/'), rangeEnd: enc('/app0') }, alice))).count, 1);
  assert.equal(await rejection(clock, s.txn({ compare: [{ result: 'EQUAL', target: 'VALUE', key: enc('/other'), value: enc('x') }], success: [] }, alice)), 'etcdserver: permission denied');
  const lease = await run(clock, s.leaseGrant(5, '', root));
  await run(clock, s.put({ key: enc('/other'), value: enc('leased'), lease: lease.id }, root));
  assert.equal(await rejection(clock, s.leaseKeepAlive(lease.id, alice)), 'etcdserver: permission denied');
  assert.equal(await rejection(clock, s.leaseLeases(alice)), 'etcdserver: permission denied');
  assert.equal(await rejection(clock, s.leaseRevoke(lease.id, alice)), 'etcdserver: permission denied');
  assert.equal(await rejection(clock, s.put({ key: enc('/app/b'), value: enc('2'), lease: lease.id }, alice)), 'etcdserver: permission denied', 'a lease on keys she may not write');
  assert.equal((await run(clock, s.leaseLeases(root))).leases.length, 1);
  // The leader revokes the expired lease as the member itself (etcd's WithRoot).
  for (let i = 0; i < 20 && (await run(clock, s.range({ key: enc('/other') }, root))).count > 0; i++) await run(clock, new Promise((r) => clock.after(1000, () => r(undefined))));
  assert.equal((await run(clock, s.range({ key: enc('/other') }, root))).count, 0);
  assert.equal((await s.health()).health, true, '/health counts "user name is empty" as healthy');
  await run(clock, s.stop());
});

test('a token made on the leader works at once on a follower that has not applied it yet', async () => {
  const { clock, opts } = options(['a', 'b', 'c'], 35);
  opts.network = new InMemoryPeerNetwork(opts.clock, 2);
  const { servers } = await startInProcessCluster(opts);
  for (const s of servers.values()) await run(clock, s.readyNotify());
  const leader = [...servers.values()].find((s) => s.isLeader)!;
  await setUpRoot(clock, leader);
  await run(clock, leader.auth.authEnable());
  const { token } = await run(clock, leader.auth.authenticate('root', 'rootpw'));
  const index = Number(token.split('.')[1]);
  const follower = [...servers.values()].find((s) => !s.isLeader && s.applied < index);
  assert.ok(follower, `a follower behind index ${index}`);
  const put = await run(clock, follower.put({ key: enc('k'), value: enc('v') }, withToken(token)));
  assert.ok(put.header.revision > 1);
  for (const s of servers.values()) await run(clock, s.stop());
});
