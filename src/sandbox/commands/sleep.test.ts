import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseInterval } from './sleep.ts';
import { run, testSandbox } from './testing.ts';

it('sleep parses NUMBER[smhd]', () => {
  assert.equal(parseInterval('1.5'), 1.5);
  assert.equal(parseInterval('2m'), 120);
  assert.equal(parseInterval('1d'), 86400);
  assert.equal(parseInterval('1x'), undefined);
});

it('sleep waits on the host clock and ends early on SIGINT with 130', async () => {
  const sb = testSandbox();
  const h = sb.host('node-1');
  let done = false;
  const p = run(h, 'sleep 10').then((r) => ((done = true), r));
  await new Promise((r) => setImmediate(r));
  sb.clock.advance(9000);
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false);
  sb.clock.advance(1000);
  assert.equal((await p).status, 0);
  const ac = new AbortController();
  const q = run(h, 'sleep 100', { signal: ac.signal });
  await new Promise((r) => setImmediate(r));
  ac.abort('SIGINT');
  assert.equal((await q).status, 130);
});

it('sleep reports bad intervals like GNU sleep', async () => {
  const sb = testSandbox();
  const r = await run(sb.host('node-1'), 'sleep 1x');
  assert.equal(r.stderr, "sleep: invalid time interval \u20181x\u2019\nTry 'sleep --help' for more information.\n");
  assert.equal(r.status, 1);
  assert.equal((await run(sb.host('node-1'), 'sleep')).stderr, "sleep: missing operand\nTry 'sleep --help' for more information.\n");
});
