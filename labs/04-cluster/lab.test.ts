// Lab 04's reference solution, typed into a terminal on node-1 (reaching node-2 and
// node-3 with ssh), must pass every check; on fresh hosts every check fails and says
// what it found.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCheckContext } from '../../src/lab/check-context.ts';
import { runOneCheck } from '../../src/lab/run-checks.ts';
import { TerminalDriver } from '../../src/lab/terminal-driver.ts';
import lab from './lab.ts';
import { clusterLabSandbox } from './testing.ts';

test('on fresh hosts every task fails and says what it looked at', async () => {
  const sandbox = await clusterLabSandbox(lab);
  try {
    const ctx = createCheckContext(sandbox);
    const msgs = new Map<string, string>();
    for (const task of lab.tasks) {
      const r = await runOneCheck(task, ctx);
      assert.equal(r.ok, false, `${task.id} passed on fresh hosts: ${r.message}`);
      msgs.set(task.id, r.message);
    }
    assert.match(msgs.get('form-cluster')!, /no etcd process runs on node-1, node-2, node-3/);
    assert.match(msgs.get('replicated-write')!, /node-1 \(10\.0\.0\.11:2379\): .*connection refused/);
    assert.match(msgs.get('survive-one')!, /has not recorded a cluster of 3 members/);
    assert.match(msgs.get('lose-quorum')!, /has not recorded a cluster of 3 members/);
    assert.match(msgs.get('recover')!, /quorum has not been lost yet/);
  } finally {
    sandbox.dispose();
  }
});

test('the reference solution passes every check, and the terminal shows what etcd does', async () => {
  const sandbox = await clusterLabSandbox(lab);
  const term = new TerminalDriver(sandbox, { host: 'node-1' });
  const ctx = createCheckContext(sandbox);
  const check = async (id: string) => runOneCheck(lab.tasks.find((t) => t.id === id)!, ctx);
  try {
    assert.ok(await term.ready(), term.output);
    const outputs: string[] = [];
    for (const line of lab.solution) {
      const r = await term.run(line, { timeoutMs: 30_000 });
      assert.ok(r.completed, `"${line}" did not come back to the prompt:\n${r.output}`);
      outputs.push(r.output);
      // The checks that depend on a moment are asked at that moment, as the page does.
      if (line === 'sleep 2' && outputs.length === 5) assert.equal((await check('form-cluster')).ok, true, (await check('form-cluster')).message);
    }
    const out = term.output;
    assert.match(out, /\| +ID +\| STATUS +\| +NAME +\| +PEER ADDRS +\| +CLIENT ADDRS +\| IS LEARNER \|/);
    for (const n of [1, 2, 3]) assert.match(out, new RegExp(`\\| started \\| node-${n} \\| http://10\\.0\\.0\\.1${n}:2380 \\| http://10\\.0\\.0\\.1${n}:2379 \\|`));
    assert.match(out, /http:\/\/10\.0\.0\.12:2379 is healthy: successfully committed proposal/);
    assert.match(out, /\ngreeting\nhello from node-1\n/); // read on node-3
    assert.match(out, /Failed to get the status of endpoint 10\.0\.0\.11:2379 \(context deadline exceeded\)/);
    assert.match(out, /Error: context deadline exceeded/); // the write without a quorum
    assert.match(out, /etcdserver: no leader/); // endpoint status of the survivor
    assert.match(out, /\n\{"health":"false","reason":"RAFT NO LEADER"\}/); // its health endpoint
    for (const task of lab.tasks) {
      const r = await runOneCheck(task, ctx);
      assert.ok(r.ok, `${task.id} failed after the solution: ${r.message}`);
    }
  } finally {
    term.close();
    sandbox.dispose();
  }
});
