// The process table of one host: pids, parents, sessions, and Linux's signal rules.
// A process is a Command's run() promise plus an AbortController. SIGINT/SIGTERM/SIGHUP
// abort the signal and let the program clean up (it may ignore it and keep running, as
// on Linux); SIGKILL ends it in the table at once, closes its sockets and makes its
// streams refuse further I/O, whatever the program's code still does.
import type { Duplex } from 'node:stream';
import type { Clock } from '../platform/clock.ts';
import type { Network } from '../platform/network.ts';
import { BrokenPipeError, type InputStream, type OutputStream } from './io.ts';
import { ProcessLimitError } from './limits.ts';
import { SIGNAL_NUMBERS, type Command, type CommandContext, type Credentials, type ProcessInfo, type SignalName } from './types.ts';

/** The CPU account of one program: what it used, where its current slice began, its RLIMIT_CPU. */
export interface CpuAccount {
  /** CPU time charged to this process so far, in milliseconds (see chargeTo, chargeRunning). */
  cpuMs: number;
  /** performance.now() when the program last resumed after waiting (its I/O, a yield, a callback): where its uncharged slice starts. */
  resumedAt: number;
  /** CPU milliseconds allowed (RLIMIT_CPU); only checked where the program asks (src/sandbox/cpu-budget.ts). */
  readonly cpuLimitMs: number;
  /** Adds CPU time to this process and to its unit's account. */
  readonly chargeCpu: (ms: number) => void;
}

/** What the table keeps per process; ProcessInfo's fields, mutable here (exec renames, orphans get ppid 1). */
export interface ProcessRecord extends ProcessInfo, CpuAccount {
  /** RLIMIT_CPU's soft limit in ms: reaching it sends SIGXCPU. Inherited from the parent, lowered by `ulimit -t`. */
  cpuLimitMs: number;
  /** RLIMIT_CPU's hard limit in ms: reaching it sends SIGKILL, as Linux does (Infinity: none below the host's). */
  cpuHardLimitMs: number;
  /** RLIMIT_CPU as `ulimit -t` set it, in ms (Infinity: unlimited); the host's limit caps cpuLimitMs whatever it says. */
  cpuRlimit: { soft: number; hard: number };
  /** The host's CPU limit per process (HostLimits.cpuMsPerProcess): no rlimit raises cpuLimitMs above it. */
  readonly hostCpuLimitMs: number;
  /** Ended by the output budget (RLIMIT_FSIZE's SIGXFSZ, status 153). */
  outputLimited: boolean;
  pid: number;
  ppid: number;
  argv: string[];
  /** Session id: the pid of the session leader (a login shell, or a detached process). */
  sid: number;
  /** Signals this process ignores (nohup: SIGHUP). */
  ignored: Set<SignalName>;
  /** The first terminating signal it received, if any. */
  signalled: SignalName | undefined;
  readonly controller: AbortController;
  /** Run when the process ends, however it ends (close listeners and sockets). */
  readonly cleanups: (() => void)[];
  ended: boolean;
  /** Bytes written to stdout and stderr, wherever they go (terminal, pipe, file, /dev/null). */
  bytesWritten: number;
  /** Threads its real counterpart runs (systemctl status's Tasks:); 1 unless the program declares more. */
  threads: number;
  /** Resident bytes, asked for when someone looks (systemctl status's Memory:). */
  memoryBytes: () => number;
  finish(status: number): void;
  readonly exited: Promise<number>;
}

export interface NewProcess {
  argv: string[];
  cred: Credentials;
  ppid: number;
  tty: string | undefined;
  unit: string | undefined;
  detached: boolean;
}

const INIT_PID = 1;
/** RLIMIT_CPU when the host names none: the shell's 10 s per command line. */
export const DEFAULT_CPU_LIMIT_MS = 10_000;
/** The signal RLIMIT_FSIZE sends (the output budget models it): status 153. */
const SIGXFSZ = 25;
const FIRST_PID = 1000;
const PID_MAX = 32768;
/** Signals that do nothing to a running program here (job control is the shell's business). */
const NON_TERMINATING = new Set<SignalName>(['SIGSTOP', 'SIGCONT']);

