// A small stand-in Host for the shell's own tests: an in-memory disk, two users, a process
// table and a handful of programs. It implements the Host contract only as far as the
// shell needs it; the real host is src/sandbox/host.ts.
import { SimClock } from '../../../platform/sim-clock.ts';
import { SimFileSystem } from '../../../platform/sim-fs.ts';
import { FsError, dirname, resolvePath, type FileSystem } from '../../../platform/filesystem.ts';
import { readAll, readAllText, readLines, BrokenPipeError } from '../../io.ts';
import { runScriptText } from '../interpreter.ts';
import { createSpawner } from '../spawner.ts';
import { SIGNAL_NUMBERS, type Command, type CommandContext, type Credentials, type Host, type ProcessInfo, type ResolvedProgram, type RunningProcess, type SignalName, type StartOptions, type UserDatabase, type UserEntry } from '../../types.ts';

const USERS: UserEntry[] = [
  { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash', gecos: 'root' },
  { name: 'learner', uid: 1000, gid: 1000, home: '/home/learner', shell: '/bin/bash', gecos: 'Learner' },
];

const users: UserDatabase = {
  byName: (n) => USERS.find((u) => u.name === n),
  byUid: (id) => USERS.find((u) => u.uid === id),
  groupByName: (n) => (USERS.find((u) => u.name === n) ? { name: n, gid: USERS.find((u) => u.name === n)!.gid, members: [] } : undefined),
  groupByGid: (g) => {
    const u = USERS.find((x) => x.gid === g);
    return u ? { name: u.name, gid: g, members: [] } : undefined;
  },
  credentials: (n) => {
    const u = USERS.find((x) => x.name === n);
    return u ? { uid: u.uid, gid: u.gid, groups: [u.gid], user: u.name } : undefined;
  },
};

/** The disk as a non-root user sees it: /root is off limits, files with mode 0 are unreadable. */
function restricted(fs: FileSystem, cred: Credentials): FileSystem {
  if (cred.uid === 0) return fs;
  const check = (p: string, syscall: string, write: boolean) => {
    if (p === '/root' || p.startsWith('/root/')) throw new FsError('EACCES', syscall, p);
    if (write && (p.startsWith('/etc/') || p.startsWith('/usr/'))) throw new FsError('EACCES', syscall, p);
  };
  return {
    readFile: (p) => (check(p, 'open', false), fs.readFile(p)),
    writeFile: (p, d, o) => (check(p, 'open', true), fs.writeFile(p, d, o)),
    appendFile: (p, d, o) => (check(p, 'open', true), fs.appendFile(p, d, o)),
    fsync: (p) => fs.fsync(p),
    rename: (a, b) => (check(a, 'rename', true), fs.rename(a, b)),
    unlink: (p) => (check(p, 'unlink', true), fs.unlink(p)),
    mkdir: (p, o) => (check(p, 'mkdir', true), fs.mkdir(p, o)),
    rmdir: (p, o) => (check(p, 'rmdir', true), fs.rmdir(p, o)),
    readdir: (p) => (check(p, 'open', false), fs.readdir(p)),
    stat: (p) => (check(p, 'stat', false), fs.stat(p)),
    exists: (p) => fs.exists(p),
    chmod: (p, m) => fs.chmod(p, m),
  };
}

const enc = new TextEncoder();
const w = (ctx: CommandContext, s: string) => ctx.stdout.write(s);

/** Runs `fn`, turning a write to a closed pipe into SIGPIPE's status as a real program dies of it. */
async function guarded(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof BrokenPipeError) return 141;
    throw e;
  }
}

function cmd(name: string, run: (ctx: CommandContext) => Promise<number>): Command {
  return { name, summary: name, run: (ctx) => guarded(() => run(ctx)) };
}

