import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('whoami names the effective user', async () => {
  const h = testHost();
  assert.equal((await run(h, 'whoami')).stdout, 'learner\n');
  assert.equal((await run(h, 'whoami', { as: 'root' })).stdout, 'root\n');
  const r = await run(h, 'whoami', { as: { uid: 4242, gid: 4242, groups: [], user: '?' } });
  assert.equal(r.stderr, 'whoami: cannot find name for user ID 4242\n');
  assert.equal(r.status, 1);
});
