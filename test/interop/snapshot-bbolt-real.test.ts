// Backups across real and ours: `etcdctl snapshot save` (the real 3.4 client) against our etcd
// gives a bbolt file the real etcdctl reads (same hash, revision) and restores, and a real
// etcd serves; a snapshot of the real etcd 3.4 is read by our etcdutl with the hash its own
// tool prints, restored by our etcdutl, and our etcd serves the keys from it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realClock } from '../../src/platform/clock.ts';
import { NodeFileSystem } from '../../src/platform/node-fs.ts';
import { CollectingOutput } from '../../src/platform/streams.ts';
import { runEtcdutl } from '../../src/etcdctl/etcdutl.ts';
import { freePort, missingRealTools, realEtcdctl, REAL_ETCD, REAL_ETCDCTL, startOurEtcd, singleMemberArgs, startRealEtcd, stopRealEtcd, untilHealthy, type ToolOutput } from './support.ts';

const missing = missingRealTools([REAL_ETCD, REAL_ETCDCTL]);
const skip = missing.length ? `${missing.join(', ')} not installed` : false;

const ctl = (port: number, ...args: string[]) => realEtcdctl([`--endpoints=127.0.0.1:${port}`, ...args]);

const stops: (() => Promise<unknown>)[] = [];

async function startOurs(dataDir: string): Promise<number> {
  const client = await freePort();
  const peer = await freePort();
  const ours = await startOurEtcd(singleMemberArgs(dataDir, client, peer), path.dirname(dataDir));
  stops.push(() => ours.stop());
  // Serving client traffic is not yet having a leader: wait until the real etcdctl finds it healthy.
  if (!(await untilHealthy(`127.0.0.1:${client}`))) throw new Error(`etcd on ${client} never became healthy`);
  return client;
}

async function startReal(dataDir: string): Promise<number> {
  const client = await freePort();
  const peer = await freePort();
  const p = await startRealEtcd(singleMemberArgs(dataDir, client, peer), { healthEndpoint: `127.0.0.1:${client}` });
  stops.push(() => stopRealEtcd(p));
  return client;
}

async function ourEtcdutl(cwd: string, ...argv: string[]): Promise<ToolOutput> {
  const stdout = new CollectingOutput();
  const stderr = new CollectingOutput();
  const status = await runEtcdutl({ argv, stdout, stderr, fs: new NodeFileSystem(), cwd, clock: realClock });
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

async function fill(port: number): Promise<void> {
  for (const [k, v] of [['foo', 'bar'], ['foo', 'baz'], ['/app/a', '1'], ['/app/b', '2'], ['/gone', 'x']]) assert.equal((await ctl(port, 'put', k!, v!)).status, 0);
  assert.equal((await ctl(port, 'del', '/gone')).status, 0);
  for (let i = 0; i < 300; i++) await ctl(port, 'put', `/bulk/${i}`, 'v'.repeat(i));
}

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-interop-'));
});
after(async () => {
  for (const s of stops.reverse()) await s();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the real etcdctl saves a snapshot from our etcd, reads it as we do, restores it, and a real etcd serves it', { skip, timeout: 120_000 }, async () => {
  const port = await startOurs(path.join(dir, 'ours.etcd'));
  await fill(port);
  const file = path.join(dir, 'from-ours.db');
  const saved = await ctl(port, 'snapshot', 'save', file);
  assert.equal(saved.status, 0, saved.stderr);
  const real = await realEtcdctl(['snapshot', 'status', file, '-w', 'json']);
  assert.equal(real.status, 0, real.stderr);
  const r = JSON.parse(real.stdout) as { hash: number; revision: number; totalKey: number; totalSize: number };
  const mine = await ourEtcdutl(dir, 'snapshot', 'status', 'from-ours.db', '-w', 'json');
  assert.equal(mine.status, 0, mine.stderr);
  const m = JSON.parse(mine.stdout) as { hash: number; revision: number; totalKey: number; totalSize: number; version: string };
  assert.deepEqual([m.hash, m.revision, m.totalSize], [r.hash, r.revision, r.totalSize]);
  assert.equal(m.revision, 307);
  // 3.6 counts live keys; 3.4 counted every bucket entry.
  assert.equal(m.totalKey, 303);
  assert.equal(m.version, '3.6.0');
  const sizes = { ours: fs.statSync(file).size };

  const restored = path.join(dir, 'real-restored.etcd');
  const rr = await realEtcdctl(['snapshot', 'restore', file, `--data-dir=${restored}`]);
  assert.equal(rr.status, 0, rr.stderr);
  const realPort = await startReal(restored);
  assert.equal((await ctl(realPort, 'get', 'foo', '--print-value-only')).stdout, 'baz\n');
  assert.equal((await ctl(realPort, 'get', '/app/', '--prefix', '--keys-only')).stdout, '/app/a\n\n/app/b\n\n');
  assert.equal((await ctl(realPort, 'get', '/gone')).stdout, '');
  // The same keys snapshotted by the real etcd, for the size comparison in the report.
  const realFile = path.join(dir, 'from-real-same-keys.db');
  assert.equal((await ctl(realPort, 'snapshot', 'save', realFile)).status, 0);
  console.log(`# snapshot sizes for the same keys: ours ${sizes.ours} bytes, real etcd 3.4 ${fs.statSync(realFile).size} bytes`);
});

test('our etcdutl reads and restores a real etcd 3.4 snapshot, and our etcd serves the keys', { skip, timeout: 120_000 }, async () => {
  const port = await startReal(path.join(dir, 'real.etcd'));
  await fill(port);
  const file = path.join(dir, 'from-real.db');
  assert.equal((await ctl(port, 'snapshot', 'save', file)).status, 0);
  const real = JSON.parse((await realEtcdctl(['snapshot', 'status', file, '-w', 'json'])).stdout) as { hash: number; revision: number; totalSize: number };
  const mine = await ourEtcdutl(dir, 'snapshot', 'status', 'from-real.db', '-w', 'json');
  assert.equal(mine.status, 0, mine.stderr);
  const m = JSON.parse(mine.stdout) as { hash: number; revision: number; totalKey: number; totalSize: number; version: string };
  assert.deepEqual([m.hash, m.revision, m.totalSize, m.totalKey, m.version], [real.hash, real.revision, real.totalSize, 303, '']);

  const rest = await ourEtcdutl(dir, 'snapshot', 'restore', 'from-real.db', '--data-dir', 'ours-restored.etcd', '--initial-cluster', 'default=http://localhost:2380');
  assert.equal(rest.status, 0, rest.stderr);
  assert.match(rest.stderr, /\trestored snapshot\t/);
  const ourPort = await startOurs(path.join(dir, 'ours-restored.etcd'));
  assert.equal((await ctl(ourPort, 'get', 'foo', '--print-value-only')).stdout, 'baz\n');
  assert.equal((await ctl(ourPort, 'get', '/bulk/299', '--print-value-only')).stdout, 'v'.repeat(299) + '\n');
  const st = await ctl(ourPort, 'endpoint', 'status', '-w', 'json');
  assert.match(st.stdout, /"revision":307/);

  // A damaged copy: the real tool's words from ours.
  const bad = fs.readFileSync(file);
  bad[bad.length - 40] = bad[bad.length - 40]! ^ 0xff;
  fs.writeFileSync(path.join(dir, 'bad.db'), bad);
  const refused = await ourEtcdutl(dir, 'snapshot', 'restore', 'bad.db', '--data-dir', 'never.etcd');
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /Error: expected sha256 \[/);
});
