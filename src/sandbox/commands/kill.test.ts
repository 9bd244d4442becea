import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testSandbox } from './testing.ts';

it('kill sends TERM by default, -9 kills, and reports missing or foreign processes', async () => {
  const sb = testSandbox();
  const h = sb.host('node-1');
  const sleeper = run(h, 'sleep 100');
  await new Promise((r) => setImmediate(r));
  const pid = h.processes().find((p) => p.argv[0] === 'sleep')!.pid;
  assert.equal((await run(h, ['kill', String(pid)])).status, 0);
  assert.equal((await sleeper).status, 143);
  const second = run(h, 'sleep 100');
  await new Promise((r) => setImmediate(r));
  const pid2 = h.processes().find((p) => p.argv[0] === 'sleep')!.pid;
  await run(h, ['kill', '-9', String(pid2)]);
  assert.equal((await second).status, 137);
  const r = await run(h, 'kill 99999');
  assert.equal(r.stderr, 'kill: (99999): No such process\n');
  assert.equal(r.status, 1);
  assert.equal((await run(h, 'kill 1')).stderr, 'kill: (1): Operation not permitted\n');
});

it('kill -l lists and converts signal names', async () => {
  const h = testSandbox().host('node-1');
  assert.equal((await run(h, 'kill -l')).stdout, 'HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT\nCHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH POLL PWR SYS\n');
  assert.equal((await run(h, 'kill -l 15')).stdout, 'TERM\n');
  assert.equal((await run(h, 'kill -l TERM')).stdout, '15\n');
  assert.match((await run(h, 'kill -L')).stdout, /^ 1 HUP      2 INT      3 QUIT/);
});
