import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('xargs runs the command with items from stdin, -n batches, -I replaces', async () => {
  const h = testHost();
  assert.equal((await run(h, 'xargs', { stdin: 'a b\nc\n' })).stdout, 'a b c\n');
  assert.equal((await run(h, 'xargs -n 2 echo', { stdin: 'a b c' })).stdout, 'a b\nc\n');
  assert.equal((await run(h, ['xargs', '-I{}', 'echo', '[{}]'], { stdin: 'a b\nc\n' })).stdout, '[a b]\n[c]\n');
  assert.equal((await run(h, 'xargs echo', { stdin: `'quoted arg' x\\ y` })).stdout, 'quoted arg x y\n');
  assert.equal((await run(h, 'xargs -0 echo', { stdin: 'a b\0c\0' })).stdout, 'a b c\n');
  assert.equal((await run(h, 'xargs -r echo hi', { stdin: '' })).stdout, '');
  assert.equal((await run(h, 'xargs echo hi', { stdin: '' })).stdout, 'hi\n');
});

it('xargs reports a missing command (127) and failing runs (123)', async () => {
  const h = testHost();
  const r = await run(h, 'xargs nosuch', { stdin: 'x\n' });
  assert.equal(r.stderr, 'xargs: nosuch: No such file or directory\n');
  assert.equal(r.status, 127);
  assert.equal((await run(h, 'xargs false', { stdin: 'x\n' })).status, 123);
  assert.equal((await run(h, 'xargs echo', { stdin: "'open" })).stderr, 'xargs: unmatched single quote; by default quotes are special to xargs unless you use the -0 option\n');
});

it('xargs splits long input into command lines that fit GNU xargs\' 128 KiB buffer', async () => {
  const h = testHost();
  const r = await run(h, ['bash', '-c', "seq 1 200000 | xargs echo | awk '{ print NF, length($0) }'"]);
  // What Debian's xargs 4.9 prints for the same input.
  assert.deepEqual(r, { status: 0, stdout: '23695 131063\n21844 131063\n21844 131063\n21844 131063\n20262 131061\n18723 131060\n18723 131060\n18723 131060\n18723 131060\n15619 109332\n', stderr: '' });
});
