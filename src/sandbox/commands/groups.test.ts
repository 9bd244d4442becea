import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('groups lists the group names of the process or of a user', async () => {
  const h = testHost();
  assert.equal((await run(h, 'groups')).stdout, 'learner sudo\n');
  assert.equal((await run(h, 'groups root')).stdout, 'root : root\n');
  assert.equal((await run(h, 'groups nosuch')).stderr, 'groups: \u2018nosuch\u2019: no such user\n');
});
