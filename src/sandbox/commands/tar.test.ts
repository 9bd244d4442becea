import assert from 'node:assert/strict';
import { it } from 'node:test';
import { etcdTarball } from '../internet/etcd-releases.ts';
import { run, testHost } from './testing.ts';

const TOP = 'etcd-v3.6.4-linux-amd64';

function withTarball() {
  const h = testHost();
  h.rootFs.writeFile(`/home/learner/${TOP}.tar.gz`, etcdTarball('v3.6.4')!);
  h.rootFs.chown(`/home/learner/${TOP}.tar.gz`, 1000, 1000);
  return h;
}

it('tar xzvof lists just the names and extracts as the user, keeping modes and times', async () => {
  const h = withTarball();
  const r = await run(h, ['tar', 'xzvof', `${TOP}.tar.gz`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const names = r.stdout.trimEnd().split('\n');
  assert.equal(names[0], `${TOP}/`);
  assert.deepEqual(names.slice(-3), [`${TOP}/etcd`, `${TOP}/etcdctl`, `${TOP}/etcdutl`]);
  const st = h.rootFs.stat(`/home/learner/${TOP}/etcd`);
  assert.equal(st.mode & 0o7777, 0o755);
  assert.equal(st.uid, 1000);
  assert.ok(st.size > 100_000, 'binaries are padded to a believable size');
  const ls = await run(h, ['ls', '-l', TOP]);
  assert.match(ls.stdout, /-rwxr-xr-x 1 learner learner +\d+ \w{3} \d\d +\d{4} etcdctl/);
});

it('as root without o, tar keeps the archive owners; with o the files are root’s own', async () => {
  const h = withTarball();
  h.rootFs.mkdir('/opt/a');
  assert.equal((await run(h, ['tar', '-xzf', `/home/learner/${TOP}.tar.gz`, '-C', '/opt/a'], { as: 'root' })).status, 0);
  assert.equal(h.rootFs.stat(`/opt/a/${TOP}/etcd`).uid, 0);
  const r = await run(h, ['tar', 'xzf', `/home/learner/${TOP}.tar.gz`, '--strip-components=1', '-C', '/opt/a'], { as: 'root' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(h.rootFs.exists('/opt/a/etcdutl'));
});

it('tar tvzf prints GNU tar’s long listing', async () => {
  const h = withTarball();
  const r = await run(h, ['tar', 'tvzf', `${TOP}.tar.gz`]);
  assert.match(r.stdout, new RegExp(`^drwxr-xr-x root/root {9}0 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d ${TOP}/$`, 'm'));
  assert.match(r.stdout, new RegExp(`^-rwxr-xr-x root/root +\\d+ \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d ${TOP}/etcd$`, 'm'));
});

it('tar c then t round-trips a directory; v names each file', async () => {
  const h = testHost();
  await run(h, ['mkdir', '-p', 'd/sub']);
  h.rootFs.writeFile('/home/learner/d/sub/a', 'A\n');
  h.rootFs.chown('/home/learner/d/sub/a', 1000, 1000);
  const c = await run(h, ['tar', 'czvf', 'd.tgz', 'd']);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stdout, 'd/\nd/sub/\nd/sub/a\n');
  assert.equal((await run(h, ['tar', 'tf', 'd.tgz'])).stdout, 'd/\nd/sub/\nd/sub/a\n');
  assert.equal((await run(h, ['tar', 'xzOf', 'd.tgz', 'd/sub/a'])).stdout, 'A\n');
});

it('tar fails in GNU tar’s words', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/bad.tgz', 'notgz\n');
  let r = await run(h, ['tar', 'xzf', 'x.tar.gz']);
  assert.equal(r.stderr, 'tar (child): x.tar.gz: Cannot open: No such file or directory\ntar (child): Error is not recoverable: exiting now\ntar: Child returned status 2\ntar: Error is not recoverable: exiting now\n');
  assert.equal(r.status, 2);
  r = await run(h, ['tar', 'xf', 'x.tar.gz']);
  assert.equal(r.stderr, 'tar: x.tar.gz: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n');
  r = await run(h, ['tar', 'xzf', '/tmp/bad.tgz']);
  assert.equal(r.stderr, '\ngzip: stdin: not in gzip format\ntar: Child returned status 1\ntar: Error is not recoverable: exiting now\n');
  assert.equal(r.status, 2);
  r = await run(h, ['tar', 'xf', '/tmp/bad.tgz']);
  assert.equal(r.stderr, 'tar: This does not look like a tar archive\n\ngzip: stdin: not in gzip format\ntar: Child returned status 1\ntar: Error is not recoverable: exiting now\n');
  h.rootFs.writeFile('/tmp/empty.tar.gz', '');
  r = await run(h, ['tar', 'xzvof', '/tmp/empty.tar.gz']);
  assert.equal(r.stderr, '\ngzip: stdin: unexpected end of file\ntar: Child returned status 1\ntar: Error is not recoverable: exiting now\n');
  h.rootFs.writeFile('/tmp/plain.tar', 'just text, not an archive\n'.repeat(40));
  r = await run(h, ['tar', 'xf', '/tmp/plain.tar']);
  assert.equal(r.stderr, 'tar: This does not look like a tar archive\ntar: Skipping to next header\ntar: Exiting with failure status due to previous errors\n');
  r = await run(h, ['tar', 'xzf']);
  assert.equal(r.stderr, "tar: Old option 'f' requires an argument.\nTry 'tar --help' or 'tar --usage' for more information.\n");
  r = await run(h, ['tar', 'czf', 'y.tgz']);
  assert.equal(r.stderr, "tar: Cowardly refusing to create an empty archive\nTry 'tar --help' or 'tar --usage' for more information.\n");
  r = await run(h, ['tar', '-q']);
  assert.equal(r.stderr, "tar: invalid option -- 'q'\nTry 'tar --help' or 'tar --usage' for more information.\n");
  assert.equal(r.status, 64);
  r = await run(h, ['tar']);
  assert.equal(r.stderr, "tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\n");
});

it('tar reports members it cannot create and members not in the archive', async () => {
  const h = withTarball();
  let r = await run(h, ['tar', 'xzf', `${TOP}.tar.gz`, '-C', '/usr/local/bin']);
  assert.match(r.stderr, new RegExp(`^tar: ${TOP}: Cannot mkdir: Permission denied$`, 'm'));
  assert.match(r.stderr, /tar: Exiting with failure status due to previous errors\n$/);
  assert.equal(r.status, 2);
  r = await run(h, ['tar', 'xzf', `${TOP}.tar.gz`, 'nothere']);
  assert.equal(r.stderr, 'tar: nothere: Not found in archive\ntar: Exiting with failure status due to previous errors\n');
});
