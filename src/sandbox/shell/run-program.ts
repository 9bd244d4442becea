// Running programs from the shell: PATH lookup with bash's errors, the process on the
// host, waiting for it in the foreground, and background jobs (`cmd &`).
import { BrokenPipeError, type OutputStream } from '../io.ts';
import { SIGNAL_NUMBERS, type RunningProcess, type SignalName } from '../types.ts';
import type { AndOr, SimpleCommand } from './ast.ts';
import { BUILTINS } from './builtins/index.ts';
import { expandString, expandWords } from './expand.ts';
import type { IO, ShellContext } from './shell-context.ts';
import { plainText } from './parser.ts';
import { applyRedirects, withLeftover } from './redirect.ts';
import { ExitSignal, InterruptSignal, ShellError } from './state.ts';
import { deathSignal, reportFinishedJobs, reportForegroundDeath, simpleCommandText } from './signal-report.ts';
import { setCpuRlimit } from '../processes.ts';

/**
 * Finds and starts a program; waits for it in the foreground. `source` is the simple command
 * it came from and `reportTo` the shell's streams before its redirections (bash's report of
 * a death by a signal goes there).
 */
export async function runProgram(sh: ShellContext, argv: string[], env: Record<string, string>, io: IO, opts: { detached?: boolean; source?: SimpleCommand; reportTo?: IO } = {}): Promise<number> {
  const started = startProgram(sh, argv, env, io, opts);
  if (typeof started === 'number') return started;
  const rp = await started;
  if (typeof rp === 'number') return rp;
  sh.rt.foreground.add(rp);
  try {
    const status = await sh.rt.waitExternal(rp.exited);
    if (status === 130 && sh.rt.interactive) sh.rt.interrupt(130);
    else if (opts.source && opts.source === sh.execCandidate && !sh.rt.interactive && !sh.state.traps.has('EXIT')) {
      // `bash -c '…; cmd'` execs its last simple command: its death is the shell's own,
      // reported by whoever waits for the shell rather than by the shell.
      const sig = deathSignal(rp, status);
      if (sig !== undefined) sh.rt.execDeathSignal = sig;
    } else if (!sh.quietDeaths) await reportForegroundDeath(sh, opts.reportTo ?? io, rp, status, opts.source ? simpleCommandText(opts.source) : argv.join(' '));
    // The shell's own stderr, not the command's redirections, gets its reports.
    if (!sh.rt.interactive) await reportFinishedJobs(sh, opts.reportTo ?? io);
    return status;
  } finally {
    sh.rt.foreground.delete(rp);
  }
}

/** Resolves argv[0] and starts it; a number is an exit status (not found, not executable). */
export function startProgram(sh: ShellContext, argv: string[], env: Record<string, string>, io: IO, opts: { detached?: boolean } = {}): Promise<RunningProcess | number> | number {
  const name = argv[0]!;
  const host = sh.rt.host;
  const res = host.resolveProgram(name, { path: sh.state.get('PATH') ?? '', cwd: sh.state.cwd, cred: sh.state.cred });
  if (!res.ok) {
    const msg =
      res.error === 'ENOENT'
        ? name.includes('/')
          ? `${name}: No such file or directory`
          : `${name}: command not found`
        : res.error === 'EACCES'
          ? `${name}: Permission denied`
          : `${name}: Is a directory`;
    return sh.error(io, msg).then(() => (res.error === 'ENOENT' ? 127 : 126));
  }
  let rp: RunningProcess | undefined;
  const guard = (s: OutputStream): OutputStream => ({
    isTTY: s.isTTY,
    write: async (c) => {
      try {
        await s.write(c);
      } catch (e) {
        if (e instanceof BrokenPipeError) rp?.kill('SIGPIPE');
        throw e;
      }
    },
  });
  // The controlling terminal stays the session's even when output is redirected.
  const tty = sh.rt.tty;
  rp = host.start({
    command: res.command,
    argv,
    env,
    cwd: sh.state.cwd,
    cred: sh.state.cred,
    stdin: withLeftover(io.stdin),
    stdout: guard(io.stdout),
    stderr: guard(io.stderr),
    ppid: sh.state.pid,
    ...(tty ? { tty } : {}),
    ...(opts.detached ? { detached: true } : {}),
  });
  applyCpuLimit(sh, rp);
  return Promise.resolve(rp);
}

