import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('clear homes the cursor, clears the screen and the scrollback', async () => {
  assert.equal((await run(testHost(), 'clear')).stdout, '\x1b[H\x1b[2J\x1b[3J');
  assert.equal((await run(testHost(), 'clear -x')).stdout, '\x1b[H\x1b[2J');
});
