import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('wc counts lines, words and bytes with GNU column widths', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/s.txt', 'b 2\na 10\nc 1\na 10\n');
  assert.equal((await run(h, 'wc /tmp/s.txt')).stdout, ' 4  8 18 /tmp/s.txt\n');
  assert.equal((await run(h, 'wc -l /tmp/s.txt')).stdout, '4 /tmp/s.txt\n');
  assert.equal((await run(h, 'wc -l', { stdin: 'a\nb\n' })).stdout, '2\n');
  assert.equal((await run(h, 'wc', { stdin: 'hi\n' })).stdout, '      1       1       3\n');
  assert.equal((await run(h, 'wc /tmp/s.txt /tmp/s.txt')).stdout, ' 4  8 18 /tmp/s.txt\n 4  8 18 /tmp/s.txt\n 8 16 36 total\n');
  assert.equal((await run(h, 'wc /nope')).stderr, 'wc: /nope: No such file or directory\n');
});