/**
 * The shell's `ulimit -t` binds the programs it starts, as RLIMIT_CPU passes across fork
 * and exec: the soft limit ends them with SIGXCPU, the hard one with SIGKILL. The host's
 * own limit (HostLimits.cpuMsPerProcess) stays the ceiling whatever the shell says.
 */
function applyCpuLimit(sh: ShellContext, rp: RunningProcess): void {
  const t = sh.state.limits?.find((l) => l.flag === 't');
  if (!t) return;
  const ms = (v: number | 'unlimited') => (v === 'unlimited' ? Infinity : v * 1000);
  setCpuRlimit(rp.info, ms(t.soft), ms(t.hard));
}

/** `cmd &`: starts the job and returns at once with status 0. */
export async function runBackground(sh: ShellContext, ao: AndOr, io: IO): Promise<number> {
  await sh.rt.step();
  const bgIO: IO = { stdin: sh.rt.interactive ? { isTTY: false, read: async () => null } : io.stdin, stdout: io.stdout, stderr: io.stderr };
  const single = ao.rest.length === 0 && ao.first.commands.length === 1 && !ao.first.negated ? ao.first.commands[0]! : undefined;
  let procs: RunningProcess[];
  let done: Promise<number>;
  let simpleExternal = single?.type === 'simple' && single.words.length > 0 ? await externalArgv(sh, single, bgIO) : undefined;
  // A program that cannot start still becomes a job with a pid (bash forks first): the
  // subshell below reports the error, into the job's redirections, and exits 127/126.
  if (simpleExternal && !sh.rt.host.resolveProgram(simpleExternal.argv[0]!, { path: sh.state.get('PATH') ?? '', cwd: sh.state.cwd, cred: sh.state.cred }).ok) simpleExternal = undefined;
  if (simpleExternal && single?.type === 'simple') {
    const { argv, env } = simpleExternal;
    let rio: IO;
    try {
      rio = await applyRedirects(sh, single.redirects, bgIO);
    } catch (e) {
      if (e instanceof ShellError) {
        await sh.error(io, e.message);
        return 1;
      }
      throw e;
    }
    const started = await startProgram(sh, argv, env, rio);
    if (typeof started === 'number') {
      // bash still makes a job of it; it ends at once with 127.
      procs = [];
      done = Promise.resolve(started);
    } else {
      procs = [started];
      done = started.exited;
    }
  } else {
    // The subshell gets its own runtime so Ctrl-C in the terminal does not reach it.
    const sub = sh.fork(sh.rt.forBackground());
    const host = sh.rt.host;
    const rp = host.start({
      command: {
        name: 'bash',
        summary: 'subshell',
        run: async (pctx) => {
          pctx.signal.addEventListener('abort', () => sub.rt.interrupt(128 + (SIGNAL_NUMBERS[pctx.signal.reason as SignalName] ?? 15)));
          try {
            return await sub.runAndOr({ ...ao, background: false }, bgIO);
          } catch (e) {
            if (e instanceof ExitSignal || e instanceof InterruptSignal) return e.status;
            throw e;
          }
        },
      },
      argv: [sh.rt.name.replace(/^-/, '')],
      env: sh.state.exportedEnv(),
      cwd: sh.state.cwd,
      cred: sh.state.cred,
      stdin: bgIO.stdin,
      stdout: bgIO.stdout,
      stderr: bgIO.stderr,
      ppid: sh.state.pid,
      ...(sh.rt.tty ? { tty: sh.rt.tty } : {}),
    });
    applyCpuLimit(sh, rp);
    procs = [rp];
    done = rp.exited;
  }
  const job = sh.rt.jobs.add(procs, ao.text, done);
  sh.state.lastBgPid = job.pids[job.pids.length - 1];
  if (sh.rt.interactive) await io.stderr.write(`[${job.id}] ${job.pids[job.pids.length - 1] ?? ''}\n`);
  return 0;
}

/** argv and env when a simple command runs a program (not a builtin or function). */
async function externalArgv(sh: ShellContext, cmd: SimpleCommand, io: IO): Promise<{ argv: string[]; env: Record<string, string> } | undefined> {
  const first = plainText(cmd.words[0]!);
  if (first === undefined || BUILTINS.has(first) || sh.state.functions.has(first) || sh.state.aliases.has(first)) return undefined;
  const ctx = sh.expandContext(io);
  const argv = await expandWords(ctx, cmd.words);
  if (argv.length === 0) return undefined;
  const env = sh.state.exportedEnv();
  for (const a of cmd.assigns) env[a.name] = await expandString(ctx, a.value);
  return { argv, env };
}
