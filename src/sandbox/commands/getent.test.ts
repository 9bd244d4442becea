import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testSandbox } from './testing.ts';

it('getent reads passwd, group and hosts', async () => {
  const h = testSandbox([{ name: 'node-1', ip: '10.0.0.11' }, { name: 'node-2', ip: '10.0.0.12' }]).host('node-1');
  assert.equal((await run(h, 'getent passwd root')).stdout, 'root:x:0:0:root:/root:/bin/bash\n');
  assert.equal((await run(h, 'getent group sudo')).stdout, 'sudo:x:27:learner\n');
  assert.equal((await run(h, 'getent hosts node-2')).stdout, '10.0.0.12       node-2\n');
  assert.equal((await run(h, 'getent hosts localhost')).stdout, '127.0.0.1       localhost\n');
  assert.equal((await run(h, 'getent hosts nosuch')).status, 2);
  assert.match((await run(h, 'getent passwd')).stdout, /^learner:x:1000:1000:/m);
});
