import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('head prints the first lines or bytes, -N and all-but forms, with headers for several files', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/f', 'b 2\na 10\nc 1\na 10\n');
  assert.equal((await run(h, 'head -n 2 /tmp/f')).stdout, 'b 2\na 10\n');
  assert.equal((await run(h, 'head -1 /tmp/f')).stdout, 'b 2\n');
  assert.equal((await run(h, 'head -c 5 /tmp/f')).stdout, 'b 2\na');
  assert.equal((await run(h, 'head -n -2 /tmp/f')).stdout, 'b 2\na 10\n');
  assert.equal((await run(h, 'head -n1 /tmp/f /tmp/f')).stdout, '==> /tmp/f <==\nb 2\n\n==> /tmp/f <==\nb 2\n');
  assert.equal((await run(h, 'head -n 1', { stdin: 'x\ny\n' })).stdout, 'x\n');
  assert.equal((await run(h, 'head /nope')).stderr, "head: cannot open '/nope' for reading: No such file or directory\n");
  assert.equal((await run(h, 'head -n x /tmp/f')).stderr, 'head: invalid number of lines: \u2018x\u2019\n');
});

it('head and cat read /dev/zero and /dev/urandom as endless streams, /dev/null as empty', async () => {
  const h = testHost();
  const r = await run(h, ['bash', '-c', 'head -c 1000000 /dev/zero | wc -c; cat /dev/zero | head -c 300000 | wc -c; head -c 200000 /dev/urandom | wc -c; head -n 2 /dev/null | wc -c; cat /dev/null | wc -c']);
  assert.deepEqual(r, { status: 0, stdout: '1000000\n300000\n200000\n0\n0\n', stderr: '' });
});
