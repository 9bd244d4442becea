import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NetError } from '../platform/network.ts';
import { testSandbox } from './commands/testing.ts';
import type { VirtualHost } from './host.ts';
import { CollectingOutput, emptyInput } from './io.ts';
import { ProcessLimitError } from './limits.ts';
import { installProgram } from './programs.ts';
import { createRegistry } from './programs.ts';
import { createSandbox } from './sandbox.ts';
import { builtinPrograms } from './registry.ts';
import type { Command, CommandContext, Credentials } from './types.ts';

const LEARNER: Credentials = { uid: 1000, gid: 1000, groups: [1000, 27], user: 'learner' };
const PATH = '/usr/local/bin:/usr/bin:/bin';

/** A program that waits for a signal; `stubborn` ignores SIGTERM/SIGINT like a daemon that hangs. */
function waiter(opts: { stubborn?: boolean; listenPort?: number } = {}): Command & { seen: string[] } {
  const seen: string[] = [];
  return {
    name: 'waiter',
    summary: 'waits',
    seen,
    async run(ctx: CommandContext) {
      if (opts.listenPort) await ctx.net.listen({ host: '0.0.0.0', port: opts.listenPort }, (s) => s.end());
      await new Promise<void>((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          seen.push(String(ctx.signal.reason));
          if (!opts.stubborn) resolve();
        });
      });
      throw ctx.signal.reason;
    },
  };
}

function start(host: VirtualHost, command: Command, argv = [command.name], extra: Partial<Parameters<VirtualHost['start']>[0]> = {}) {
  return host.start({ command, argv, env: { PATH }, cwd: '/home/learner', cred: LEARNER, stdin: emptyInput, stdout: new CollectingOutput(), stderr: new CollectingOutput(), ppid: 1, ...extra });
}

describe('Host.resolveProgram', () => {
  it('finds programs through PATH and by path, as execvp does', () => {
    const host = testSandbox().host('node-1');
    const r = host.resolveProgram('ls', { path: PATH, cwd: '/', cred: LEARNER });
    assert.ok(r.ok);
    assert.equal(r.file, '/usr/bin/ls');
    assert.equal(r.command.name, 'ls');
    const byPath = host.resolveProgram('/bin/cat', { path: '', cwd: '/', cred: LEARNER });
    assert.ok(byPath.ok && byPath.command.name === 'cat');
    const relative = host.resolveProgram('../../usr/bin/echo', { path: '', cwd: '/home/learner', cred: LEARNER });
    assert.ok(relative.ok && relative.file === '/usr/bin/echo');
  });

  it('does not find etcd until it is installed, then runs the installed version', async () => {
    const etcdLike: Command = { name: 'etcd', summary: 'x', run: async (ctx) => (await ctx.stdout.write(`etcd Version: ${ctx.programVersion}\n`), 0) };
    const sb = createSandbox({ hosts: [{ name: 'node-1' }], programs: createRegistry([...builtinPrograms.values(), etcdLike]) });
    const host = sb.host('node-1');
    assert.deepEqual(host.resolveProgram('etcd', { path: PATH, cwd: '/', cred: LEARNER }), { ok: false, error: 'ENOENT' });
    installProgram(host.rootFs, '/usr/local/bin/etcd', 'etcd', '3.6.4');
    const r = host.resolveProgram('etcd', { path: PATH, cwd: '/', cred: LEARNER });
    assert.ok(r.ok);
    const out = new CollectingOutput();
    const p = host.start({ command: r.command, argv: ['etcd', '--version'], env: {}, cwd: '/', cred: LEARNER, stdin: emptyInput, stdout: out, stderr: out, ppid: 1 });
    assert.equal(await p.exited, 0);
    assert.equal(out.text(), 'etcd Version: 3.6.4\n');
  });

  it('reports a file that is not executable as EACCES and a directory as EISDIR', () => {
    const host = testSandbox().host('node-1');
    host.rootFs.writeFile('/home/learner/script.sh', 'echo hi\n', { mode: 0o644 });
    assert.deepEqual(host.resolveProgram('./script.sh', { path: PATH, cwd: '/home/learner', cred: LEARNER }), { ok: false, error: 'EACCES', file: '/home/learner/script.sh' });
    assert.equal((host.resolveProgram('/tmp', { path: PATH, cwd: '/', cred: LEARNER }) as { error: string }).error, 'EISDIR');
    assert.equal((host.resolveProgram('nosuchprog', { path: PATH, cwd: '/', cred: LEARNER }) as { error: string }).error, 'ENOENT');
  });
});

