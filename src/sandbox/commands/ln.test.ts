import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('ln -s makes symbolic links, -f replaces, into a directory by base name', async () => {
  const h = testHost();
  const fs = h.fsFor(h.users.credentials('learner')!);
  fs.writeFile('/home/learner/target', 'T');
  fs.mkdir('/home/learner/d');
  assert.equal((await run(h, 'ln -s target link')).status, 0);
  assert.equal(fs.readlink('/home/learner/link'), 'target');
  assert.equal((await run(h, 'ln -s other link')).stderr, "ln: failed to create symbolic link 'link': File exists\n");
  await run(h, 'ln -sf other link');
  assert.equal(fs.readlink('/home/learner/link'), 'other');
  await run(h, 'ln -s /home/learner/target d');
  assert.equal(fs.readlink('/home/learner/d/target'), '/home/learner/target');
  assert.equal((await run(h, 'ln -sv target l2')).stdout, "'l2' -> 'target'\n");
});
