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
