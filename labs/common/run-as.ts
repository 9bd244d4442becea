// Runs a program on a lab host as one of its users, the way a check asks the machine a
// question a learner could ask it (`bash --login -c "etcdctl endpoint health"`). The
// process is real: it resolves through PATH, reads files with that user's permissions
// and talks over the host's network. It is bounded: past the deadline it is killed.
import { DEFAULT_PATH } from '../../src/sandbox/host.ts';
import { CollectingOutput, emptyInput } from '../../src/sandbox/io.ts';
import type { Host } from '../../src/sandbox/types.ts';

export interface RunAsResult {
  /** Exit status (128+N when killed by signal N); undefined when it could not start. */
  status: number | undefined;
  stdout: string;
  stderr: string;
  /** True when it ran past the deadline and was killed. */
  timedOut: boolean;
  /** Why it did not start (no such user, program not found). */
  error?: string;
}

export interface RunAsOptions {
  /** Kill it after this long (default 6 s, under the check engine's 8 s). */
  timeoutMs?: number;
  cwd?: string;
  /** Added to the login-like environment (HOME, USER, LOGNAME, SHELL, PATH). */
  env?: Record<string, string>;
}

/** The environment `login` gives a user: nothing inherited from whoever runs the check. */
export function loginEnvironment(host: Host, user: string): Record<string, string> | undefined {
  const entry = host.users.byName(user);
  if (!entry) return undefined;
  return {
    HOME: entry.home,
    USER: entry.name,
    LOGNAME: entry.name,
    SHELL: entry.shell,
    PATH: entry.uid === 0 ? DEFAULT_PATH : '/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games',
    LANG: 'C.UTF-8',
  };
}

export async function runAs(host: Host, user: string, argv: string[], opts: RunAsOptions = {}): Promise<RunAsResult> {
  const cred = host.users.credentials(user);
  const baseEnv = loginEnvironment(host, user);
  if (!cred || !baseEnv) return { status: undefined, stdout: '', stderr: '', timedOut: false, error: `there is no user ${user} on ${host.hostname}` };
  const env = { ...baseEnv, ...(opts.env ?? {}) };
  const cwd = opts.cwd ?? env.HOME ?? '/';
  const name = argv[0] ?? '';
  const found = host.resolveProgram(name, { path: env.PATH ?? DEFAULT_PATH, cwd, cred });
  if (!found.ok) {
    const why = found.error === 'ENOENT' ? 'command not found' : found.error === 'EACCES' ? 'Permission denied' : 'Is a directory';
    return { status: undefined, stdout: '', stderr: '', timedOut: false, error: `${name}: ${why} (as ${user} on ${host.hostname})` };
  }
  const stdout = new CollectingOutput(false);
  const stderr = new CollectingOutput(false);
  const proc = host.start({ command: found.command, argv, env, cwd, cred, stdin: emptyInput, stdout, stderr, ppid: 1 });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // Its children too (bash -c "etcdctl …" leaves etcdctl waiting on its own timeouts).
    const all = host.processes();
    const doomed = new Set([proc.info.pid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of all) if (doomed.has(p.ppid) && !doomed.has(p.pid)) (doomed.add(p.pid), (grew = true));
    }
    for (const pid of [...doomed].reverse()) host.kill(pid, 'SIGKILL');
  }, opts.timeoutMs ?? 6000);
  try {
    const status = await proc.exited;
    return { status, stdout: stdout.text(), stderr: stderr.text(), timedOut };
  } finally {
    clearTimeout(timer);
  }
}
