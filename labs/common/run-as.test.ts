// runAs: a check's question to a host, asked as one of its users, bounded in time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSandbox } from '../../src/sandbox/sandbox.ts';
import { runAs } from './run-as.ts';

test('runs as the user with a login environment, kills the whole tree past its deadline, and words what cannot start', async () => {
  const sb = createSandbox({ hosts: [{ name: 'node-1', ip: '10.0.0.11' }] });
  const h = sb.host('node-1');
  try {
    const who = await runAs(h, 'learner', ['bash', '--login', '-c', 'id -un; echo $HOME']);
    assert.deepEqual(who, { status: 0, stdout: 'learner\n/home/learner\n', stderr: '', timedOut: false });

    const slow = await runAs(h, 'learner', ['bash', '-c', 'sleep 30; echo never'], { timeoutMs: 300 });
    assert.equal(slow.timedOut, true);
    assert.equal(slow.stdout, '');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(h.processes().filter((p) => p.cred.user === 'learner'), [], 'the sleep under bash was killed too');

    assert.equal((await runAs(h, 'nobody2', ['true'])).error, 'there is no user nobody2 on node-1');
    assert.equal((await runAs(h, 'learner', ['etcd'])).error, 'etcd: command not found (as learner on node-1)');
  } finally {
    await sb.dispose();
  }
});
