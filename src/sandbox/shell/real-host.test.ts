// The shell on the real virtual host (src/sandbox/host.ts) with its real programs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testSandbox } from '../commands/testing.ts';
import { TermHarness } from './testing/term-harness.ts';

function sandboxHost() {
  return testSandbox().host('node-1');
}

test('terminal on the real host: files, permissions, pipes, PATH', async () => {
  const t = new TermHarness(sandboxHost());
  await t.session.ready;
  await t.waitFor(/learner@node-1:~\$ $/);
  assert.equal(await t.run('echo hello > greeting.txt; cat greeting.txt'), 'hello');
  assert.equal(await t.run('mkdir -p a/b && cd a/b && pwd'), '/home/learner/a/b');
  assert.equal(await t.run('cd; echo x > /root/x'), '-bash: /root/x: Permission denied');
  assert.equal(await t.run('cat < /nonexistent'), '-bash: /nonexistent: No such file or directory');
  assert.equal(await t.run('etcd --version'), '-bash: etcd: command not found');
  assert.equal(await t.run('seq 3 | cat'), '1\n2\n3');
  assert.equal(await t.run('yes | cat | cat | seq 2'), '1\n2');
  assert.equal(await t.run('whoami; pwd'), 'learner\n/home/learner');
  assert.equal(await t.run('echo */'), 'a/');
  t.session.close();
});

test('Ctrl-C stops a real sleep in the foreground', async () => {
  const t = new TermHarness(sandboxHost());
  await t.session.ready;
  const from = t.raw.length;
  t.send('sleep 1000\r');
  await t.waitFor(() => t.session.state().busy, from);
  t.send('\x03');
  await t.waitFor(/\^C\nlearner@node-1:~\$ $/, from);
  assert.equal(await t.run('echo $?'), '130');
  t.session.close();
});

test('the shell is a process on the host, and background jobs are its children', async () => {
  const host = sandboxHost();
  const t = new TermHarness(host);
  await t.session.ready;
  const pid = Number(await t.run('echo $$'));
  const shell = host.processes().find((p) => p.pid === pid);
  assert.ok(shell, 'shell process listed');
  assert.equal(shell.tty, 'pts/0');
  const started = await t.run('sleep 500 &');
  const m = /^\[1\] (\d+)$/.exec(started);
  assert.ok(m, started);
  const child = host.processes().find((p) => p.pid === Number(m[1]));
  assert.equal(child?.ppid, pid);
  assert.equal(await t.run('echo $!'), m[1]);
  t.session.close();
  await t.session.exited;
  await t.waitFor(() => !host.processes().some((p) => p.argv[0] === 'sleep'));
});
