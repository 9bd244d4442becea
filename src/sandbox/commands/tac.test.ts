import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('tac prints lines last first', async () => {
  const h = testHost();
  assert.equal((await run(h, 'tac', { stdin: 'a\nb\nc\n' })).stdout, 'c\nb\na\n');
  assert.equal((await run(h, 'tac', { stdin: 'a\nb' })).stdout, 'ba\n');
  assert.equal((await run(h, 'tac /nope')).stderr, "tac: failed to open '/nope' for reading: No such file or directory\n");
});
