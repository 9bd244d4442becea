import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testSandbox } from './testing.ts';

it('setsid starts the program in its own session without a terminal and returns at once', async () => {
  const sb = testSandbox();
  const h = sb.host('node-1');
  const r = await run(h, 'setsid sleep 100', { tty: true });
  assert.equal(r.status, 0);
  const p = h.processes().find((x) => x.argv[0] === 'sleep');
  assert.ok(p);
  assert.equal(p.tty, undefined);
  assert.equal(p.sid, p.pid);
  assert.equal((await run(h, 'setsid nosuch')).stderr, 'setsid: failed to execute nosuch: No such file or directory\n');
  await sb.dispose();
});
