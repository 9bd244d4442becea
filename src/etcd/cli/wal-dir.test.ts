// etcd --wal-dir (ETCD_WAL_DIR): the WAL lives in the dedicated dir, is read back from it,
// and the cases etcd meets when it is moved, unwritable or in the way, as etcd 3.6 (and the
// real etcd 3.4 run on loopback) behave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FsError, type FileSystem } from '../../platform/filesystem.ts';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import type { EtcdServer } from '../server/etcd-server.ts';
import { runTestEtcd, singleMemberArgs, testPorts } from './test-etcd-process.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function put(s: EtcdServer, key: string, value: string): Promise<void> {
  await s.put({ key: enc(key), value: enc(value) });
}

async function get(s: EtcdServer, key: string): Promise<string | undefined> {
  const r = await s.range({ key: enc(key) });
  return r.kvs[0] ? dec(r.kvs[0].value) : undefined;
}

const walFiles = (fs: FileSystem, dir: string) => fs.readdir(dir).filter((n) => n.endsWith('.wal'));
const startLine = (recs: Record<string, unknown>[]) => recs.find((r) => r['msg'] === 'starting an etcd server')!;
const msgs = (recs: Record<string, unknown>[]) => recs.map((r) => r['msg']);

test('--wal-dir: the WAL is made, written and read back there (flag or ETCD_WAL_DIR); member/wal never appears', async () => {
  const fs = new SimFileSystem();
  // /var/lib as an installed system has it: already on disk before etcd runs.
  fs.mkdir('/var/lib', { recursive: true });
  fs.fsync('/');
  fs.fsync('/var');
  const ports = await testPorts();
  const base = [...singleMemberArgs(ports), '--data-dir', '/var/lib/etcd'];

  const first = runTestEtcd({ fs, args: [...base, '--wal-dir', '/var/lib/etcd-wal'] });
  const s1 = await first.ready;
  await put(s1, '/app/a', '1');
  await put(s1, '/app/b', '2');
  const memberId = s1.memberId;
  assert.equal(await first.stop(), 143);
  const line1 = startLine(first.records());
  assert.equal(line1['wal-dir'], '/var/lib/etcd-wal');
  assert.equal(line1['wal-dir-dedicated'], '/var/lib/etcd-wal');
  assert.equal(line1['member-dir'], '/var/lib/etcd/member');
  assert.equal(line1['member-initialized'], false);
  assert.ok(msgs(first.records()).includes('starting local member'));
  assert.deepEqual(walFiles(fs, '/var/lib/etcd-wal'), ['0000000000000000-0000000000000000.wal']);
  assert.deepEqual(fs.readdir('/var/lib/etcd/member'), ['snap'], 'no member/wal beside the db');
  assert.equal(fs.exists('/var/lib/etcd-wal.tmp'), false, 'the tmp dir of the atomic create is gone');

  // Restart with ETCD_WAL_DIR instead of the flag: the same member, its keys back.
  const second = runTestEtcd({ fs, args: base, env: { ETCD_WAL_DIR: '/var/lib/etcd-wal' } });
  const s2 = await second.ready;
  assert.equal(s2.memberId, memberId);
  assert.equal(await get(s2, '/app/a'), '1');
  assert.equal(await get(s2, '/app/b'), '2');
  await put(s2, '/app/c', '3');
  // kill -9 and a power cut: only what was fsynced in the dedicated dir survives.
  assert.equal(await second.stop('SIGKILL'), 137);
  const line2 = startLine(second.records());
  assert.equal(line2['member-initialized'], true);
  assert.equal(line2['wal-dir'], '/var/lib/etcd-wal');
  assert.equal(line2['initial-cluster'], '', 'a member with a WAL does not read --initial-cluster');
  assert.ok(msgs(second.records()).includes('restarting local member'));
  assert.ok(!msgs(second.records()).includes('starting local member'));
  fs.crash();

  const third = runTestEtcd({ fs, args: [...base, '--wal-dir', '/var/lib/etcd-wal'] });
  const s3 = await third.ready;
  assert.equal(s3.memberId, memberId);
  assert.deepEqual([await get(s3, '/app/a'), await get(s3, '/app/c')], ['1', '3']);
  await third.stop();
  assert.equal(fs.exists('/var/lib/etcd/member/wal'), false);
});

