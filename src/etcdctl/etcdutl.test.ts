import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SimFileSystem } from '../platform/sim-fs.ts';
import { SimClock } from '../platform/sim-clock.ts';
import { CollectingOutput } from '../platform/streams.ts';
import { runEtcdutl } from './etcdutl.ts';
import { MvccStore } from '../etcd/mvcc/index.ts';
import { encodeDb, encodeSnapshotFile, decodeDbFile } from '../etcd/server/backup.ts';

const e = (s: string) => new TextEncoder().encode(s);
/** A snapshot a real etcd 3.4.23 streamed for: put foo bar, put foo baz, put /a/b c, del /a/b, lease grant 300, put lk lv --lease. */
const REAL_34 = new Uint8Array(readFileSync(new URL('./fixtures/etcd-3.4.23-snapshot.db', import.meta.url)));

async function utl(fs: SimFileSystem, ...argv: string[]) {
  const stdout = new CollectingOutput();
  const stderr = new CollectingOutput();
  const code = await runEtcdutl({ argv, stdout, stderr, fs, cwd: '/root', clock: new SimClock(Date.UTC(2025, 10, 21, 12, 0, 0)) });
  return { code, out: stdout.text(), err: stderr.text() };
}

function disk(files: Record<string, Uint8Array>): SimFileSystem {
  const fs = new SimFileSystem();
  fs.mkdir('/root', { recursive: true });
  for (const [p, b] of Object.entries(files)) {
    fs.mkdir(p.slice(0, p.lastIndexOf('/')) || '/', { recursive: true });
    fs.writeFile(p, b);
  }
  return fs;
}

function ourSnapshot(): { file: Uint8Array; store: MvccStore } {
  const st = new MvccStore();
  st.put({ key: e('foo'), value: e('bar') });
  st.put({ key: e('foo'), value: e('baz') });
  st.put({ key: e('/a/b'), value: e('c') });
  st.deleteRange({ key: e('/a/b') });
  st.put({ key: e('/x'), value: e('1') });
  const file = encodeSnapshotFile(st.snapshot(), { members: [{ id: '8e9e05c52164694d', name: 'default', peerUrls: ['http://localhost:2380'], clientUrls: [] }], serverVersion: '3.6.4', term: 2 });
  return { file, store: st };
}

test('snapshot status of a real etcd 3.4 snapshot: the hash and revision its own etcdctl printed, live keys, size', async () => {
  const fs = disk({ '/root/backup.db': REAL_34 });
  const r = await utl(fs, 'snapshot', 'status', 'backup.db', '-w', 'table');
  assert.equal(r.code, 0, r.err);
  // etcdctl 3.4 printed hash 9924ab5 and revision 6 for this file; live keys are foo and lk (/a/b was deleted).
  assert.equal(
    r.out,
    [
      '+---------+----------+------------+------------+---------+',
      '|  HASH   | REVISION | TOTAL KEYS | TOTAL SIZE | VERSION |',
      '+---------+----------+------------+------------+---------+',
      '| 9924ab5 |        6 |          2 | 20 kB      |         |',
      '+---------+----------+------------+------------+---------+',
      '',
    ].join('\n').replace('| 20 kB      |', '|      20 kB |'),
  );
  assert.equal((await utl(fs, 'snapshot', 'status', 'backup.db')).out, '9924ab5, 6, 2, 20 kB, \n');
  assert.equal((await utl(fs, 'snapshot', 'status', 'backup.db', '-w', 'json')).out, '{"hash":160582325,"revision":6,"totalKey":2,"totalSize":20480,"version":""}\n');
});

