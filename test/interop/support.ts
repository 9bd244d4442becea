// What the interop tests share: free loopback ports, our etcd started in this process on real
// TCP and the real disk (as `npx tsx src/cli/etcd.ts` would run it), and the real tools (Debian's
// etcd 3.4 and etcdctl, curl, openssl) run as child processes, always bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { NodeFileSystem } from '../../src/platform/node-fs.ts';
import { runTestEtcd } from '../../src/etcd/cli/test-etcd-process.ts';

/** A port on 127.0.0.1 that was free a moment ago (outside the kernel's ephemeral range). */
export { freePort } from '../../src/etcd/cli/test-members.ts';

/** etcd's flags for a one-member cluster named "default" (etcd's default name) on these loopback ports. */
export function singleMemberArgs(dataDir: string, client: number, peer: number): string[] {
  return [
    '--name=default',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=http://127.0.0.1:${client}`,
    `--advertise-client-urls=http://127.0.0.1:${client}`,
    `--listen-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-cluster=default=http://127.0.0.1:${peer}`,
  ];
}

export interface OurEtcd {
  /** Everything it wrote to stderr (its JSON log lines), as written. */
  logs: string[];
  /** SIGTERM; resolves with its exit status. */
  stop(): Promise<number>;
}

/** Starts our etcd with these flags (argv without "etcd") in `cwd` on the real disk; resolves once it serves. */
export async function startOurEtcd(args: string[], cwd: string): Promise<OurEtcd> {
  const run = runTestEtcd({ fs: new NodeFileSystem(), args, cwd: path.resolve(cwd) });
  await run.ready;
  return { logs: run.stderr, stop: () => run.stop() };
}

export const REAL_ETCD = '/usr/bin/etcd';
export const REAL_ETCDCTL = '/usr/bin/etcdctl';

/** Those of these paths that are not installed here (a test skips when any is missing). */
export function missingRealTools(paths: string[]): string[] {
  return paths.filter((p) => !fs.existsSync(p));
}

/** What a real tool printed, and its exit status (-1 when a signal ended it or it never ran). */
export interface ToolOutput {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunToolOptions {
  /** Written to the tool's stdin, which is then closed (empty by default). */
  stdin?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** How long the tool may run before `boundSignal` ends it: 20 s by default. */
  boundMs?: number;
  /** SIGKILL by default; SIGINT lets etcdctl end a watch or an election as Ctrl-C does. */
  boundSignal?: NodeJS.Signals;
  /** Sends SIGINT (once) as soon as everything printed so far matches: for commands that never end. */
  untilStdout?: RegExp;
}

/** A real tool still running: what it has printed so far, Ctrl-C, and its end. */
export interface RunningTool {
  stdout(): string;
  stderr(): string;
  /** SIGINT, as Ctrl-C in a terminal: etcdctl's watch, lock and elect end cleanly on it. */
  interrupt(): void;
  exited: Promise<ToolOutput>;
}

/**
 * Starts a real tool asynchronously (our etcd lives in this process's event loop, so a
 * synchronous spawn would starve it); `exited` resolves with what it printed once it has ended.
 */
export function startTool(cmd: string, args: string[], opts: RunToolOptions = {}): RunningTool {
  const p = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env } });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  const interrupt = () => {
    if (interrupted) return;
    interrupted = true;
    p.kill('SIGINT');
  };
  const bound = setTimeout(() => p.kill(opts.boundSignal ?? 'SIGKILL'), opts.boundMs ?? 20_000);
  const exited = new Promise<ToolOutput>((resolve) => {
    const done = (status: number) => {
      clearTimeout(bound);
      resolve({ status, stdout, stderr });
    };
    p.on('close', (code) => done(code ?? -1));
    // Not started at all (a missing program): say so rather than crash the test process.
    p.on('error', (e) => {
      stderr += `${e.message}\n`;
      done(-1);
    });
  });
  p.stdout.on('data', (d) => {
    stdout += d;
    if (opts.untilStdout?.test(stdout)) interrupt();
  });
  p.stderr.on('data', (d) => (stderr += d));
  // A tool that exits before reading its stdin makes the write fail with EPIPE: not a finding.
  p.stdin.on('error', () => undefined);
  p.stdin.end(opts.stdin ?? '');
  return { stdout: () => stdout, stderr: () => stderr, interrupt, exited };
}

