// Users, roles and the auth switch survive backups across implementations: a snapshot of the
// REAL etcd 3.4 with auth enabled is restored by our etcdutl and our etcd enforces the same
// users and permissions; a snapshot of ours is restored by the real etcdctl and the real etcd
// knows our users (their bcrypt hashes included) and roles.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realClock } from '../../src/platform/clock.ts';
import { NodeFileSystem } from '../../src/platform/node-fs.ts';
import { CollectingOutput } from '../../src/platform/streams.ts';
import { runEtcdutl } from '../../src/etcdctl/etcdutl.ts';
import { freePort, missingRealTools, realEtcdctl, REAL_ETCD, REAL_ETCDCTL, startOurEtcd, singleMemberArgs, startRealEtcd, stopRealEtcd, type OurEtcd, type ToolOutput } from './support.ts';

const missing = missingRealTools([REAL_ETCD, REAL_ETCDCTL]);
const skip = missing.length ? `${missing.join(', ')} not installed` : false;

const ctl = (port: number, ...args: string[]) => realEtcdctl([`--endpoints=127.0.0.1:${port}`, ...args]);
const errorOf = (o: ToolOutput) => o.stderr.split('\n').find((l) => l.startsWith('Error: ')) ?? '';

const stops: (() => Promise<unknown>)[] = [];

/** Up and serving: with auth on, etcdctl 3.4's health probe needs a user. */
async function startReal(dataDir: string, authOn = false): Promise<number> {
  const [client, peer] = [await freePort(), await freePort()];
  const p = await startRealEtcd(singleMemberArgs(dataDir, client, peer), { healthEndpoint: `127.0.0.1:${client}`, healthArgs: authOn ? ['--user=root:rootpw'] : [] });
  stops.push(() => stopRealEtcd(p));
  return client;
}

async function startOurs(dataDir: string): Promise<number> {
  const [client, peer] = [await freePort(), await freePort()];
  const ours: OurEtcd = await startOurEtcd(singleMemberArgs(dataDir, client, peer), path.dirname(dataDir));
  stops.push(() => ours.stop());
  return client;
}

/** root (root role), alice (app: readwrite /app/ prefix), auth on, one key of each. */
async function setUp(port: number): Promise<void> {
  for (const args of [
    ['user', 'add', 'root', '--new-user-password=rootpw'],
    ['user', 'add', 'alice', '--new-user-password=alicepw'],
    ['role', 'add', 'app'],
    ['role', 'grant-permission', 'app', 'readwrite', '/app/', '--prefix'],
    ['user', 'grant-role', 'alice', 'app'],
    ['auth', 'enable'],
    ['--user=root:rootpw', 'put', '/app/a', '1'],
    ['--user=root:rootpw', 'put', '/secret', 's'],
  ]) {
    const o = await ctl(port, ...args);
    assert.equal(o.status, 0, `${args.join(' ')}: ${o.stderr}`);
  }
}

/** What the restored member must do: the same users, passwords, roles and enforcement. */
async function assertAuthWorks(port: number): Promise<void> {
  assert.equal(errorOf(await ctl(port, 'get', '/app/a')), 'Error: etcdserver: user name is empty', 'auth is still on');
  assert.equal((await ctl(port, '--user=alice:alicepw', 'get', '/app/a', '--print-value-only')).stdout, '1\n');
  assert.equal(errorOf(await ctl(port, '--user=alice:alicepw', 'get', '/secret')), 'Error: etcdserver: permission denied');
  assert.equal(errorOf(await ctl(port, '--user=alice:wrong', 'get', '/app/a')), 'Error: etcdserver: authentication failed, invalid user ID or password');
  assert.equal((await ctl(port, '--user=root:rootpw', 'get', '/secret', '--print-value-only')).stdout, 's\n');
  assert.equal((await ctl(port, '--user=root:rootpw', 'user', 'list')).stdout, 'alice\nroot\n');
  assert.equal((await ctl(port, '--user=root:rootpw', 'role', 'get', 'app')).stdout, 'Role app\nKV Read:\n\t[/app/, /app0) (prefix /app/)\nKV Write:\n\t[/app/, /app0) (prefix /app/)\n');
}

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-snapshot-'));
});
after(async () => {
  for (const s of stops.reverse()) await s();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a real etcd 3.4 snapshot with users, roles and auth on: our etcdutl restores it and our etcd enforces it', { skip, timeout: 120_000 }, async () => {
  const port = await startReal(path.join(dir, 'real.etcd'));
  await setUp(port);
  const file = path.join(dir, 'real-with-users.db');
  assert.equal((await ctl(port, '--user=root:rootpw', 'snapshot', 'save', file)).status, 0);
  const stdout = new CollectingOutput();
  const stderr = new CollectingOutput();
  const status = await runEtcdutl({
    argv: ['snapshot', 'restore', file, '--data-dir', path.join(dir, 'ours-restored.etcd'), '--initial-cluster', 'default=http://localhost:2380'],
    stdout,
    stderr,
    fs: new NodeFileSystem(),
    cwd: dir,
    clock: realClock,
  });
  assert.equal(status, 0, stderr.text());
  await assertAuthWorks(await startOurs(path.join(dir, 'ours-restored.etcd')));
});

test('a snapshot of ours with users and auth on: the real etcdctl restores it and the real etcd enforces it', { skip, timeout: 120_000 }, async () => {
  const port = await startOurs(path.join(dir, 'ours.etcd'));
  await setUp(port);
  const file = path.join(dir, 'ours-with-users.db');
  assert.equal((await ctl(port, '--user=root:rootpw', 'snapshot', 'save', file)).status, 0);
  const restored = path.join(dir, 'real-restored.etcd');
  const rr = await realEtcdctl(['snapshot', 'restore', file, `--data-dir=${restored}`]);
  assert.equal(rr.status, 0, rr.stderr);
  await assertAuthWorks(await startReal(restored, true));
});