export type SignalResult = 'ok' | 'ESRCH' | 'EPERM';

export class ProcessTable {
  private readonly procs = new Map<number, ProcessRecord>();
  private nextPid = FIRST_PID;
  /**
   * CPU milliseconds per systemd unit, its processes that ended included (a cgroup's
   * cpu.stat counts them too). Kept after the unit stops: systemd still shows what the
   * last run consumed.
   */
  private readonly unitCpu = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly limit: number,
    private readonly onExit: (p: ProcessRecord, status: number) => void = () => {},
    /** RLIMIT_CPU of every process (HostLimits.cpuMsPerProcess). */
    private readonly cpuLimitMs = DEFAULT_CPU_LIMIT_MS,
  ) {
    // pid 1 stands for systemd: always there, never killed, the parent of orphans and daemons.
    const init = this.makeRecord(INIT_PID, { argv: ['/sbin/init'], cred: { uid: 0, gid: 0, groups: [0], user: 'root' }, ppid: 0, tty: undefined, unit: undefined, detached: true });
    this.procs.set(INIT_PID, init);
  }

  list(): ProcessRecord[] {
    return [...this.procs.values()].sort((a, b) => a.pid - b.pid);
  }

  get(pid: number): ProcessRecord | undefined {
    return this.procs.get(pid);
  }

  /** Allocates a pid and enters the process; throws ProcessLimitError when the host is full. */
  create(p: NewProcess): ProcessRecord {
    if (this.procs.size >= this.limit) throw new ProcessLimitError(this.limit);
    let pid = this.nextPid;
    while (this.procs.has(pid)) pid = pid + 1 >= PID_MAX ? FIRST_PID : pid + 1;
    this.nextPid = pid + 1 >= PID_MAX ? FIRST_PID : pid + 1;
    const rec = this.makeRecord(pid, p);
    this.procs.set(pid, rec);
    records.add(rec);
    return rec;
  }

  /** CPU time the unit's processes used since it was last started; undefined if it never ran. */
  unitCpuMs(unit: string): number | undefined {
    return this.unitCpu.get(unit);
  }

  /** A fresh start of the unit: its CPU account starts from zero (systemd resets it in service_start). */
  resetUnitCpu(unit: string): void {
    this.unitCpu.set(unit, 0);
  }

  /** Sends sig to pid on behalf of `by` (undefined: the kernel). */
  signal(pid: number, sig: SignalName, by?: Credentials): SignalResult {
    const p = this.procs.get(pid);
    if (!p) return 'ESRCH';
    if (by && by.uid !== 0 && by.uid !== p.cred.uid) return 'EPERM';
    if (pid === INIT_PID) return 'ok';
    deliver(p, sig);
    return 'ok';
  }

  /** SIGHUP to every process of a session that ended (terminal closed, ssh logout). */
  hangup(sid: number): void {
    for (const p of this.list()) if (p.sid === sid && p.pid !== INIT_PID) deliver(p, 'SIGHUP');
  }

  /**
   * Runs the command as process `rec` with the context built by the host; settles rec.exited.
   * Exit status: what run() returns; 128+N when it throws after signal N; 141 on a broken pipe.
   */
  run(rec: ProcessRecord, command: Command, ctx: CommandContext): void {
    // Started synchronously: a signal sent right after start() already finds the program's listeners.
    let running: Promise<number>;
    try {
      // The program's first synchronous slice is its own CPU time; later slices are charged
      // where its timers and sockets call back into it (see chargedClock, chargedNetwork).
      running = Promise.resolve(chargeTo(rec, () => command.run(ctx)));
    } catch (e) {
      running = Promise.reject(e);
    }
    running.then(
        (status) => rec.finish(Number.isInteger(status) ? status & 0xff : 1),
        (err: unknown) => {
          if (rec.signalled) return rec.finish(128 + SIGNAL_NUMBERS[rec.signalled]);
          if (err instanceof BrokenPipeError) return rec.finish(128 + SIGNAL_NUMBERS.SIGPIPE);
          if (err instanceof OutputLimitError) {
            rec.bytesWritten = Number.NEGATIVE_INFINITY; // let the one last message through
            rec.outputLimited = true;
            Promise.resolve(ctx.stderr.write(`${ctx.argv[0] ?? command.name}: ${err.message}\n`)).catch(() => {});
            return rec.finish(128 + SIGXFSZ); // SIGXFSZ, as RLIMIT_FSIZE ends a writer
          }
          // A program bug must not take the host down: report it the way a crashed program would.
          const msg = err instanceof Error ? err.message : String(err);
          Promise.resolve(ctx.stderr.write(`${ctx.argv[0] ?? command.name}: ${msg}\n`)).catch(() => {});
          rec.finish(1);
        },
      );
  }

  private makeRecord(pid: number, p: NewProcess): ProcessRecord {
    let resolveExit!: (n: number) => void;
    const exited = new Promise<number>((r) => (resolveExit = r));
    const parent = this.procs.get(p.ppid);
    const sid = p.detached || !parent || parent.pid === INIT_PID ? pid : parent.sid;
    const rlimit = parent && parent.pid !== INIT_PID ? parent.cpuRlimit : { soft: Infinity, hard: Infinity };
    const rec: ProcessRecord = {
      pid,
      ppid: p.ppid,
      cred: p.cred,
      argv: p.argv,
      startedAt: this.clock.now(),
      tty: p.tty,
      unit: p.unit,
      sid,
      ignored: new Set(),
      signalled: undefined,
      controller: new AbortController(),
      cleanups: [],
      ended: false,
      bytesWritten: 0,
      cpuMs: 0,
      resumedAt: performance.now(),
      // RLIMIT_CPU is inherited across fork; the host's limit is the ceiling.
      cpuRlimit: { ...rlimit },
      hostCpuLimitMs: this.cpuLimitMs,
      cpuLimitMs: Math.min(this.cpuLimitMs, rlimit.soft, rlimit.hard),
      cpuHardLimitMs: rlimit.hard,
      outputLimited: false,
      threads: 1,
      memoryBytes: () => typicalResidentBytes(rec.argv),
      chargeCpu: (ms) => {
        rec.cpuMs += ms;
        if (rec.unit !== undefined) this.unitCpu.set(rec.unit, (this.unitCpu.get(rec.unit) ?? 0) + ms);
      },
      exited,
      finish: (status) => {
        if (rec.ended) return;
        rec.ended = true;
        this.procs.delete(pid);
        for (const child of this.procs.values()) if (child.ppid === pid) child.ppid = INIT_PID;
        for (const c of rec.cleanups.splice(0)) {
          try {
            c();
          } catch {
            // closing a socket that is already gone is fine
          }
        }
        this.onExit(rec, status);
        resolveExit(status);
      },
    };
    return rec;
  }
}