describe('Host.start and signals', () => {
  it('gives pids from 1000 up, lists the process with its parent and argv, and forgets it on exit', async () => {
    const host = testSandbox().host('node-1');
    const w = waiter();
    const p = start(host, w, ['waiter', '--flag'], { tty: { name: 'pts/0', cols: 80, rows: 24 } });
    assert.ok(p.info.pid >= 1000);
    const listed = host.processes().find((x) => x.pid === p.info.pid);
    assert.deepEqual(listed?.argv, ['waiter', '--flag']);
    assert.equal(listed?.tty, 'pts/0');
    assert.equal(host.processes()[0]?.pid, 1, 'pid 1 (init) is always there');
    p.kill('SIGTERM');
    assert.equal(await p.exited, 128 + 15);
    assert.deepEqual(w.seen, ['SIGTERM']);
    assert.equal(host.processes().some((x) => x.pid === p.info.pid), false);
  });

  it('lets a program that ignores SIGTERM keep running, but SIGKILL ends it at once', async () => {
    const host = testSandbox().host('node-1');
    const w = waiter({ stubborn: true });
    const p = start(host, w);
    assert.equal(host.kill(p.info.pid, 'SIGTERM'), true);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.ok(host.processes().some((x) => x.pid === p.info.pid), 'still running after SIGTERM');
    assert.equal(host.kill(p.info.pid, 'SIGKILL'), true);
    assert.equal(await p.exited, 137);
    assert.equal(host.processes().some((x) => x.pid === p.info.pid), false);
  });

  it('closes the listeners of a SIGKILLed process so its port is free again', async () => {
    const sb = testSandbox();
    const host = sb.host('node-1');
    const p = start(host, waiter({ stubborn: true, listenPort: 2379 }));
    for (let i = 0; i < 10 && !host.network.listening().length; i++) await Promise.resolve();
    assert.deepEqual(host.network.listening(), [{ host: '0.0.0.0', port: 2379, pid: p.info.pid }]);
    p.kill('SIGKILL');
    await p.exited;
    assert.deepEqual(host.network.listening(), []);
    await assert.rejects(host.network.connect({ host: '127.0.0.1', port: 2379 }), (e: unknown) => e instanceof NetError && e.code === 'ECONNREFUSED');
  });

  it('refuses signals to other users processes unless root', async () => {
    const host = testSandbox().host('node-1');
    const root: Credentials = { uid: 0, gid: 0, groups: [0], user: 'root' };
    const p = start(host, waiter(), ['waiter'], { cred: root });
    assert.equal(host.signal(p.info.pid, 'SIGTERM', LEARNER), 'EPERM');
    assert.equal(host.signal(99999, 'SIGTERM', LEARNER), 'ESRCH');
    assert.equal(host.kill(p.info.pid, 'SIGTERM', root), true);
    assert.equal(await p.exited, 143);
  });

  it('fails to fork past the process limit', () => {
    const sb = createSandbox({ hosts: [{ name: 'node-1', limits: { processes: 3 } }] });
    const host = sb.host('node-1');
    start(host, waiter());
    start(host, waiter());
    assert.throws(() => start(host, waiter()), ProcessLimitError);
    void sb.dispose();
  });

  it('hangs up a session but not its detached or nohup-ed members', async () => {
    const host = testSandbox().host('node-1');
    const shell = start(host, waiter(), ['-bash']);
    const job = start(host, waiter(), ['sleep', '100'], { ppid: shell.info.pid });
    const daemon = start(host, waiter(), ['setsid-ed'], { ppid: shell.info.pid, detached: true });
    const nohupped = start(host, {
      name: 'nohup',
      summary: '',
      run: (ctx) => ctx.execve!(waiter(), ['etcd'], { ignoreSignals: ['SIGHUP'] }),
    }, ['nohup', 'etcd'], { ppid: shell.info.pid });
    await Promise.resolve();
    assert.deepEqual(host.processes().find((p) => p.pid === nohupped.info.pid)?.argv, ['etcd'], 'exec replaced the name');
    host.hangup(shell.info.pid);
    assert.equal(await shell.exited, 129);
    assert.equal(await job.exited, 129);
    const alive = host.processes().map((p) => p.pid);
    assert.ok(alive.includes(daemon.info.pid));
    assert.ok(alive.includes(nohupped.info.pid));
    assert.equal(host.processes().find((p) => p.pid === daemon.info.pid)?.tty, undefined);
  });

  it('stops a killed program from writing any more output', async () => {
    const host = testSandbox().host('node-1');
    const out = new CollectingOutput();
    let writes = 0;
    const chatty: Command = {
      name: 'yes',
      summary: '',
      async run(ctx) {
        for (;;) {
          await ctx.stdout.write('y\n');
          writes++;
          await new Promise((r) => setImmediate(r));
        }
      },
    };
    const p = start(host, chatty, ['yes'], { stdout: out });
    await new Promise((r) => setImmediate(r));
    p.kill('SIGKILL');
    assert.equal(await p.exited, 137);
    const before = writes;
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.ok(writes <= before + 1);
  });

  it('records process starts and exits in the event log', async () => {
    const sb = testSandbox();
    const host = sb.host('node-1');
    const p = start(host, { name: 'true', summary: '', run: async () => 0 }, ['true']);
    await p.exited;
    const types = sb.events.list({ host: 'node-1' }).map((e) => e.type);
    assert.ok(types.includes('process-start') && types.includes('process-exit'));
    const exit = sb.events.list({ type: 'process-exit' }).pop();
    assert.equal(exit?.data.status, 0);
  });
});

