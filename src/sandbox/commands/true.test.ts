import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('true exits 0 and false exits 1, whatever the arguments', async () => {
  const h = testHost();
  assert.equal((await run(h, 'true --bogus x')).status, 0);
  assert.equal((await run(h, 'false x')).status, 1);
  assert.match((await run(h, 'true --help')).stdout, /^Usage: true/);
});
