import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bytesToString } from '../../platform/filesystem.ts';
import { run, testHost } from './testing.ts';

it('cp copies files, into directories, and trees with -r', async () => {
  const h = testHost();
  const fs = h.fsFor(h.users.credentials('learner')!);
  fs.writeFile('/home/learner/a', 'A');
  fs.mkdir('/home/learner/d/sub', { recursive: true });
  fs.writeFile('/home/learner/d/sub/f', 'F');
  assert.equal((await run(h, 'cp a b')).status, 0);
  assert.equal(bytesToString(fs.readFile('/home/learner/b')), 'A');
  await run(h, 'cp a b d');
  assert.deepEqual(fs.readdir('/home/learner/d'), ['a', 'b', 'sub']);
  assert.equal((await run(h, 'cp d e')).stderr, "cp: -r not specified; omitting directory 'd'\n");
  assert.equal((await run(h, 'cp -rv d e')).stdout, "'d' -> 'e'\n'd/a' -> 'e/a'\n'd/b' -> 'e/b'\n'd/sub' -> 'e/sub'\n'd/sub/f' -> 'e/sub/f'\n");
  assert.equal(bytesToString(fs.readFile('/home/learner/e/sub/f')), 'F');
});

it('cp reports the GNU errors', async () => {
  const h = testHost();
  h.fsFor(h.users.credentials('learner')!).writeFile('/home/learner/a', 'A');
  assert.equal((await run(h, 'cp a a')).stderr, "cp: 'a' and 'a' are the same file\n");
  assert.equal((await run(h, 'cp nope x')).stderr, "cp: cannot stat 'nope': No such file or directory\n");
  assert.equal((await run(h, 'cp a /etc/a')).stderr, "cp: cannot create regular file '/etc/a': Permission denied\n");
  assert.equal((await run(h, 'cp /etc/shadow x')).stderr, "cp: cannot open '/etc/shadow' for reading: Permission denied\n");
  assert.equal((await run(h, 'cp a b c')).stderr, "cp: target 'c' is not a directory\n");
  assert.equal((await run(h, 'cp a')).stderr, "cp: missing destination file operand after 'a'\nTry 'cp --help' for more information.\n");
});

it('cp -p keeps mode and times; root keeps the owner too', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/k', 'K', { mode: 0o600 });
  h.rootFs.chown('/tmp/k', 1000, 1000);
  h.rootFs.utimes('/tmp/k', 1000, 2000);
  await run(h, 'cp -p /tmp/k /root/k', { as: 'root' });
  const st = h.rootFs.stat('/root/k');
  assert.deepEqual([st.mode, st.uid, st.mtimeMs], [0o600, 1000, 2000]);
});

it('cp -r into a missing parent says it cannot create the directory', async () => {
  const h = testHost();
  h.fsFor(h.users.credentials('learner')!).mkdir('/home/learner/d');
  const r = await run(h, 'cp -r d nope/e');
  assert.equal(r.stderr, "cp: cannot create directory 'nope/e': No such file or directory\n");
  assert.equal(r.status, 1);
});
