import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('printenv prints one variable, all of them, and fails for unset ones', async () => {
  const h = testHost();
  assert.equal((await run(h, 'printenv HOME')).stdout, '/home/learner\n');
  const r = await run(h, 'printenv NOPE');
  assert.deepEqual([r.stdout, r.status], ['', 1]);
  assert.match((await run(h, 'printenv')).stdout, /^USER=learner$/m);
});
