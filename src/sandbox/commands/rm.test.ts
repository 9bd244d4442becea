import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('rm removes files, refuses directories without -r, and -f hides missing files', async () => {
  const h = testHost();
  const fs = h.fsFor(h.users.credentials('learner')!);
  fs.writeFile('/home/learner/f', 'x');
  fs.mkdir('/home/learner/d/e', { recursive: true });
  fs.writeFile('/home/learner/d/e/g', 'x');
  assert.equal((await run(h, 'rm f')).status, 0);
  assert.equal(fs.exists('/home/learner/f'), false);
  const r = await run(h, 'rm x');
  assert.equal(r.stderr, "rm: cannot remove 'x': No such file or directory\n");
  assert.equal(r.status, 1);
  assert.equal((await run(h, 'rm -f x')).status, 0);
  assert.equal((await run(h, 'rm d')).stderr, "rm: cannot remove 'd': Is a directory\n");
  assert.equal((await run(h, 'rm -rv d')).stdout, "removed 'd/e/g'\nremoved directory 'd/e'\nremoved directory 'd'\n");
  assert.equal((await run(h, 'rm /etc/passwd')).stderr, "rm: cannot remove '/etc/passwd': Permission denied\n");
  assert.equal((await run(h, 'rm -rf /', { as: 'root' })).stderr, "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
  assert.equal((await run(h, 'rm')).stderr, "rm: missing operand\nTry 'rm --help' for more information.\n");
});

it('rm in sticky /tmp cannot remove other users files', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/roots', 'x');
  assert.equal((await run(h, 'rm -f /tmp/roots')).stderr, "rm: cannot remove '/tmp/roots': Operation not permitted\n");
});
