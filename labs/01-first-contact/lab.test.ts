// Lab 01's reference solution, typed into a real terminal on a real sandbox, must pass
// every check; on a fresh sandbox every check must fail and say what it found.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCheckContext } from '../../src/lab/check-context.ts';
import { runOneCheck } from '../../src/lab/run-checks.ts';
import { realSandboxProvider } from '../../src/lab/sandbox-provider.ts';
import { TerminalDriver } from '../../src/lab/terminal-driver.ts';
import lab from './lab.ts';

test('on a fresh sandbox every task fails with a message about what it found', async () => {
  const sandbox = await realSandboxProvider.create(lab);
  try {
    const ctx = createCheckContext(sandbox);
    const results = new Map<string, string>();
    for (const task of lab.tasks) {
      const r = await runOneCheck(task, ctx);
      assert.equal(r.ok, false, `${task.id} must not pass on a fresh host: ${r.message}`);
      results.set(task.id, r.message);
    }
    assert.match(results.get('start-etcd')!, /no etcd process is running on node-1/);
    assert.match(results.get('write-foo')!, /nothing answers on 127\.0\.0\.1:2379/);
    assert.match(results.get('watch-key')!, /nothing answers on 127\.0\.0\.1:2379/);
  } finally {
    sandbox.dispose();
  }
});

test('the reference solution, typed into a terminal, passes every check', async () => {
  const sandbox = await realSandboxProvider.create(lab);
  const term = new TerminalDriver(sandbox, { host: 'node-1' });
  try {
    assert.ok(await term.ready(), `no prompt after login:\n${term.output}`);
    for (const line of lab.solution) {
      const r = await term.run(line);
      assert.ok(r.completed, `"${line}" did not come back to the prompt:\n${r.output}`);
    }
    const out = term.output;
    // What the learner sees along the way (a few landmarks, not the whole transcript).
    assert.match(out, /\{"health":"true"/);
    assert.match(out, /is healthy: successfully committed proposal/);
    assert.match(out, /\nfoo\nbar\n/);
    assert.match(out, /\n\/foo\n\n\/foo\/bar\n\n\/foo\/bar\/baz\n/);
    assert.match(out, /\n3\n/); // del --prefix /foo deleted three keys
    assert.match(out, /PUT\nfoo\nhello\n/); // the watch saw the write

    const ctx = createCheckContext(sandbox);
    for (const task of lab.tasks) {
      const r = await runOneCheck(task, ctx);
      assert.ok(r.ok, `${task.id} failed after the solution: ${r.message}`);
    }
  } finally {
    term.close();
    sandbox.dispose();
  }
});

test('etcd in the foreground streams its log and stops on Ctrl-C, keeping its data dir', async () => {
  const sandbox = await realSandboxProvider.create(lab);
  const term = new TerminalDriver(sandbox, { host: 'node-1' });
  try {
    await term.ready();
    const from = term.output.length;
    term.keys('etcd\r');
    assert.ok(await term.waitFor((s) => s.includes('ready to serve client requests'), { from, timeoutMs: 10_000 }), term.output);
    term.keys('\x03');
    assert.ok(await term.waitFor((s) => /received signal; shutting down[\s\S]*\$ $/.test(s), { from, timeoutMs: 10_000 }), term.output);
    const ls = await term.run('ls default.etcd');
    assert.match(ls.output, /\nmember\n/);
    const start = lab.tasks.find((t) => t.id === 'start-etcd')!;
    const r = await runOneCheck(start, createCheckContext(sandbox));
    assert.equal(r.ok, false, 'a foreground etcd that was stopped does not complete the background task');
  } finally {
    term.close();
    sandbox.dispose();
  }
});

test('a task that was done and undone says what changed (etcd stopped)', async () => {
  const sandbox = await realSandboxProvider.create(lab);
  const term = new TerminalDriver(sandbox, { host: 'node-1' });
  try {
    await term.ready();
    await term.run('etcd > etcd.log 2>&1 &');
    const ctx = createCheckContext(sandbox);
    const start = lab.tasks.find((t) => t.id === 'start-etcd')!;
    // etcd takes a moment to start and to stop: poll, boundedly, as the page does.
    const settle = async (want: boolean) => {
      let r = await runOneCheck(start, ctx);
      for (let i = 0; i < 50 && r.ok !== want; i++) {
        await new Promise((res) => setTimeout(res, 200));
        r = await runOneCheck(start, ctx);
      }
      return r;
    };
    assert.equal((await settle(true)).ok, true);
    await term.run('kill %1');
    const after = await settle(false);
    assert.equal(after.ok, false);
    assert.match(after.message, /no etcd process/);
  } finally {
    term.close();
    sandbox.dispose();
  }
});

test('curl and etcdctl typed right after starting etcd wait for it and get their answer', async () => {
  // Before: a connection made while etcd was still starting lost the request bytes
  // (the virtual socket was already flowing), so curl hung for good.
  const sandbox = await realSandboxProvider.create(lab);
  const term = new TerminalDriver(sandbox, { host: 'node-1' });
  try {
    await term.ready();
    const health = await term.run('etcd > etcd.log 2>&1 & curl -s -m 8 http://127.0.0.1:2379/health; echo " curl=$?"', { timeoutMs: 12_000 });
    assert.match(health.output, /\{"health":"true","reason":""\} curl=0\n/);
    await term.run('kill %1; wait');
    const get = await term.run('etcd > etcd.log 2>&1 & etcdctl put foo bar; echo "etcdctl=$?"', { timeoutMs: 12_000 });
    assert.match(get.output, /\nOK\netcdctl=0\n/);
  } finally {
    term.close();
    sandbox.dispose();
  }
});
