// `etcdutl snapshot restore --wal-dir X` then `etcd --wal-dir X` on the same data dir: the
// restored member restarts from the WAL in X and serves the restored keys, on the virtual
// disk and on the real one (node:fs, as src/cli/etcd.ts runs). Started without --wal-dir,
// etcd finds no WAL and starts a new member on the restored db, as the real etcd does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FileSystem } from '../platform/filesystem.ts';
import { SimFileSystem } from '../platform/sim-fs.ts';
import { NodeFileSystem } from '../platform/node-fs.ts';
import { SimClock } from '../platform/sim-clock.ts';
import { CollectingOutput } from '../platform/streams.ts';
import { MvccStore } from '../etcd/mvcc/index.ts';
import { encodeSnapshotFile } from '../etcd/server/backup.ts';
import type { EtcdServer } from '../etcd/server/etcd-server.ts';
import { runTestEtcd, singleMemberArgs, testPorts, type TestPorts } from '../etcd/cli/test-etcd-process.ts';
import { runEtcdutl } from './etcdutl.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A snapshot file holding /app/a=1, /app/b=2 (and an overwritten /app/a). */
function snapshotFile(): Uint8Array {
  const st = new MvccStore();
  st.put({ key: enc('/app/a'), value: enc('0') });
  st.put({ key: enc('/app/a'), value: enc('1') });
  st.put({ key: enc('/app/b'), value: enc('2') });
  return encodeSnapshotFile(st.snapshot(), { members: [{ id: '8e9e05c52164694d', name: 'default', peerUrls: ['http://localhost:2380'], clientUrls: [] }], serverVersion: '3.6.4', term: 2 });
}

async function restore(fs: FileSystem, ports: TestPorts, snap: string, dataDir: string, walDir: string): Promise<void> {
  const stdout = new CollectingOutput();
  const stderr = new CollectingOutput();
  const peer = `http://127.0.0.1:${ports.peer}`;
  const argv = ['snapshot', 'restore', snap, '--data-dir', dataDir, '--wal-dir', walDir, '--name', 'default', '--initial-cluster', `default=${peer}`, '--initial-advertise-peer-urls', peer];
  const code = await runEtcdutl({ argv, stdout, stderr, fs, cwd: '/', clock: new SimClock(Date.UTC(2025, 10, 21, 12, 0, 0)) });
  assert.equal(code, 0, stderr.text());
  assert.match(stderr.text(), new RegExp(`restored snapshot\\t\\{"path": "${snap}", "wal-dir": "${walDir}", "data-dir": "${dataDir}"`));
}

async function keys(s: EtcdServer): Promise<string[]> {
  const r = await s.range({ key: enc('/app/'), rangeEnd: enc('/app0') });
  return r.kvs.map((kv) => `${dec(kv.key)}=${dec(kv.value)}`);
}

const msgs = (recs: Record<string, unknown>[]) => recs.map((r) => r['msg']);

/** restore --wal-dir, start with --wal-dir, write, restart: the restored member all along. */
async function restoreThenServe(fs: FileSystem, root: string): Promise<void> {
  const ports = await testPorts();
  const dataDir = `${root}/var/lib/etcd-restored`;
  const walDir = `${root}/var/lib/etcd-wal`;
  fs.mkdir(`${root}/root`, { recursive: true });
  fs.writeFile(`${root}/root/backup.db`, snapshotFile());
  await restore(fs, ports, `${root}/root/backup.db`, dataDir, walDir);
  assert.deepEqual(fs.readdir(`${dataDir}/member`), ['snap']);

  const args = [...singleMemberArgs(ports), '--data-dir', dataDir, '--wal-dir', walDir];
  const first = runTestEtcd({ fs, args });
  const s = await first.ready;
  assert.deepEqual(await keys(s), ['/app/a=1', '/app/b=2']);
  await s.put({ key: enc('/app/c'), value: enc('3') });
  await first.stop();
  const recs = first.records();
  assert.ok(msgs(recs).includes('restarting local member'), 'the restored member, not a new one');
  assert.ok(!msgs(recs).includes('starting local member'));
  const start = recs.find((r) => r['msg'] === 'starting an etcd server')!;
  assert.deepEqual([start['member-initialized'], start['wal-dir'], start['wal-dir-dedicated']], [true, walDir, walDir]);

  const again = runTestEtcd({ fs, args });
  assert.deepEqual(await keys(await again.ready), ['/app/a=1', '/app/b=2', '/app/c=3']);
  await again.stop();
  assert.deepEqual(fs.readdir(`${dataDir}/member`), ['snap'], 'nothing in member/wal');
  assert.deepEqual(fs.readdir(walDir).filter((n) => n.endsWith('.wal')), ['0000000000000000-0000000000000000.wal']);
}

test('restore --wal-dir then etcd --wal-dir serves the restored keys (virtual disk)', async () => {
  await restoreThenServe(new SimFileSystem(), '');
});

test('restore --wal-dir then etcd --wal-dir serves the restored keys (real disk, node:fs)', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'etcd-wal-dir-'));
  try {
    await restoreThenServe(new NodeFileSystem(), root);
    assert.deepEqual(readdirSync(path.join(root, 'var/lib/etcd-wal')), ['0000000000000000-0000000000000000.wal']);
    assert.equal(existsSync(path.join(root, 'var/lib/etcd-restored/member/wal')), false);
    assert.equal(existsSync(path.join(root, 'var/lib/etcd-wal.tmp')), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('restore --wal-dir, then etcd without it: a new member on the restored db, the restored WAL untouched', async () => {
  const fs = new SimFileSystem();
  const ports = await testPorts();
  fs.mkdir('/root', { recursive: true });
  fs.writeFile('/root/backup.db', snapshotFile());
  await restore(fs, ports, '/root/backup.db', '/var/lib/etcd-restored', '/var/lib/etcd-wal');
  const restoredWal = fs.readFile('/var/lib/etcd-wal/0000000000000000-0000000000000000.wal');
  const run = runTestEtcd({ fs, args: [...singleMemberArgs(ports), '--data-dir', '/var/lib/etcd-restored'] });
  const s = await run.ready;
  // What etcd 3.4 did on loopback: "starting local member", the restored keys served from the db.
  assert.deepEqual(await keys(s), ['/app/a=1', '/app/b=2']);
  await s.put({ key: enc('/app/c'), value: enc('3') });
  assert.deepEqual(await keys(s), ['/app/a=1', '/app/b=2', '/app/c=3']);
  await run.stop();
  assert.ok(msgs(run.records()).includes('starting local member'));
  assert.deepEqual(fs.readdir('/var/lib/etcd-restored/member/wal'), ['0000000000000000-0000000000000000.wal']);
  assert.deepEqual(fs.readFile('/var/lib/etcd-wal/0000000000000000-0000000000000000.wal'), restoredWal);
});

test('restore into a --wal-dir that exists: refused, named as typed (etcdutl 3.4 printed: Error: wal-dir "rw3" exists)', async () => {
  const fs = new SimFileSystem();
  fs.mkdir('/root/w', { recursive: true });
  fs.writeFile('/root/backup.db', snapshotFile());
  const stdout = new CollectingOutput();
  const stderr = new CollectingOutput();
  const code = await runEtcdutl({ argv: ['snapshot', 'restore', 'backup.db', '--data-dir', 'd', '--wal-dir', 'w'], stdout, stderr, fs, cwd: '/root' });
  assert.deepEqual([code, stdout.text(), stderr.text()], [1, '', 'Error: wal-dir "w" exists\n']);
  assert.equal(fs.exists('/root/d'), false);
});