function deliver(p: ProcessRecord, sig: SignalName): void {
  if (p.ended || NON_TERMINATING.has(sig) || (p.ignored.has(sig) && sig !== 'SIGKILL')) return;
  if (sig === 'SIGKILL') {
    p.signalled = 'SIGKILL';
    if (!p.controller.signal.aborted) p.controller.abort('SIGKILL');
    p.finish(128 + SIGNAL_NUMBERS.SIGKILL);
    return;
  }
  if (!p.signalled) p.signalled = sig;
  if (!p.controller.signal.aborted) p.controller.abort(sig);
}

/** An error a dead process's leftover code gets when it still touches its streams. */
export class ProcessGoneError extends Error {
  constructor() {
    super('process was killed');
  }
}

/**
 * The same stream with one method replaced. A Proxy rather than a new object, so whatever
 * else the stream is (the terminal: setRawMode, size, echo) stays reachable and `this` stays
 * the real stream.
 */
function withMethod<T extends object>(target: T, name: string, fn: unknown): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop === name) return fn;
      const v = Reflect.get(t, prop, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
    set(t, prop, value) {
      return Reflect.set(t, prop, value, t);
    },
  });
}

/**
 * A program's output budget. A runaway loop is stopped by its CPU budget where the program
 * checks one (src/sandbox/cpu-budget.ts); a program that only copies (`yes > /dev/null`,
 * `cat /dev/zero | grep x`) is stopped by its output growing, like RLIMIT_FSIZE stops a
 * writer with SIGXFSZ.
 */
