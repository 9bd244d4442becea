import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('pwd prints the physical directory, -L trusts a matching $PWD', async () => {
  const h = testHost();
  assert.equal((await run(h, 'pwd', { cwd: '/bin' })).stdout, '/usr/bin\n');
  assert.equal((await run(h, 'pwd -L', { cwd: '/bin', env: { PWD: '/bin' } })).stdout, '/bin\n');
  assert.equal((await run(h, 'pwd -L', { cwd: '/bin', env: { PWD: '/tmp' } })).stdout, '/usr/bin\n');
});
