// Test helpers for programs: a fresh sandbox host and a way to run one program on it
// the way the shell would (PATH lookup, a process of its own), collecting its output.
import { SimClock } from '../../platform/sim-clock.ts';
import { CollectingOutput, emptyInput, inputFrom } from '../io.ts';
import type { VirtualHost } from '../host.ts';
import { createSandbox, type Sandbox, type SandboxHostSpec } from '../sandbox.ts';
import type { Credentials } from '../types.ts';
import type { HostLimits } from '../limits.ts';

export const LEARNER_ENV = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/home/learner',
  USER: 'learner',
  LOGNAME: 'learner',
  SHELL: '/bin/bash',
  LANG: 'C.UTF-8',
};

/** A one-host sandbox on simulated time (2026-11-21 09:00 UTC) unless told otherwise. */
export function testSandbox(hosts: SandboxHostSpec[] = [{ name: 'node-1', ip: '10.0.0.11' }], clock = new SimClock(Date.UTC(2026, 10, 21, 9, 0, 0))): Sandbox & { clock: SimClock } {
  return createSandbox({ hosts, clock }) as Sandbox & { clock: SimClock };
}

export function testHost(limits?: Partial<HostLimits>): VirtualHost {
  return testSandbox([{ name: 'node-1', ip: '10.0.0.11', ...(limits ? { limits } : {}) }]).host('node-1');
}

/**
 * For tests that push a lot of data through programs: the CPU limit is charged by wall time,
 * so on a loaded machine 10 s can pass before 150 MB have gone through. The limit is not what
 * these tests are about.
 */
export const VOLUME_TEST_LIMITS: Partial<HostLimits> = { cpuMsPerProcess: 600_000 };

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  /** 'learner' (default), 'root', or explicit credentials. */
  as?: 'learner' | 'root' | Credentials;
  cwd?: string;
  env?: Record<string, string>;
  tty?: boolean;
  signal?: AbortSignal;
}

/** Runs argv (a string is split on spaces) as a process on host; resolves when it exits. */
export async function run(host: VirtualHost, argv: string | string[], opts: RunOptions = {}): Promise<RunResult> {
  const args = typeof argv === 'string' ? argv.split(' ').filter(Boolean) : argv;
  const cred = typeof opts.as === 'object' ? opts.as : host.users.credentials(opts.as ?? 'learner')!;
  const env = { ...LEARNER_ENV, ...(cred.uid === 0 ? { HOME: '/root', USER: 'root', LOGNAME: 'root', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' } : {}), ...opts.env };
  const r = host.resolveProgram(args[0]!, { path: env.PATH, cwd: opts.cwd ?? env.HOME, cred });
  if (!r.ok) throw new Error(`${args[0]}: ${r.error}`);
  const stdout = new CollectingOutput(opts.tty ?? false);
  const stderr = new CollectingOutput(opts.tty ?? false);
  const p = host.start({
    command: r.command,
    argv: args,
    env,
    cwd: opts.cwd ?? env.HOME,
    cred,
    stdin: opts.stdin !== undefined ? inputFrom(opts.stdin) : opts.tty ? { isTTY: true, read: async () => null } : emptyInput,
    stdout,
    stderr,
    ppid: 1,
    tty: opts.tty ? { name: 'pts/0', cols: 80, rows: 24 } : undefined,
  });
  if (opts.signal) opts.signal.addEventListener('abort', () => p.kill(opts.signal!.reason), { once: true });
  const status = await p.exited;
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}