test('a relative --wal-dir is the working directory\'s and logged as typed; inside the data dir etcd names it', async () => {
  const fs = new SimFileSystem();
  fs.mkdir('/work', { recursive: true });
  const ports = await testPorts();
  const args = [...singleMemberArgs(ports), '--data-dir', 'd', '--wal-dir', 'd/wal'];
  const first = runTestEtcd({ fs, args, cwd: '/work' });
  await put(await first.ready, 'k', 'v');
  await first.stop();
  assert.equal(startLine(first.records())['wal-dir'], 'd/wal');
  assert.deepEqual(fs.readdir('/work/d').sort(), ['member', 'wal']);
  assert.deepEqual(walFiles(fs, '/work/d/wal'), ['0000000000000000-0000000000000000.wal']);

  const again = runTestEtcd({ fs, args, cwd: '/work' });
  assert.equal(await get(await again.ready, 'k'), 'v');
  await again.stop();
  const warn = again.records().find((r) => r['msg'] === 'found invalid file under data directory');
  assert.deepEqual(warn && [warn['level'], warn['filename'], warn['data-dir']], ['warn', 'wal', 'd']);
});

test('--wal-dir changed between starts: etcd starts a new member on the same db; the old WAL is left as it was', async () => {
  const fs = new SimFileSystem();
  const ports = await testPorts();
  const base = [...singleMemberArgs(ports), '--data-dir', '/var/lib/etcd'];
  const plain = runTestEtcd({ fs, args: base });
  await put(await plain.ready, 'k', 'before');
  await plain.stop();
  const oldWal = fs.readFile('/var/lib/etcd/member/wal/0000000000000000-0000000000000000.wal');

  // Like etcd (3.4 checked on loopback; 3.6's bootstrap has no check either): no WAL in the
  // new dir means a member never started, even though member/ exists.
  const moved = runTestEtcd({ fs, args: [...base, '--wal-dir', '/srv/wal'] });
  const s = await moved.ready;
  assert.equal(await get(s, 'k'), 'before', 'the keys in member/snap/db are served');
  await put(s, 'k2', 'x');
  await moved.stop();
  const recs = moved.records();
  assert.ok(msgs(recs).includes('server has already been initialized'));
  assert.equal(startLine(recs)['member-initialized'], false);
  assert.ok(msgs(recs).includes('starting local member'));
  assert.ok(!msgs(recs).includes('restarting local member'));
  assert.deepEqual(walFiles(fs, '/srv/wal'), ['0000000000000000-0000000000000000.wal']);
  assert.deepEqual(fs.readFile('/var/lib/etcd/member/wal/0000000000000000-0000000000000000.wal'), oldWal);

  // Back without --wal-dir: the old member restarts from its own WAL.
  const back = runTestEtcd({ fs, args: base });
  const b = await back.ready;
  assert.equal(await get(b, 'k'), 'before');
  await back.stop();
  assert.ok(msgs(back.records()).includes('restarting local member'));
});

test('a --wal-dir whose parent cannot hold the tmp dir: etcd panics "failed to create WAL" (exit 2)', async () => {
  const fs = new SimFileSystem();
  fs.mkdir('/etc', { recursive: true });
  fs.writeFile('/etc/hostname', 'node1\n');
  const ports = await testPorts();
  const run = runTestEtcd({ fs, args: [...singleMemberArgs(ports), '--data-dir', '/var/lib/etcd', '--wal-dir', '/etc/hostname/wal'] });
  assert.equal(await run.exited, 2);
  const recs = run.records();
  const warn = recs.find((r) => r['msg'] === 'failed to create a temporary WAL directory')!;
  assert.deepEqual([warn['level'], warn['tmp-dir-path'], warn['dir-path'], warn['error']], ['warn', '/etc/hostname/wal.tmp', '/etc/hostname/wal', 'mkdir /etc/hostname: not a directory']);
  const panic = recs.find((r) => r['level'] === 'panic')!;
  assert.deepEqual([panic['msg'], panic['error']], ['failed to create WAL', 'mkdir /etc/hostname: not a directory']);
  assert.match(run.stderr.join(''), /\npanic: failed to create WAL\n\ngoroutine 1 \[running\]:\n/);
  assert.equal(fs.exists('/var/lib/etcd/member/wal'), false);
  assert.equal(fs.readFile('/etc/hostname').length, 6, 'the file in the way is untouched');
});