export const OUTPUT_BYTES_PER_PROCESS = 256 * 1024 * 1024;

/** Thrown into a program that wrote more than OUTPUT_BYTES_PER_PROCESS; it ends with status 153. */
export class OutputLimitError extends Error {
  constructor() {
    super(`output limit of the sandbox reached (${OUTPUT_BYTES_PER_PROCESS / 1024 / 1024} MiB per process); stopped`);
  }
}

/** Output that refuses writes once the process has ended (so a SIGKILLed loop stops) or its budget is spent. */
export function guardOutput(out: OutputStream, rec: ProcessRecord): OutputStream {
  return withMethod(out, 'write', (chunk: string | Uint8Array) => {
    if (rec.ended) throw new ProcessGoneError();
    rec.bytesWritten += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (rec.bytesWritten > OUTPUT_BYTES_PER_PROCESS) throw new OutputLimitError();
    const written = out.write(chunk);
    if (!(written instanceof Promise)) return written;
    // Waiting for a full pipe to drain is not the writer's CPU time.
    chargeRunning(rec);
    return written.finally(() => markResumed(rec));
  });
}

/** Input that reads as ended once the process has ended. */
export function guardInput(input: InputStream, rec: ProcessRecord): InputStream {
  return withMethod(input, 'read', async () => {
    if (rec.ended) return null;
    // Waiting for input is not the reader's CPU time: its slice ends here and restarts when data comes.
    chargeRunning(rec);
    try {
      return await input.read();
    } finally {
      markResumed(rec);
    }
  });
}

// ---------------------------------------------------------------- Resource accounting
//
// Programs here are async JS sharing one Node process, so there is no kernel to tell how
// much CPU each used. We measure it where the host calls into a program: its first
// synchronous slice (ProcessTable.run), the callbacks of its timers (chargedClock) and the
// events of its sockets and listeners (chargedNetwork). Each such call is timed with
// performance.now() and charged to the process; when one process's code calls straight
// into another's (a write on a virtual socket emits 'data' at the peer), the inner time is
// charged to the inner process only. Promise continuations after an await are not seen
// (that would take async_hooks over the whole server: a promise-heavy micro-benchmark ran
// 1.5× slower with before/after hooks enabled, 308 ms → 463 ms), so the figure is a lower
// bound that grows with the work a program does. The cost here is two performance.now()
// calls per callback.

const records = new WeakSet<ProcessInfo>();
let current: ProcessRecord | undefined;
let currentSince = 0;

/** Runs fn, charging the time it takes (minus time charged to other processes inside it) to rec. */
export function chargeTo<T>(rec: ProcessRecord, fn: () => T): T {
  if (current === rec) return fn();
  const start = performance.now();
  const outer = current;
  if (outer) outer.chargeCpu(start - currentSince);
  current = rec;
  currentSince = start;
  try {
    return fn();
  } finally {
    const end = performance.now();
    rec.chargeCpu(end - currentSince);
    // What runs next for rec (its promise continuations) is a new slice of its own.
    rec.resumedAt = end;
    current = outer;
    currentSince = end;
  }
}

