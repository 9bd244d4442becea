import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testSandbox } from './testing.ts';

it('uptime counts from the host boot on the host clock', async () => {
  const sb = testSandbox();
  sb.clock.advance(49 * 60_000 + 5_000);
  const h = sb.host('node-1');
  assert.equal((await run(h, 'uptime')).stdout, ' 09:49:05 up 49 min,  0 users,  load average: 0.00, 0.00, 0.00\n');
  assert.equal((await run(h, 'uptime -p')).stdout, 'up 49 minutes\n');
  sb.clock.advance(26 * 3600_000);
  assert.equal((await run(h, 'uptime -p')).stdout, 'up 1 day, 2 hours, 49 minutes\n');
  assert.equal((await run(h, 'uptime -s')).stdout, '2026-11-21 09:00:00\n');
});