test('snapshot status of our snapshot names the storage version; errors are etcdutl\'s', async () => {
  const { file } = ourSnapshot();
  const fs = disk({ '/root/ours.db': file, '/root/junk.db': new Uint8Array(8192).fill(9) });
  const r = await utl(fs, 'snapshot', 'status', 'ours.db', '-w', 'fields');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^"Hash" : \d+\n"Revision" : 6\n"Keys" : 2\n"Size" : \d+\n"Version" : 3\.6\.0\n$/);
  assert.deepEqual(await utl(fs, 'snapshot', 'status', 'missing.db'), { code: 1, out: '', err: 'Error: stat missing.db: no such file or directory\n' });
  assert.deepEqual(await utl(fs, 'snapshot', 'status', 'junk.db'), { code: 1, out: '', err: 'Error: invalid database\n' });
  assert.deepEqual(await utl(fs, 'snapshot', 'status'), { code: 128, out: '', err: 'Error: snapshot status requires exactly one argument\n' });
  assert.deepEqual(await utl(fs, 'snapshot', 'status', 'ours.db', '-w', 'yaml'), { code: 4, out: '', err: 'Error: unsupported output format\n' });
  const pb = await utl(fs, 'snapshot', 'status', 'ours.db', '-w', 'protobuf');
  assert.equal(pb.code, 4);
  assert.match(pb.err, /^Error: marshal unsupported for type snapshot\.Status \(\{\d+ 6 2 \d+ 3\.6\.0\}\)\n$/);
});

test('snapshot restore writes a data dir (bbolt db with the new membership, WAL, raft snapshot) and logs as etcdutl', async () => {
  const { file, store } = ourSnapshot();
  const fs = disk({ '/root/backup.db': file });
  const r = await utl(fs, 'snapshot', 'restore', 'backup.db', '--data-dir', '/var/lib/etcd-restored', '--name', 'n1', '--initial-cluster', 'n1=https://10.0.0.5:2380', '--initial-advertise-peer-urls', 'https://10.0.0.5:2380', '--initial-cluster-token', 'tok');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, '');
  const lines = r.err.trimEnd().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(lines.map((l) => l.slice(1, 4).join(' ')), [
    'info snapshot/v3_snapshot.go:305 restoring snapshot',
    'info schema/membership.go:138 Trimming membership information from the backend...',
    'info membership/cluster.go:424 added member',
    'info snapshot/v3_snapshot.go:333 restored snapshot',
  ]);
  assert.equal(lines[0]![0], '2025-11-21T12:00:00Z');
  assert.equal(lines[0]![4], '{"path": "backup.db", "wal-dir": "/var/lib/etcd-restored/member/wal", "data-dir": "/var/lib/etcd-restored", "snap-dir": "/var/lib/etcd-restored/member/snap", "initial-memory-map-size": 10737418240}');
  assert.match(lines[2]![4]!, /^\{"cluster-id": "[0-9a-f]+", "local-member-id": "0", "added-peer-id": "[0-9a-f]+", "added-peer-peer-urls": \["https:\/\/10\.0\.0\.5:2380"\], "added-peer-is-learner": false\}$/);
  const db = decodeDbFile(fs.readFile('/var/lib/etcd-restored/member/snap/db'));
  assert.equal(db.currentRevision, store.currentRevision);
  assert.deepEqual(db.members.map((m) => [m.name, m.peerUrls]), [['n1', ['https://10.0.0.5:2380']]]);
  assert.equal(db.consistentIndex, 1);
  assert.equal(db.term, 1);
  assert.ok(fs.readdir('/var/lib/etcd-restored/member/wal').some((n) => n.endsWith('.wal')));
  assert.ok(fs.readdir('/var/lib/etcd-restored/member/snap').some((n) => n.endsWith('.snap')));
  // The restored db reads back to the same KV hash.
  const h = await utl(fs, 'hashkv', '/var/lib/etcd-restored/member/snap/db');
  assert.equal(h.out, `${store.hashKV().hash}, ${store.currentRevision}, -1\n`);

  // Again into the same dir: refused, nothing logged.
  const again = await utl(fs, 'snapshot', 'restore', 'backup.db', '--data-dir', '/var/lib/etcd-restored');
  assert.deepEqual(again, { code: 1, out: '', err: 'Error: data-dir "/var/lib/etcd-restored" not empty or could not be read\n' });
});