/**
 * A program whose slice is unseen by chargeTo (code after an await) has run since it last
 * resumed: charge that time to it and start a new slice. Time a chargeTo of another process
 * has already counted is not charged twice. A slice longer than MAX_UNSEEN_SLICE_MS is cut
 * to it: that much time between two checks means the program waited on something its
 * account did not see (a caller that awaits anything besides its own streams calls
 * markResumed), so the figure stays a lower bound rather than blaming a program for a wait.
 * Returns the milliseconds charged.
 */
export function chargeRunning(acct: CpuAccount, now = performance.now()): number {
  let from = acct.resumedAt;
  if (current !== undefined) {
    // Inside a synchronous callback: its start is already being counted by chargeTo.
    from = Math.max(from, currentSince);
    currentSince = now;
  }
  const ms = Math.min(Math.max(0, now - from), MAX_UNSEEN_SLICE_MS);
  if (current === acct) {
    acct.chargeCpu(now - from);
    acct.resumedAt = now;
    return now - from;
  }
  acct.chargeCpu(ms);
  acct.resumedAt = now;
  return ms;
}

/** See chargeRunning. */
export const MAX_UNSEEN_SLICE_MS = 250;

/** The program waited and now runs again: its next slice starts here. */
export function markResumed(acct: CpuAccount, now = performance.now()): void {
  acct.resumedAt = now;
}

/** The host's record behind a ctx.proc, if it is one (a program run outside a host has none). */
export function processRecordOf(proc: ProcessInfo): ProcessRecord | undefined {
  return records.has(proc) ? (proc as ProcessRecord) : undefined;
}

/**
 * setrlimit(RLIMIT_CPU) for a process just started (the shell applies its `ulimit -t`;
 * milliseconds, Infinity for unlimited). The host's limit stays the ceiling of the soft one.
 */
export function setCpuRlimit(proc: ProcessInfo, softMs: number, hardMs: number): void {
  const rec = processRecordOf(proc);
  if (!rec) return;
  rec.cpuRlimit = { soft: softMs, hard: hardMs };
  rec.cpuHardLimitMs = hardMs;
  rec.cpuLimitMs = Math.min(rec.hostCpuLimitMs, softMs, hardMs);
}

/** RLIMIT_CPU of a process as `ulimit -t` shows it (ms, Infinity: unlimited); undefined outside a host. */
export function cpuRlimitOf(proc: ProcessInfo): { soft: number; hard: number } | undefined {
  return processRecordOf(proc)?.cpuRlimit;
}

/** The signal number that ended a process that exited with `status`, if a signal did (128+N alone does not tell: `exit 137`). */
export function terminatingSignal(proc: ProcessInfo, status: number): number | undefined {
  const rec = processRecordOf(proc);
  if (!rec || status <= 128) return undefined;
  if (rec.outputLimited && status === 128 + SIGXFSZ) return SIGXFSZ;
  if (rec.signalled && status === 128 + SIGNAL_NUMBERS[rec.signalled]) return SIGNAL_NUMBERS[rec.signalled];
  return undefined;
}


/**
 * The process exec'd a program that died of signal `sig` (bash -c execs its last command):
 * it counts as killed by that signal. Returns the exit status, 128+sig.
 */
export function diedOfSignal(proc: ProcessInfo, sig: number): number {
  const rec = processRecordOf(proc);
  if (rec) {
    const name = (Object.keys(SIGNAL_NUMBERS) as SignalName[]).find((n) => SIGNAL_NUMBERS[n] === sig);
    if (sig === SIGXFSZ) rec.outputLimited = true;
    else if (name && !rec.signalled) rec.signalled = name;
  }
  return 128 + sig;
}

/**
 * RLIMIT_CPU's hard limit reached: Linux sends SIGKILL (no SIGXCPU first when soft == hard,
 * as `ulimit -t 1` sets them): the process ends with status 137.
 */
