import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('mv renames and moves into directories, reporting GNU errors', async () => {
  const h = testHost();
  const fs = h.fsFor(h.users.credentials('learner')!);
  fs.writeFile('/home/learner/a', 'A');
  fs.mkdir('/home/learner/d');
  assert.equal((await run(h, 'mv -v a b')).stdout, "renamed 'a' -> 'b'\n");
  await run(h, 'mv b d');
  assert.equal(fs.exists('/home/learner/d/b'), true);
  assert.equal((await run(h, 'mv nope x')).stderr, "mv: cannot stat 'nope': No such file or directory\n");
  assert.equal((await run(h, 'mv d d/sub')).stderr, "mv: cannot move 'd' to a subdirectory of itself, 'd/sub'\n");
  assert.equal((await run(h, 'mv d/b /etc/b')).stderr, "mv: cannot move 'd/b' to '/etc/b': Permission denied\n");
});
