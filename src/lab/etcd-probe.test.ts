// A check that asks a stopped etcd gets "connection refused" at once: on simulated time,
// where no clock advances by itself, an answer that waited out the 3 s deadline never comes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock } from '../platform/sim-clock.ts';
import { realClock } from '../platform/clock.ts';
import { CollectingOutput, emptyInput } from '../sandbox/io.ts';
import { installProgram } from '../sandbox/programs.ts';
import { run, testSandbox } from '../sandbox/commands/testing.ts';
import { createEtcdProbe } from './etcd-probe.ts';

test('a stopped etcd is reported as refused without waiting for the deadline', async () => {
  const clock = new SimClock(Date.UTC(2026, 10, 21));
  const sb = testSandbox();
  const probe = createEtcdProbe(sb.network.host('node-1')!, 'http://127.0.0.1:2379', { clock });
  const r = await probe.get('foo');
  assert.deepEqual(r, { ok: false, error: 'dial tcp 127.0.0.1:2379: connect: connection refused' });
  assert.equal(clock.now(), Date.UTC(2026, 10, 21));
});

test('a read refused because auth is enabled says so, and how to turn it off', async () => {
  const sb = testSandbox([{ name: 'node-1', ip: '10.0.0.11' }], realClock as unknown as SimClock);
  const h = sb.host('node-1');
  for (const n of ['etcd', 'etcdctl']) installProgram(h.rootFs, `/usr/local/bin/${n}`, n, 'v3.6.4');
  const cred = h.users.credentials('learner')!;
  const prog = h.resolveProgram('etcd', { path: '/usr/local/bin', cwd: '/home/learner', cred });
  assert.ok(prog.ok);
  const log = new CollectingOutput();
  const etcd = h.start({ command: prog.command, argv: ['etcd', '--data-dir', '/tmp/d'], env: { PATH: '/usr/local/bin:/usr/bin:/bin' }, cwd: '/home/learner', cred, stdin: emptyInput, stdout: log, stderr: log, ppid: 1 });
  try {
    const probe = createEtcdProbe(sb.network.host('node-1')!, 'http://127.0.0.1:2379');
    for (let i = 0; i < 100 && !(await probe.get('foo')).ok; i++) await new Promise((r) => setTimeout(r, 50));
    for (const cmd of ['etcdctl put foo bar', 'etcdctl user add root --new-user-password=pw', 'etcdctl auth enable']) assert.equal((await run(h, cmd)).status, 0, cmd);
    assert.deepEqual(await probe.get('foo'), {
      ok: false,
      error: "etcdserver: user name is empty (authentication is enabled, and the lab's checks read etcd without a user: turn it off with etcdctl --user root auth disable)",
    });
    assert.equal((await run(h, 'etcdctl --user root:pw auth disable')).status, 0);
    const again = await probe.get('foo');
    assert.ok(again.ok && again.value.kvs[0]?.value === 'bar');
  } finally {
    etcd.kill('SIGTERM');
    await etcd.exited;
    sb.dispose();
  }
});