export function killForCpuHardLimit(rec: ProcessRecord): void {
  if (rec.ended) return;
  rec.signalled = 'SIGKILL';
  if (!rec.controller.signal.aborted) rec.controller.abort('SIGKILL');
  rec.finish(128 + SIGNAL_NUMBERS.SIGKILL);
}

/**
 * RLIMIT_CPU reached: the kernel sends SIGXCPU, whose default action ends the process
 * (and dumps core when `ulimit -c` allows; it is 0 here, as on Debian). It ends at once,
 * like SIGKILL: a runaway program is not trusted to stop by itself.
 */
export function killForCpuLimit(rec: ProcessRecord): void {
  if (rec.ended) return;
  rec.signalled = 'SIGXCPU';
  if (!rec.controller.signal.aborted) rec.controller.abort('SIGXCPU');
  rec.finish(128 + SIGNAL_NUMBERS.SIGXCPU);
}

/** The host's clock as one process holds it: its timer callbacks are charged to it. */
export function chargedClock(clock: Clock, rec: ProcessRecord): Clock {
  return {
    now: () => clock.now(),
    monotonic: () => clock.monotonic(),
    after: (ms, fn) => clock.after(ms, () => chargeTo(rec, fn)),
    every: (ms, fn) => clock.every(ms, () => chargeTo(rec, fn)),
  };
}

/** Every event a socket emits (data, readable, end, close, error) runs the owner's handlers: charge them. */
function chargeSocket(socket: Duplex, rec: ProcessRecord): Duplex {
  const emit = socket.emit;
  socket.emit = function (this: Duplex, ...args: Parameters<Duplex['emit']>) {
    return chargeTo(rec, () => emit.apply(this, args));
  } as Duplex['emit'];
  return socket;
}

/** The process's network with connection callbacks and socket events charged to it; other members unchanged. */
export function chargedNetwork<N extends Network>(net: N, rec: ProcessRecord): N {
  const listen: Network['listen'] = (addr, onConnection) =>
    net.listen(addr, (socket, remote) => chargeTo(rec, () => onConnection(chargeSocket(socket, rec), remote)));
  const connect: Network['connect'] = async (addr, opts) => chargeSocket(await net.connect(addr, opts), rec);
  return withMethod(withMethod(net, 'listen', listen), 'connect', connect);
}

/**
 * Resident memory of a small C program as systemctl status would count it: /usr/bin/sleep
 * on Debian 12, VmRSS in /proc/PID/status while it slept (1760 kB: 108 kB anonymous, 1652 kB
 * file-backed). Programs that hold more say so with declareUsage.
 */
export const SMALL_PROGRAM_RSS_BYTES = 1760 * 1024;

/** VmRSS of the programs a learner sees most in ps, as Debian 12 shows them idle (kB). */
const TYPICAL_RSS_KB: Record<string, number> = { init: 12288, systemd: 12288, bash: 5120, ps: 4608, sudo: 5632 };

/** Resident bytes of a program that declared none: its typical figure, or a small C program's. */
export function typicalResidentBytes(argv: readonly string[]): number {
  const name = (argv[0] ?? '').replace(/^-/, '').split('/').pop() ?? '';
  const kb = TYPICAL_RSS_KB[name];
  return kb === undefined ? SMALL_PROGRAM_RSS_BYTES : kb * 1024;
}

/**
 * A program describes what its real counterpart would show in its cgroup: how many threads
 * it runs and how many bytes it holds (asked for lazily, when someone looks). `proc` is the
 * ctx.proc the program was given; outside a host's process table this does nothing.
 */
export function declareUsage(proc: ProcessInfo, usage: { threads?: number; memoryBytes?: () => number }): void {
  if (!records.has(proc)) return;
  const rec = proc as ProcessRecord;
  if (usage.threads !== undefined && Number.isInteger(usage.threads) && usage.threads > 0) rec.threads = usage.threads;
  if (usage.memoryBytes) rec.memoryBytes = usage.memoryBytes;
}
