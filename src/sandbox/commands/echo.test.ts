import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('echo prints its arguments with a newline, -n without, -e with escapes', async () => {
  const h = testHost();
  assert.equal((await run(h, ['echo', 'hello', 'world'])).stdout, 'hello world\n');
  assert.equal((await run(h, ['echo', '-n', 'x'])).stdout, 'x');
  assert.equal((await run(h, ['echo', '-e', 'a\\tb\\nc'])).stdout, 'a\tb\nc\n');
  assert.equal((await run(h, ['echo', 'a\\tb'])).stdout, 'a\\tb\n');
  assert.equal((await run(h, ['echo', '-e', 'stop\\cnever'])).stdout, 'stop');
  assert.deepEqual([...new TextEncoder().encode((await run(h, ['echo', '-e', '\\x41\\0101'])).stdout)], [0x41, 0x41, 10]);
});

it('echo prints unknown options as text, and --help only alone', async () => {
  const h = testHost();
  assert.equal((await run(h, ['echo', '-x', 'y'])).stdout, '-x y\n');
  assert.equal((await run(h, ['echo', '--help', 'x'])).stdout, '--help x\n');
  assert.match((await run(h, ['echo', '--help'])).stdout, /^Usage: echo \[SHORT-OPTION\]/);
  assert.match((await run(h, ['echo', '--version'])).stdout, /^echo \(GNU coreutils\) 9\.1/);
});
