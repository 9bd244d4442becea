import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SimClock } from '../platform/sim-clock.ts';
import type { VirtualHost } from './host.ts';
import { CollectingOutput, emptyInput } from './io.ts';
import { chargeTo, declareUsage, ProcessTable, SMALL_PROGRAM_RSS_BYTES } from './processes.ts';
import { createRegistry } from './programs.ts';
import { createSandbox } from './sandbox.ts';
import type { Command, CommandContext, Credentials } from './types.ts';

const ROOT: Credentials = { uid: 0, gid: 0, groups: [0], user: 'root' };

/** Spins for at least ms of the same clock the accounting reads; returns how long it spun. */
function spin(ms: number): number {
  const start = performance.now();
  let now = start;
  while (now - start < ms) now = performance.now();
  return now - start;
}

function table() {
  const t = new ProcessTable(new SimClock(0), 16);
  const proc = (unit?: string) => t.create({ argv: ['x'], cred: ROOT, ppid: 1, tty: undefined, unit, detached: true });
  return { t, proc };
}

it('time spent inside another process is charged to that one only', () => {
  const { proc } = table();
  const outer = proc();
  const inner = proc();
  let outerSpun = 0;
  let innerSpun = 0;
  const before = performance.now();
  chargeTo(outer, () => {
    outerSpun += spin(3);
    chargeTo(inner, () => (innerSpun += spin(5)));
    outerSpun += spin(2);
  });
  const wall = performance.now() - before;
  assert.ok(inner.cpuMs >= innerSpun, `inner charged ${inner.cpuMs} for ${innerSpun} spun`);
  assert.ok(outer.cpuMs >= outerSpun, `outer charged ${outer.cpuMs} for ${outerSpun} spun`);
  // Nothing counted twice: the two together fit in the outer call.
  assert.ok(outer.cpuMs + inner.cpuMs <= wall + 1e-6, `${outer.cpuMs} + ${inner.cpuMs} > ${wall}`);
});

it("a unit's CPU outlives its processes and starts from zero when the unit starts again", () => {
  const { t, proc } = table();
  assert.equal(t.unitCpuMs('a.service'), undefined);
  t.resetUnitCpu('a.service');
  const p = proc('a.service');
  const spun = chargeTo(p, () => spin(2));
  p.finish(0);
  assert.ok((t.unitCpuMs('a.service') ?? 0) >= spun);
  t.resetUnitCpu('a.service');
  assert.equal(t.unitCpuMs('a.service'), 0);
});

it("a program's timers, connections and socket data are charged to it, not to the peer that wrote", async () => {
  const clock = new SimClock(Date.UTC(2026, 10, 21));
  let serverSpun = 0;
  let gotData!: () => void;
  const dataSeen = new Promise<void>((r) => (gotData = r));
  const server: Command = {
    name: 'server',
    summary: 'spins on a timer and on each chunk it reads',
    async run(ctx: CommandContext) {
      declareUsage(ctx.proc, { threads: 4, memoryBytes: () => 5 * 1024 * 1024 });
      ctx.clock.after(10, () => (serverSpun += spin(4)));
      await ctx.net.listen({ host: '0.0.0.0', port: 7000 }, (socket) => {
        socket.on('data', () => {
          serverSpun += spin(15);
          gotData();
        });
      });
      await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
      return 0;
    },
  };
  const client: Command = {
    name: 'client',
    summary: 'writes one chunk',
    async run(ctx: CommandContext) {
      const s = await ctx.net.connect({ host: '127.0.0.1', port: 7000 });
      s.write('hello');
      await dataSeen;
      s.end();
      return 0;
    },
  };
  const sb = createSandbox({ hosts: [{ name: 'node-1' }], clock, programs: createRegistry([server, client]) });
  const h = sb.host('node-1') as VirtualHost;
  try {
    const io = { env: {}, cwd: '/', cred: ROOT, stdin: emptyInput, stdout: new CollectingOutput(), stderr: new CollectingOutput(), ppid: 1 };
    h.resetUnitUsage('server.service');
    const srv = h.start({ ...io, command: server, argv: ['server'], unit: 'server.service', detached: true });
    h.resetUnitUsage('client.service');
    await new Promise((r) => setImmediate(r));
    clock.advance(10);
    const cli = h.start({ ...io, command: client, argv: ['client'], unit: 'client.service', detached: true });
    assert.equal(await cli.exited, 0);
    const s = h.unitUsage('server.service');
    assert.ok((s.cpuMs ?? 0) >= serverSpun && serverSpun >= 19, `server charged ${s.cpuMs} for ${serverSpun} spun`);
    assert.ok((h.unitUsage('client.service').cpuMs ?? 0) < 15, 'the 15 ms spent reading are not the writer’s');
    assert.deepEqual({ processes: s.processes, tasks: s.tasks, memoryBytes: s.memoryBytes }, { processes: 1, tasks: 4, memoryBytes: 5 * 1024 * 1024 });
    srv.kill('SIGTERM');
    await srv.exited;
    // Ended: no tasks or memory left, the CPU it used is still known.
    const after = h.unitUsage('server.service');
    assert.deepEqual({ processes: after.processes, tasks: after.tasks, memoryBytes: after.memoryBytes }, { processes: 0, tasks: 0, memoryBytes: 0 });
    assert.ok((after.cpuMs ?? 0) >= serverSpun);
  } finally {
    await sb.dispose();
  }
});

it('declareUsage: defaults for programs that say nothing, bad thread counts and foreign processes ignored', () => {
  const { proc } = table();
  const p = proc();
  assert.equal(p.threads, 1);
  assert.equal(p.memoryBytes(), SMALL_PROGRAM_RSS_BYTES);
  declareUsage(p, { threads: 0 });
  declareUsage(p, { threads: 2.5 });
  assert.equal(p.threads, 1);
  declareUsage(p, { threads: 7 });
  assert.equal(p.threads, 7);
  const stranger = { pid: 5, ppid: 1, cred: ROOT, argv: ['x'], startedAt: 0, tty: undefined, unit: undefined };
  declareUsage(stranger, { threads: 3 });
  assert.equal('threads' in stranger, false);
});
