import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testSandbox } from './testing.ts';
import { CollectingOutput, emptyInput } from '../io.ts';
import { processRecordOf } from '../processes.ts';
import type { Command } from '../types.ts';

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
  assert.equal((await run(h, ['ps', '-o', 'pid=,comm=', '-p', String(pid)])).stdout, `${String(pid).padStart(5)} sleep\n`); // procps pads PID to 5 even without a header
  assert.equal((await run(h, 'ps -p 99999')).status, 1);
  assert.match((await run(h, 'ps --bogus')).stderr, /^error: unknown gnu long option\n/);
  await stop();
});

it('ps shows the CPU time and resident memory the host accounts (what systemctl status and free count)', async () => {
  const sb = testSandbox();
  const h = sb.host('node-1');
  // A program that has used 65 s of CPU, then waits until it is killed.
  const burner: Command = {
    name: 'burner',
    summary: 'test program',
    run: (ctx) => {
      processRecordOf(ctx.proc)!.chargeCpu(65_000);
      return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(137)));
    },
  };
  const out = new CollectingOutput();
  const p = h.start({ command: burner, argv: ['burner'], env: {}, cwd: '/', cred: h.users.credentials('learner')!, stdin: emptyInput, stdout: out, stderr: out, ppid: 1 });
  sb.clock.advance(100_000);
  const o = (await run(h, ['ps', '-o', 'pid,time,bsdtime,%cpu,%mem,rss,comm', '-p', `1,${p.info.pid}`])).stdout.split('\n');
  assert.equal(o[0], '  PID     TIME   TIME %CPU %MEM   RSS COMMAND');
  // init holds 12288 kB, 0.6 % of the host's 2014256 kB; burner a small C program's 1760 kB.
  assert.equal(o[1], '    1 00:00:00   0:00  0.0  0.6 12288 systemd');
  // 65 s of CPU over the 100 s it has run: 65.0 %.
  assert.equal(o[2], `${String(p.info.pid).padStart(5)} 00:01:05   1:05 65.0  0.0  1760 burner`);
  p.kill('SIGKILL');
  await p.exited;
});
