import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('sort orders lines by bytes, numbers, keys; -r -u -t -o', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/s.txt', 'b 2\na 10\nc 1\na 10\n');
  assert.equal((await run(h, 'sort /tmp/s.txt')).stdout, 'a 10\na 10\nb 2\nc 1\n');
  assert.equal((await run(h, 'sort -k2 -n /tmp/s.txt')).stdout, 'c 1\nb 2\na 10\na 10\n');
  assert.equal((await run(h, 'sort -u /tmp/s.txt')).stdout, 'a 10\nb 2\nc 1\n');
  assert.equal((await run(h, 'sort -r /tmp/s.txt')).stdout, 'c 1\nb 2\na 10\na 10\n');
  assert.equal((await run(h, ['sort', '-t', ':', '-k2,2nr'], { stdin: 'x:1\ny:3\nz:2\n' })).stdout, 'y:3\nz:2\nx:1\n');
  assert.equal((await run(h, 'sort -h', { stdin: '2K\n1M\n3\n' })).stdout, '3\n2K\n1M\n');
  await run(h, 'sort -o /tmp/out /tmp/s.txt', { as: 'root' });
  assert.equal(new TextDecoder().decode(h.rootFs.readFile('/tmp/out')), 'a 10\na 10\nb 2\nc 1\n');
  assert.equal((await run(h, 'sort /nope')).stderr, 'sort: cannot read: /nope: No such file or directory\n');
});
