import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('uniq merges adjacent duplicates, counts with -c, -d and -u select', async () => {
  const h = testHost();
  const input = 'a\na\nb\na\n';
  assert.equal((await run(h, 'uniq', { stdin: input })).stdout, 'a\nb\na\n');
  assert.equal((await run(h, 'uniq -c', { stdin: input })).stdout, '      2 a\n      1 b\n      1 a\n');
  assert.equal((await run(h, 'uniq -d', { stdin: input })).stdout, 'a\n');
  assert.equal((await run(h, 'uniq -u', { stdin: input })).stdout, 'b\na\n');
  assert.equal((await run(h, 'uniq -i', { stdin: 'A\na\n' })).stdout, 'A\n');
});