describe('the default spawner', () => {
  it('runs children found in PATH with the parent streams, and forwards Ctrl-C', async () => {
    const host = testSandbox().host('node-1');
    const out = new CollectingOutput();
    const parent: Command = {
      name: 'parent',
      summary: '',
      async run(ctx) {
        const status = await ctx.spawn.exec(['echo', 'from', 'child']);
        assert.equal(await ctx.spawn.exec(['no-such-thing']), 127);
        return status;
      },
    };
    const p = start(host, parent, ['parent'], { stdout: out });
    assert.equal(await p.exited, 0);
    assert.equal(out.text(), 'from child\n');
  });
});

describe('ctx.net', () => {
  it('refuses ports below 1024 to non-root processes, and lets another host connect to a process listener', async () => {
    const sb = testSandbox([{ name: 'node-1', ip: '10.0.0.11' }, { name: 'node-2', ip: '10.0.0.12' }]);
    const h1 = sb.host('node-1');
    const results: string[] = [];
    const server: Command = {
      name: 'server',
      summary: '',
      async run(ctx) {
        await assert.rejects(ctx.net.listen({ host: '0.0.0.0', port: 80 }, () => {}), (e: unknown) => e instanceof NetError && e.code === 'EACCES');
        await ctx.net.listen({ host: '0.0.0.0', port: 8080 }, (s, remote) => {
          results.push(remote.host);
          s.end('hi');
        });
        await new Promise((r) => ctx.signal.addEventListener('abort', r));
        return 0;
      },
    };
    const p = start(h1, server);
    for (let i = 0; i < 20 && !h1.network.listening().length; i++) await new Promise((r) => setImmediate(r));
    const sock = await sb.host('node-2').network.connect({ host: 'node-1', port: 8080 });
    const got = await new Promise<string>((resolve) => {
      let b = '';
      sock.on('data', (d: Buffer) => (b += d.toString()));
      sock.on('end', () => resolve(b));
    });
    assert.equal(got, 'hi');
    assert.deepEqual(results, ['10.0.0.12']);
    p.kill('SIGTERM');
    assert.equal(await p.exited, 0);
    assert.deepEqual(h1.network.listening(), []);
  });
});