test('a WAL dir etcd cannot write to: "cannot write to WAL directory", exit 1', async () => {
  const disk = new SimFileSystem();
  const ports = await testPorts();
  const args = [...singleMemberArgs(ports), '--data-dir', '/var/lib/etcd', '--wal-dir', '/var/lib/etcd-wal'];
  const first = runTestEtcd({ fs: disk, args });
  await first.ready;
  await first.stop();
  // The dir turned read-only for etcd (chown root, chmod 755 while etcd runs as etcd).
  const readOnly: FileSystem = new Proxy(disk, {
    get(target, prop, receiver) {
      if (prop === 'writeFile') {
        return (p: string, d: Uint8Array | string, o?: { mode?: number }) => {
          if (p.startsWith('/var/lib/etcd-wal/')) throw new FsError('EACCES', 'open', p);
          return target.writeFile(p, d, o);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const run = runTestEtcd({ fs: readOnly, args });
  assert.equal(await run.exited, 1);
  const fatal = run.records().find((r) => r['level'] === 'fatal')!;
  assert.deepEqual([fatal['msg'], fatal['error']], ['discovery failed', 'cannot write to WAL directory: open /var/lib/etcd-wal/.touch: permission denied']);
});

test('a --wal-dir that holds other files keeps them (etcd would remove them); a file in the way fails the rename', async () => {
  const fs = new SimFileSystem();
  fs.mkdir('/srv/wal', { recursive: true });
  fs.writeFile('/srv/wal/notes.txt', 'hi\n');
  const ports = await testPorts();
  const base = [...singleMemberArgs(ports), '--data-dir', '/var/lib/etcd'];
  const run = runTestEtcd({ fs, args: [...base, '--wal-dir', '/srv/wal'] });
  await put(await run.ready, 'k', 'v');
  await run.stop();
  assert.deepEqual(fs.readdir('/srv/wal'), ['0000000000000000-0000000000000000.wal', 'notes.txt']);
  assert.equal(fs.exists('/srv/wal.tmp'), false);
  const again = runTestEtcd({ fs, args: [...base, '--wal-dir', '/srv/wal'] });
  assert.equal(await get(await again.ready, 'k'), 'v');
  await again.stop();

  const other = new SimFileSystem();
  other.mkdir('/srv', { recursive: true });
  other.writeFile('/srv/not-a-dir', 'data\n');
  const blocked = runTestEtcd({ fs: other, args: [...base, '--wal-dir', '/srv/not-a-dir'] });
  assert.equal(await blocked.exited, 2);
  const warn = blocked.records().find((r) => r['msg'] === 'failed to rename the temporary WAL directory')!;
  assert.deepEqual([warn['tmp-dir-path'], warn['dir-path'], warn['error']], ['/srv/not-a-dir.tmp', '/srv/not-a-dir', 'rename /srv/not-a-dir.tmp /srv/not-a-dir: not a directory']);
  assert.equal(new TextDecoder().decode(other.readFile('/srv/not-a-dir')), 'data\n');
  assert.equal(other.exists('/srv/not-a-dir.tmp'), false);
});

test('a torn WAL tail in --wal-dir is repaired there on restart; what was written before it is served', async () => {
  const fs = new SimFileSystem();
  const ports = await testPorts();
  const args = [...singleMemberArgs(ports), '--data-dir', '/var/lib/etcd', '--wal-dir', '/srv/wal'];
  const first = runTestEtcd({ fs, args });
  await put(await first.ready, 'k', 'v');
  await first.stop('SIGKILL');
  const path = '/srv/wal/0000000000000000-0000000000000000.wal';
  const whole = fs.readFile(path);
  fs.writeFile(path, new Uint8Array([...whole, 0x40, 0, 0, 0, 1, 2, 3])); // half a record: a write cut short
  const again = runTestEtcd({ fs, args });
  assert.equal(await get(await again.ready, 'k'), 'v');
  await again.stop();
  const repaired = again.records().filter((r) => r['msg'] === 'repaired' || r['msg'] === 'repaired WAL');
  assert.deepEqual(repaired.map((r) => [r['msg'], r['path']]), [['repaired', path], ['repaired WAL', undefined]]);
  assert.equal(fs.exists('/var/lib/etcd/member/wal'), false);
});

test('back on the first --wal-dir after another one took snapshots: only a snapshot this WAL marks is loaded', async () => {
  const fs = new SimFileSystem();
  const ports = await testPorts();
  const base = [...singleMemberArgs(ports), '--data-dir', '/var/lib/etcd', '--snapshot-count', '3'];
  const one = runTestEtcd({ fs, args: [...base, '--wal-dir', '/srv/wal-1'] });
  await put(await one.ready, 'first', '1');
  await one.stop();
  const snapsBefore = fs.readdir('/var/lib/etcd/member/snap').filter((n) => n.endsWith('.snap'));

  const two = runTestEtcd({ fs, args: [...base, '--wal-dir', '/srv/wal-2'] });
  const s2 = await two.ready;
  for (let i = 0; i < 8; i++) await put(s2, `second-${i}`, String(i));
  await two.stop();
  const snapsAfter = fs.readdir('/var/lib/etcd/member/snap').filter((n) => n.endsWith('.snap'));
  assert.ok(snapsAfter.length > snapsBefore.length, `the second member wrote snapshots (${snapsAfter.join(' ')})`);

  const back = runTestEtcd({ fs, args: [...base, '--wal-dir', '/srv/wal-1'] });
  const s = await back.ready;
  assert.equal(await get(s, 'first'), '1');
  await back.stop();
  assert.ok(msgs(back.records()).includes('restarting local member'));
});
