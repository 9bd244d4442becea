import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testSandbox } from './testing.ts';

it('pgrep finds processes by name or full command line; pkill signals them', async () => {
  const sb = testSandbox();
  const h = sb.host('node-1');
  const a = run(h, 'sleep 100');
  const b = run(h, 'sleep 200');
  await new Promise((r) => setImmediate(r));
  const pids = h.processes().filter((p) => p.argv[0] === 'sleep').map((p) => p.pid);
  assert.equal((await run(h, 'pgrep sleep')).stdout, pids.join('\n') + '\n');
  assert.equal((await run(h, 'pgrep -a sleep')).stdout, `${pids[0]} sleep 100\n${pids[1]} sleep 200\n`);
  assert.equal((await run(h, 'pgrep -l sleep')).stdout, `${pids[0]} sleep\n${pids[1]} sleep\n`);
  assert.equal((await run(h, ['pgrep', '-f', 'sleep 2'])).stdout, `${pids[1]}\n`);
  assert.equal((await run(h, 'pgrep -c sleep')).stdout, '2\n');
  assert.equal((await run(h, 'pgrep nothing')).status, 1);
  assert.equal((await run(h, 'pgrep')).stderr, "pgrep: no matching criteria specified\nTry `pgrep --help' for more information.\n");
  assert.equal((await run(h, ['pkill', '-f', 'sleep 1'])).status, 0);
  assert.equal((await a).status, 143);
  assert.equal((await run(h, 'pkill -9 sleep')).status, 0);
  assert.equal((await b).status, 137);
  assert.equal((await run(h, 'pkill sleep')).status, 1);
});
