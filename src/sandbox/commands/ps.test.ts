import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testSandbox } from './testing.ts';

async function withSleeper() {
  const sb = testSandbox();
  const h = sb.host('node-1');
  const ac = new AbortController();
  const sleeper = run(h, 'sleep 100', { signal: ac.signal, tty: true });
  await new Promise((r) => setImmediate(r));
  const pid = h.processes().find((p) => p.argv[0] === 'sleep')!.pid;
  return { sb, h, pid, stop: async () => (ac.abort('SIGKILL'), await sleeper) };
}

it('ps -ef and ps aux list processes with procps columns', async () => {
  const { h, pid, stop } = await withSleeper();
  const ef = (await run(h, 'ps -ef')).stdout.split('\n');
  assert.match(ef[0]!, /^UID +PID +PPID +C STIME TTY +TIME CMD$/);
  assert.ok(ef.some((l) => new RegExp(`^learner +${pid} +1 +0 09:00 pts/0 +00:00:00 sleep 100$`).test(l)), ef.join('\n'));
  assert.ok(ef.some((l) => /^root +1 +0 +0 09:00 \? +00:00:00 \/sbin\/init$/.test(l)));
  const aux = (await run(h, 'ps aux')).stdout.split('\n');
  assert.equal(aux[0], 'USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND');
  assert.ok(aux.some((l) => new RegExp(`^learner +${pid}  0\\.0  0\\.0 +\\d+ +\\d+ pts/0 +Ss? +09:00 +0:00 sleep 100$`).test(l)), aux.join('\n'));
  await stop();
});

it('ps without options shows this user on this terminal; -p and -o select and format', async () => {
  const { h, pid, stop } = await withSleeper();
  const plain = await run(h, 'ps', { tty: true });
  assert.match(plain.stdout, new RegExp(`^ +PID TTY +TIME CMD\n +${pid} pts/0 +00:00:00 sleep\n`));
  assert.equal((await run(h, ['ps', '-o', 'pid=,comm=', '-p', String(pid)])).stdout, `${pid} sleep\n`);
  assert.equal((await run(h, 'ps -p 99999')).status, 1);
  assert.match((await run(h, 'ps --bogus')).stderr, /^error: unknown gnu long option\n/);
  await stop();
});
