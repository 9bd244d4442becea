import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bytesToString } from '../../platform/filesystem.ts';
import { run, testSandbox } from './testing.ts';

it('nohup becomes the command, ignores SIGHUP, and sends terminal output to nohup.out', async () => {
  const sb = testSandbox();
  const h = sb.host('node-1');
  const p = run(h, 'nohup sleep 100', { tty: true });
  await new Promise((r) => setImmediate(r));
  const proc = h.processes().find((x) => x.argv[0] === 'sleep');
  assert.ok(proc, 'one process, named sleep');
  assert.equal(h.processes().some((x) => x.argv[0] === 'nohup'), false);
  h.kill(proc.pid, 'SIGHUP');
  await new Promise((r) => setImmediate(r));
  assert.ok(h.processes().some((x) => x.pid === proc.pid), 'SIGHUP ignored');
  h.kill(proc.pid, 'SIGTERM');
  const r = await p;
  assert.equal(r.status, 143);
  assert.equal(r.stderr, "nohup: ignoring input and appending output to 'nohup.out'\n");
  assert.equal(h.rootFs.stat('/home/learner/nohup.out').mode, 0o600);
  await run(h, ['nohup', 'echo', 'hello'], { tty: true });
  assert.equal(bytesToString(h.rootFs.readFile('/home/learner/nohup.out')), 'hello\n');
});

it('nohup reports a missing command', async () => {
  const h = testSandbox().host('node-1');
  const r = await run(h, 'nohup nosuch');
  assert.equal(r.stderr, "nohup: failed to run command 'nosuch': No such file or directory\n");
  assert.equal(r.status, 127);
  assert.equal((await run(h, 'nohup')).stderr, "nohup: missing operand\nTry 'nohup --help' for more information.\n");
});
