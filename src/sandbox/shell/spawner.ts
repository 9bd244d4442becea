// The Spawner programs use to run other programs (sudo, xargs, ssh, systemd) or a shell
// script (bash -c), on the same host, as children of the calling process.
import { emptyInput, type InputStream, type OutputStream } from '../io.ts';
import type { Credentials, RunningProcess, Spawner } from '../types.ts';
import type { Host } from '../types.ts';
import { ShellRuntime } from './runtime.ts';
import { ExitSignal, InterruptSignal, ShellState } from './state.ts';

/** Runs a script text in a shell with this state (supplied by the interpreter module). */
export type ScriptRunner = (state: ShellState, rt: ShellRuntime, text: string, io: { stdin: InputStream; stdout: OutputStream; stderr: OutputStream }) => Promise<number>;

export interface SpawnDefaults {
  env: Record<string, string>;
  cwd: string;
  cred: Credentials;
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  /** The parent's pid (a function: the parent may not have one yet when this is made). */
  ppid: () => number;
}

const discard: OutputStream = { isTTY: false, write: () => {} };

/**
 * exec() resolves like execvp and returns the exit status: 127 when not found and 126 when
 * not executable — it prints nothing, so the calling program words the error its own way.
 */
export function createSpawner(rtOrHost: ShellRuntime | Host, defaults: SpawnDefaults, runScript: ScriptRunner): Spawner {
  const rt = rtOrHost instanceof ShellRuntime ? rtOrHost : new ShellRuntime({ host: rtOrHost });
  const host = rt.host;
  const spawner: Spawner = {
    async exec(argv, opts = {}) {
      if (argv.length === 0) return 0;
      const env = opts.env ?? defaults.env;
      const cwd = opts.cwd ?? defaults.cwd;
      const cred = opts.cred ?? defaults.cred;
      const res = host.resolveProgram(argv[0]!, { path: env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', cwd, cred });
      if (!res.ok) return res.error === 'ENOENT' ? 127 : 126;
      let rp: RunningProcess | undefined;
      const stdin = opts.stdin ?? defaults.stdin;
      const stdout = opts.stdout ?? defaults.stdout;
      const stderr = opts.stderr ?? defaults.stderr;
      rp = host.start({
        command: res.command,
        argv,
        env,
        cwd,
        cred,
        stdin,
        stdout,
        stderr,
        ppid: defaults.ppid(),
        ...(rt.tty ? { tty: rt.tty } : {}),
        ...(opts.detached ? { detached: true } : {}),
        spawn: createSpawner(rt, { env, cwd, cred, stdin, stdout, stderr, ppid: () => rp?.info.pid ?? defaults.ppid() }, runScript),
      });
      const started = rp;
      const onAbort = () => started.kill((opts.signal?.reason as 'SIGTERM') ?? 'SIGTERM');
      opts.signal?.addEventListener('abort', onAbort);
      try {
        return await started.exited;
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
      }
    },
    async script(text, opts = {}) {
      const env = opts.env ?? defaults.env;
      const cred = opts.cred ?? defaults.cred;
      const child = new ShellRuntime({ host, name: 'bash', ...(rt.tty ? { tty: rt.tty } : {}), cpuLimitMs: rt.cpuLimitMs });
      child.beginCommandLine();
      const state = new ShellState(host, cred, opts.cwd ?? defaults.cwd, defaults.ppid());
      for (const [k, v] of Object.entries(env)) state.set(k, v, { export: true });
      state.positional = [...(opts.args ?? [])];
      const onAbort = () => child.interrupt(143, 'SIGKILL');
      opts.signal?.addEventListener('abort', onAbort);
      try {
        return await runScript(state, child, text, { stdin: opts.stdin ?? defaults.stdin ?? emptyInput, stdout: opts.stdout ?? defaults.stdout ?? discard, stderr: opts.stderr ?? defaults.stderr ?? discard });
      } catch (e) {
        if (e instanceof ExitSignal || e instanceof InterruptSignal) return e.status;
        throw e;
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
  return spawner;
}