export const FAKE_PROGRAMS: Command[] = [
  cmd('cat', async (ctx) => {
    const files = ctx.argv.slice(1);
    if (files.length === 0) {
      for (let c = await ctx.stdin.read(); c !== null; c = await ctx.stdin.read()) await ctx.stdout.write(c);
      return 0;
    }
    let st = 0;
    for (const f of files) {
      try {
        await ctx.stdout.write(ctx.fs.readFile(resolvePath(ctx.cwd, f)));
      } catch (e) {
        await ctx.stderr.write(`cat: ${f}: ${(e as FsError).reason?.() ?? 'error'}\n`);
        st = 1;
      }
    }
    return st;
  }),
  cmd('yes', async (ctx) => {
    const line = (ctx.argv.slice(1).join(' ') || 'y') + '\n';
    const chunk = line.repeat(Math.max(1, Math.floor(4096 / line.length)));
    for (;;) {
      if (ctx.signal.aborted) return 128 + SIGNAL_NUMBERS[ctx.signal.reason as SignalName];
      await ctx.stdout.write(chunk);
      await new Promise((r) => setImmediate(r));
    }
  }),
  cmd('head', async (ctx) => {
    const a = ctx.argv[1];
    const n = a === '-n' ? Number(ctx.argv[2]) : a && /^-\d+$/.test(a) ? Number(a.slice(1)) : 10;
    let i = 0;
    if (n > 0) {
      for await (const line of readLines(ctx.stdin)) {
        await w(ctx, line + '\n');
        if (++i >= n) break;
      }
    }
    return 0;
  }),
  cmd('tr', async (ctx) => {
    const [from = '', to = ''] = ctx.argv.slice(1);
    const expand = (s: string) => s.replace(/(.)-(.)/g, (_, a: string, b: string) => Array.from({ length: b.charCodeAt(0) - a.charCodeAt(0) + 1 }, (_x, k) => String.fromCharCode(a.charCodeAt(0) + k)).join(''));
    const f = expand(from);
    const t = expand(to);
    const text = await readAllText(ctx.stdin);
    await w(ctx, [...text].map((c) => (f.includes(c) ? (t[f.indexOf(c)] ?? t[t.length - 1] ?? '') : c)).join(''));
    return 0;
  }),
  cmd('wc', async (ctx) => {
    const text = await readAllText(ctx.stdin);
    const lines = (text.match(/\n/g) ?? []).length;
    await w(ctx, ctx.argv[1] === '-l' ? `${lines}\n` : `${lines} ${text.split(/\s+/).filter(Boolean).length} ${enc.encode(text).length}\n`);
    return 0;
  }),
  cmd('grep', async (ctx) => {
    const pat = ctx.argv[1] ?? '';
    let found = false;
    for await (const line of readLines(ctx.stdin)) {
      if (line.includes(pat)) {
        found = true;
        await w(ctx, line + '\n');
      }
    }
    return found ? 0 : 1;
  }),
  cmd('sleep', async (ctx) => {
    const secs = Number(ctx.argv[1] ?? '0');
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, secs * 1000);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    return ctx.signal.aborted ? 128 + SIGNAL_NUMBERS[ctx.signal.reason as SignalName] : 0;
  }),
  cmd('tee', async (ctx) => {
    const append = ctx.argv[1] === '-a';
    const files = ctx.argv.slice(append ? 2 : 1);
    const data = await readAll(ctx.stdin);
    let st = 0;
    for (const f of files) {
      try {
        if (append) ctx.fs.appendFile(resolvePath(ctx.cwd, f), data);
        else ctx.fs.writeFile(resolvePath(ctx.cwd, f), data);
      } catch (e) {
        await ctx.stderr.write(`tee: ${f}: ${(e as FsError).reason()}\n`);
        st = 1;
      }
    }
    await ctx.stdout.write(data);
    return st;
  }),
  cmd('sudo', async (ctx) => {
    const root = ctx.host.users.credentials('root')!;
    const argv = ctx.argv.slice(1);
    const st = await ctx.spawn.exec(argv, { cred: root, env: { ...ctx.env, USER: 'root', HOME: '/root' } });
    if (st === 127) await ctx.stderr.write(`sudo: ${argv[0]}: command not found\n`);
    return st === 127 ? 1 : st;
  }),
  cmd('env', async (ctx) => {
    for (const [k, v] of Object.entries(ctx.env).sort()) await w(ctx, `${k}=${v}\n`);
    return 0;
  }),
  cmd('argv', async (ctx) => {
    // Prints each argument in <>: shows exactly how the shell split words.
    await w(ctx, ctx.argv.slice(1).map((a) => `<${a}>`).join(' ') + '\n');
    return 0;
  }),
  cmd('fail', async (ctx) => Number(ctx.argv[1] ?? 1)),
  cmd('whoami', async (ctx) => (await w(ctx, ctx.proc.cred.user + '\n'), 0)),
  cmd('bash', async (ctx) => {
    const { bash } = await import('../../commands/bash.ts');
    return bash.run(ctx);
  }),
  cmd('ls', async (ctx) => {
    const dir = resolvePath(ctx.cwd, ctx.argv[1] ?? '.');
    await w(ctx, ctx.fs.readdir(dir).filter((n) => !n.startsWith('.')).join('\n') + '\n');
    return 0;
  }),
];

