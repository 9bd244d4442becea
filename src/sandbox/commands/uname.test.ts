import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('uname prints the kernel as Debian 12 does', async () => {
  const h = testHost();
  assert.equal((await run(h, 'uname')).stdout, 'Linux\n');
  assert.equal((await run(h, 'uname -a')).stdout, 'Linux node-1 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30) x86_64 GNU/Linux\n');
  assert.equal((await run(h, 'uname -rn')).stdout, 'node-1 6.1.0-26-amd64\n');
  assert.equal((await run(h, 'uname -m')).stdout, 'x86_64\n');
});
