import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('cat concatenates files and stdin in order', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/a', 'A\n');
  h.rootFs.writeFile('/tmp/b', 'B\n');
  const r = await run(h, ['cat', '/tmp/a', '-', '/tmp/b'], { stdin: 'IN\n' });
  assert.equal(r.stdout, 'A\nIN\nB\n');
  assert.equal(r.status, 0);
});

it('cat reports missing files, directories and unreadable files as GNU cat does, and goes on', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/ok', 'ok\n');
  const r = await run(h, ['cat', '/nope', '/tmp', '/etc/shadow', '/tmp/ok']);
  assert.equal(r.stderr, 'cat: /nope: No such file or directory\ncat: /tmp: Is a directory\ncat: /etc/shadow: Permission denied\n');
  assert.equal(r.stdout, 'ok\n');
  assert.equal(r.status, 1);
});

it('cat -n numbers lines, -b only non-blank ones, -s squeezes, -A shows ends and tabs', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/f', 'a\n\n\n\tb\n');
  assert.equal((await run(h, 'cat -n /tmp/f')).stdout, '     1\ta\n     2\t\n     3\t\n     4\t\tb\n');
  assert.equal((await run(h, 'cat -b /tmp/f')).stdout, '     1\ta\n\n\n     2\t\tb\n');
  assert.equal((await run(h, 'cat -s /tmp/f')).stdout, 'a\n\n\tb\n');
  assert.equal((await run(h, 'cat -A /tmp/f')).stdout, 'a$\n$\n$\n^Ib$\n');
});

it('cat rejects unknown options with the usage hint', async () => {
  const r = await run(testHost(), 'cat -z');
  assert.equal(r.stderr, "cat: invalid option -- 'z'\nTry 'cat --help' for more information.\n");
  assert.equal(r.status, 1);
});