/** Runs a real tool to its end (or its bound) and resolves with what it printed. */
export function runTool(cmd: string, args: string[], opts: RunToolOptions = {}): Promise<ToolOutput> {
  return startTool(cmd, args, opts).exited;
}

/** The real etcdctl with the v3 API (Debian's 3.4 defaults to it, but say so), to its end. */
export function realEtcdctl(args: string[], opts: RunToolOptions = {}): Promise<ToolOutput> {
  return startRealEtcdctl(args, opts).exited;
}

/** The real etcdctl with the v3 API, left running: for watch, lock and elect. */
export function startRealEtcdctl(args: string[], opts: RunToolOptions = {}): RunningTool {
  return startTool(REAL_ETCDCTL, args, { ...opts, env: { ETCDCTL_API: '3', ...opts.env } });
}

/** The text without clientv3's JSON log lines (timestamps and client ids never match). */
export function withoutClientLogs(s: string): string {
  return s
    .split('\n')
    .filter((l) => !l.startsWith('{"level":'))
    .join('\n');
}

/**
 * Asks the real etcdctl `endpoint health` until it passes (about 100 tries, each bounded):
 * true once it does, false if it never does or `gaveUp` says waiting is pointless.
 * `healthArgs` are what the endpoint needs: certificates, or a user once auth is on.
 */
export async function untilHealthy(
  endpoint: string,
  healthArgs: string[] = [],
  opts: { probeBoundMs?: number; pauseMs?: number; gaveUp?: () => boolean } = {},
): Promise<boolean> {
  for (let i = 0; i < 100 && !opts.gaveUp?.(); i++) {
    const h = await realEtcdctl([`--endpoints=${endpoint}`, ...healthArgs, 'endpoint', 'health', '--command-timeout=1s'], { boundMs: opts.probeBoundMs ?? 2000 });
    if (h.status === 0) return true;
    await new Promise((r) => setTimeout(r, opts.pauseMs ?? 100));
  }
  return false;
}

/**
 * The real etcd 3.4 with these flags, not waited for: a member of a new cluster is healthy only
 * once a quorum of its peers runs too. Use startRealEtcd where one process can get healthy alone.
 */
export function spawnRealEtcd(args: string[]): ChildProcess {
  // Its log (stderr) is always read, so the pipe never fills and stalls it; startRealEtcd keeps the tail.
  const p = spawn(REAL_ETCD, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  p.stderr!.on('data', () => undefined);
  // A spawn that fails (no such program) must not crash the test process; startRealEtcd reports it.
  p.on('error', () => undefined);
  return p;
}

/**
 * Starts the real etcd 3.4 with these flags and resolves once `etcdctl endpoint health`
 * passes at `healthEndpoint`; one that never gets healthy is killed and the promise rejects.
 */
export async function startRealEtcd(args: string[], opts: { healthEndpoint: string; healthArgs?: string[] }): Promise<ChildProcess> {
  const p = spawnRealEtcd(args);
  let failed = '';
  p.on('error', (e) => (failed = e.message));
  // The last few KB of its log, to say why should it never get healthy.
  let log = '';
  const keepTail = (d: Buffer) => (log = (log + String(d)).slice(-4000));
  p.stderr!.on('data', keepTail);
  const ended = () => failed !== '' || p.exitCode !== null || p.signalCode !== null;
  if (await untilHealthy(opts.healthEndpoint, opts.healthArgs, { gaveUp: ended })) {
    p.stderr!.off('data', keepTail);
    return p;
  }
  const why = failed || (ended() ? `it exited (${p.exitCode ?? p.signalCode})` : 'still not healthy after 100 probes, so killed');
  // Its last words arrive by 'close', after 'exit'; a second at the most.
  const closed = new Promise((r) => {
    p.once('close', r);
    setTimeout(r, 1000);
  });
  p.kill('SIGKILL');
  await closed;
  throw new Error(`real etcd did not become healthy at ${opts.healthEndpoint}: ${why}; its log ended:\n${log}`);
}

/** SIGTERM, SIGKILL if it lingers 5 s; resolves once the process is gone. */
export async function stopRealEtcd(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  const late = setTimeout(() => p.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(late);
}
