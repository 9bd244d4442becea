// Runaway programs on a host with a small CPU limit: they end as RLIMIT_CPU ends them
// (SIGXCPU, status 152, bash's words) without holding the event loop while they run; and
// programs that grow memory end with the real tool's out-of-memory message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimClock } from '../platform/sim-clock.ts';
import { run } from './commands/testing.ts';
import { budgetFor, CpuLimitExceeded } from './cpu-budget.ts';
import { createSandbox } from './sandbox.ts';
import { TermHarness } from './shell/testing/term-harness.ts';
import type { ProcessInfo } from './types.ts';
import { CollectingOutput, emptyInput } from './io.ts';

const CPU_LIMIT_MS = 150;

function limitedHost(cpuMsPerProcess = CPU_LIMIT_MS) {
  const sb = createSandbox({ hosts: [{ name: 'node-1', ip: '10.0.0.11', limits: { cpuMsPerProcess } }], clock: new SimClock(Date.UTC(2026, 10, 21, 9)) });
  return sb.host('node-1');
}

/** Runs cmd with bash -c while an interval counts how often the event loop got round to it. */
async function runWatched(cmd: string) {
  const h = limitedHost();
  let fired = 0;
  const timer = setInterval(() => fired++, 1);
  try {
    const r = await run(h, ['bash', '-c', cmd]);
    return { ...r, fired };
  } finally {
    clearInterval(timer);
  }
}

test('an endless sed loop ends with SIGXCPU (152) and the event loop keeps running meanwhile', async () => {
  const r = await runWatched(`echo x | sed ':a;ba'; echo "status $?"`);
  assert.equal(r.stdout, 'status 152\n');
  assert.ok(r.fired > 0, 'a timer fired while sed looped');
});

test('an endless awk loop ends with SIGXCPU (152) and the event loop keeps running meanwhile', async () => {
  const r = await runWatched(`awk 'BEGIN { while (1) {} }'; echo "status $?"`);
  assert.equal(r.stdout, 'status 152\n');
  assert.ok(r.fired > 0, 'a timer fired while awk looped');
});

test('endless recursion without loops, and grep over a big file, are checked too', async () => {
  // 2^100 calls, never deeper than 100: no loop statement anywhere.
  const r = await runWatched(`awk 'function f(n) { if (n < 100) { f(n + 1); f(n + 1) } } BEGIN { f(0) }'; echo "status $?"`);
  assert.equal(r.stdout, 'status 152\n');
  const h = limitedHost(60_000);
  await run(h, ['bash', '-c', 'seq 1 200000 > /tmp/big']);
  let fired = 0;
  const timer = setInterval(() => fired++, 1);
  const g = await run(h, ['bash', '-c', 'grep -c 7 /tmp/big']).finally(() => clearInterval(timer));
  assert.equal(g.stdout, '81902\n');
  assert.ok(fired > 0, 'a timer fired while grep read 200000 lines');
});

test('the terminal reports a foreground job killed for its CPU time as bash does', async () => {
  const t = new TermHarness(limitedHost());
  await t.session.ready;
  await t.waitFor(/\$ $/);
  assert.equal(await t.run(`awk 'BEGIN { while (1) x++ }'`), 'CPU time limit exceeded');
  assert.equal(await t.run('echo $?'), '152');
  assert.equal(await t.run(`echo x | sed ':a;s/x/x/;ba'`), 'CPU time limit exceeded');
  t.session.close();
});

test('the CPU the loop used is charged to its process (systemctl status CPU:, CPUUsageNSec)', async () => {
  const h = limitedHost();
  const awk = h.resolveProgram('awk', { path: '/usr/bin', cwd: '/', cred: h.users.credentials('learner')! });
  assert.ok(awk.ok);
  const stderr = new CollectingOutput();
  const p = h.start({ command: awk.command, argv: ['awk', 'BEGIN { while (1) {} }'], env: {}, cwd: '/', cred: h.users.credentials('learner')!, stdin: emptyInput, stdout: new CollectingOutput(), stderr, ppid: 1 });
  assert.equal(await p.exited, 152);
  assert.equal(stderr.text(), '');
  const cpuMs = (p.info as ProcessInfo & { cpuMs: number }).cpuMs;
  assert.ok(cpuMs >= CPU_LIMIT_MS, `charged ${cpuMs} ms`);
});

test('awk that keeps growing a string or an array runs out of memory in mawk words', async () => {
  const h = limitedHost(60_000);
  const s = await run(h, ['awk', '{ s = "x"; while (1) s = s s }'], { stdin: 'line\n' });
  assert.equal(s.status, 2);
  assert.equal(s.stderr, 'awk: run time error: out of memory\n\tFILENAME="-" FNR=1 NR=1\n');
  const a = await run(h, ['awk', 'BEGIN { s = sprintf("%1000000s", ""); while (1) a[i++] = s }']);
  assert.equal(a.status, 2);
  assert.equal(a.stderr, 'awk: run time error: out of memory\n\tFILENAME="" FNR=0 NR=0\n');
  const w = await run(h, ['awk', 'BEGIN { x = sprintf("%900000000d", 1) }']);
  assert.equal(w.status, 2);
  assert.match(w.stderr, /^awk: run time error: out of memory\n/);
  // Memory held by a function's local array is given back when the call returns.
  const local = await run(h, ['awk', 'function f(n,  t) { t[1] = sprintf("%1000000s", n); return length(t[1]) } BEGIN { for (i = 0; i < 200; i++) s += f(i); print s }']);
  assert.deepEqual(local, { status: 0, stdout: '200000000\n', stderr: '' });
});

test('sed whose pattern or hold space keeps growing runs out of memory in GNU sed words', async () => {
  const h = limitedHost(60_000);
  const g = await run(h, ['sed', 'h;:a;G;h;ba'], { stdin: 'x\n' });
  assert.deepEqual(g, { status: 1, stdout: '', stderr: 'sed: memory exhausted\n' });
  const n = await run(h, ['sed', 'x;:a;H;x;H;x;ba'], { stdin: 'x\n' });
  assert.deepEqual(n, { status: 1, stdout: '', stderr: 'sed: memory exhausted\n' });
});

test('a loop that prints keeps its output flowing, so the output limit (not memory) stops it', async () => {
  // A roomy budget: on a loaded machine 150 ms can pass before sed's first slice yields,
  // and what this test is about is head ending sed, not the CPU limit.
  const h = limitedHost(5_000);
  const r = await run(h, ['bash', '-c', `echo x | sed -n ':a;p;ba' | head -n 3`]);
  assert.deepEqual(r, { status: 0, stdout: 'x\nx\nx\n', stderr: '' });
});

test('a budget outside a host counts its own time and throws at its limit', async () => {
  const budget = budgetFor({} as ProcessInfo, undefined, 20);
  await assert.rejects(async () => {
    for (let i = 0; i < 1e9; i++) if (budget.step()) await budget.tick();
  }, CpuLimitExceeded);
  assert.ok(budget.usedMs > 20);
});