export class FakeHost implements Host {
  readonly hostname = 'node-1';
  readonly ip = '10.0.0.11';
  readonly clock = new SimClock(Date.UTC(2026, 10, 21, 9, 0, 0));
  readonly rootFs: FileSystem = new SimFileSystem();
  users = users;
  private nextPid = 100;
  private procs = new Map<number, { info: ProcessInfo; ac: AbortController; kill: (s: SignalName) => void }>();
  readonly events: { type: string; data?: Record<string, unknown> }[] = [];
  readonly programs = new Map<string, Command>();

  constructor() {
    const fs = this.rootFs;
    for (const d of ['/bin', '/usr/bin', '/usr/local/bin', '/etc', '/tmp', '/root', '/home/learner', '/var/lib']) fs.mkdir(d, { recursive: true });
    for (const p of FAKE_PROGRAMS) this.install(`/usr/bin/${p.name}`, p);
    this.install('/bin/sh', this.programs.get('/usr/bin/bash')!);
  }

  install(path: string, command: Command, mode = 0o755): void {
    this.rootFs.mkdir(dirname(path), { recursive: true });
    this.rootFs.writeFile(path, `#!program ${command.name}\n`, { mode });
    this.rootFs.chmod(path, mode);
    this.programs.set(path, command);
  }

  processes(): ProcessInfo[] {
    return [...this.procs.values()].map((p) => p.info);
  }

  kill(pid: number, sig: SignalName): boolean {
    const p = this.procs.get(pid);
    if (!p) return false;
    p.kill(sig);
    return true;
  }

  recordEvent(type: string, data?: Record<string, unknown>): void {
    this.events.push(data ? { type, data } : { type });
  }

  fsFor(cred: Credentials): FileSystem {
    return restricted(this.rootFs, cred);
  }

  resolveProgram(name: string, opts: { path: string; cwd: string; cred: Credentials }): ResolvedProgram {
    const fs = this.rootFs;
    const check = (file: string): ResolvedProgram | undefined => {
      if (!fs.exists(file)) return undefined;
      const st = fs.stat(file);
      if (st.type === 'dir') return { ok: false, error: 'EISDIR', file };
      const cmd = this.programs.get(file);
      if (!(st.mode & 0o111) || !cmd) return { ok: false, error: 'EACCES', file };
      return { ok: true, file, command: cmd };
    };
    if (name.includes('/')) return check(resolvePath(opts.cwd, name)) ?? { ok: false, error: 'ENOENT' };
    for (const dir of opts.path.split(':')) {
      const r = check(resolvePath(opts.cwd, `${dir || '.'}/${name}`));
      if (r && r.ok) return r;
    }
    return { ok: false, error: 'ENOENT' };
  }

  start(opts: StartOptions): RunningProcess {
    const pid = this.nextPid++;
    const info: ProcessInfo = { pid, ppid: opts.ppid, cred: opts.cred, argv: opts.argv, startedAt: 0, tty: opts.tty?.name, unit: opts.unit };
    const ac = new AbortController();
    let resolveKilled: (n: number) => void = () => {};
    const killed = new Promise<number>((r) => (resolveKilled = r));
    const kill = (sig: SignalName) => {
      if (sig === 'SIGCONT' || sig === 'SIGSTOP') return;
      if (!ac.signal.aborted) ac.abort(sig);
      if (sig === 'SIGKILL' || sig === 'SIGPIPE') resolveKilled(128 + SIGNAL_NUMBERS[sig]);
    };
    this.procs.set(pid, { info, ac, kill });
    const ctx: CommandContext = {
      argv: opts.argv,
      env: { ...opts.env },
      cwd: opts.cwd,
      stdin: opts.stdin,
      stdout: opts.stdout,
      stderr: opts.stderr,
      signal: ac.signal,
      host: this,
      proc: info,
      fs: this.fsFor(opts.cred),
      // The fake host has no network; shell tests never run networked programs.
      net: undefined as never,
      clock: this.clock,
      spawn: opts.spawn ?? createSpawner(this, { env: opts.env, cwd: opts.cwd, cred: opts.cred, stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr, ppid: () => pid }, runScriptText),
      ...(opts.tty ? { tty: { cols: opts.tty.cols, rows: opts.tty.rows } } : {}),
    };
    const ran = Promise.resolve()
      .then(() => opts.command.run(ctx))
      .catch(async (e: unknown) => {
        if (e instanceof BrokenPipeError) return 141;
        await Promise.resolve(opts.stderr.write(`${opts.argv[0]}: ${(e as Error).message}\n`)).catch(() => {});
        return 1;
      });
    const exited = Promise.race([ran, killed]).finally(() => this.procs.delete(pid));
    return { info, exited, kill };
  }
}
