// A check that asks a stopped etcd gets "connection refused" at once: on simulated time,
// where no clock advances by itself, an answer that waited out the 3 s deadline never comes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock } from '../platform/sim-clock.ts';
import { testSandbox } from '../sandbox/commands/testing.ts';
import { createEtcdProbe } from './etcd-probe.ts';

test('a stopped etcd is reported as refused without waiting for the deadline', async () => {
  const clock = new SimClock(Date.UTC(2026, 10, 21));
  const sb = testSandbox();
  const probe = createEtcdProbe(sb.network.host('node-1')!, 'http://127.0.0.1:2379', { clock });
  const r = await probe.get('foo');
  assert.deepEqual(r, { ok: false, error: 'dial tcp 127.0.0.1:2379: connect: connection refused' });
  assert.equal(clock.now(), Date.UTC(2026, 10, 21));
});
