import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testSandbox } from './testing.ts';

it('timeout stops a command at the limit with 124, passes the status otherwise', async () => {
  const sb = testSandbox();
  const h = sb.host('node-1');
  const p = run(h, 'timeout 2 sleep 10');
  await new Promise((r) => setImmediate(r));
  sb.clock.advance(2000);
  assert.equal((await p).status, 124);
  const k = run(h, 'timeout -s KILL 1 sleep 10');
  await new Promise((r) => setImmediate(r));
  sb.clock.advance(1000);
  assert.equal((await k).status, 137);
  const ps = run(h, 'timeout --preserve-status 1 sleep 10');
  await new Promise((r) => setImmediate(r));
  sb.clock.advance(1000);
  assert.equal((await ps).status, 143);
  assert.equal((await run(h, 'timeout 5 false')).status, 1);
  assert.equal((await run(h, 'timeout 5 echo hi')).stdout, 'hi\n');
});

it('timeout reports bad durations and missing commands', async () => {
  const h = testSandbox().host('node-1');
  const bad = await run(h, 'timeout x sleep 1');
  assert.equal(bad.stderr, "timeout: invalid time interval \u2018x\u2019\nTry 'timeout --help' for more information.\n");
  assert.equal(bad.status, 125);
  const nf = await run(h, 'timeout 1 nosuch');
  assert.equal(nf.stderr, 'timeout: failed to run command \u2018nosuch\u2019: No such file or directory\n');
  assert.equal(nf.status, 127);
});