test('snapshot restore refuses a damaged or hashless file and bad flags, in etcdutl\'s words', async () => {
  const { file } = ourSnapshot();
  const bad = file.slice();
  bad[5000] = bad[5000]! ^ 1;
  const dbOnly = file.subarray(0, file.length - 32);
  const fs = disk({ '/root/bad.db': bad, '/root/db': dbOnly });
  const r1 = await utl(fs, 'snapshot', 'restore', 'bad.db', '--data-dir', '/r1');
  assert.equal(r1.code, 1);
  assert.match(r1.err, /\nError: expected sha256 \[(\d+ ){31}\d+\], got \[(\d+ ){31}\d+\]\n$/);
  const r2 = await utl(fs, 'snapshot', 'restore', 'db', '--data-dir', '/r2');
  assert.match(r2.err, /\nError: snapshot missing hash but --skip-hash-check=false\n$/);
  const r3 = await utl(fs, 'snapshot', 'restore', 'db', '--data-dir', '/r3', '--skip-hash-check');
  assert.equal(r3.code, 0, r3.err);
  const r4 = await utl(fs, 'snapshot', 'restore', 'nope.db', '--data-dir', '/r4');
  assert.match(r4.err, /\nError: open nope\.db: no such file or directory\n$/);
  assert.deepEqual(await utl(fs, 'snapshot', 'restore', 'db', '--data-dir', '/r5', '--bump-revision', '10'), {
    code: 128,
    out: '',
    err: 'Error: --mark-compacted required if --revision-bump > 0\n',
  });
  const r6 = await utl(fs, 'snapshot', 'restore', 'db', '--skip-hash-check', '--data-dir', '/r6', '--name', 'x');
  assert.deepEqual(r6, { code: 1, out: '', err: 'Error: couldn\'t find local name "x" in the initial cluster configuration\n' });
});

test('restore --bump-revision --mark-compacted: the revision moves on and is compacted', async () => {
  const { file, store } = ourSnapshot();
  const fs = disk({ '/root/b.db': file });
  const r = await utl(fs, 'snapshot', 'restore', 'b.db', '--data-dir', '/rb', '--bump-revision', '1000', '--mark-compacted');
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /bumping latest revision\t\{"latest-revision": 6, "bump-amount": 1000, "new-latest-revision": 1006\}/);
  const h = await utl(fs, 'hashkv', '/rb/member/snap/db', '-w', 'json');
  const j = JSON.parse(h.out) as { hashRevision: number; compactRevision: number };
  assert.deepEqual([j.hashRevision, j.compactRevision], [store.currentRevision + 1000, store.currentRevision + 1000]);
  const s = await utl(fs, 'snapshot', 'status', '/rb/member/snap/db');
  assert.match(s.out, /^[0-9a-f]+, 1006, /);
});

test('hashkv --rev and defrag --data-dir', async () => {
  const { store } = ourSnapshot();
  const big = new MvccStore();
  for (let i = 0; i < 300; i++) big.put({ key: e(`/k/${i % 20}`), value: e('v'.repeat(200)) });
  big.compact({ revision: 290 });
  const fs = disk({ '/d/member/snap/db': encodeDb(big.snapshot()) });
  const h = await utl(fs, 'hashkv', '/d/member/snap/db', '--rev', '295', '-w', 'table');
  assert.match(h.out, /\| +HASH +\| HASH REVISION \| COMPACT REVISION \|/);
  assert.match(h.out, new RegExp(`\\| +${big.hashKV(295).hash} \\| +295 \\| +290 \\|`));
  assert.deepEqual(await utl(fs, 'hashkv', '/d/member/snap/db', '--rev', '100'), { code: 1, out: '', err: 'Error: mvcc: required revision has been compacted\n' });
  assert.deepEqual(await utl(fs, 'hashkv', '/d/member/snap/db', '--rev', '400'), { code: 1, out: '', err: 'Error: mvcc: required revision is a future revision\n' });
  const before = fs.readFile('/d/member/snap/db');
  const d = await utl(fs, 'defrag', '--data-dir', '/d');
  assert.equal(d.code, 0, d.err);
  assert.match(d.err, /\tdefragmenting\t\{"path": "\/d\/member\/snap\/db", "current-db-size-bytes": \d+/);
  assert.match(d.err, /\tfinished defragmenting directory\t/);
  // Same content after the rewrite.
  assert.equal((await utl(fs, 'hashkv', '/d/member/snap/db')).out, (await utl(disk({ '/x': before }), 'hashkv', '/x')).out);
  const none = await utl(fs, 'defrag');
  assert.equal(none.code, 1);
  assert.match(none.err, /^Error: required flag\(s\) "data-dir" not set\n/);
  const missing = await utl(fs, 'defrag', '--data-dir', '/nowhere');
  assert.deepEqual(missing, { code: 1, out: '', err: 'Error: Failed to defragment etcd data[/nowhere] (open /nowhere/member/snap/db: no such file or directory)\n' });
  void store;
});
