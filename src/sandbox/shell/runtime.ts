// What all shells of one terminal session (and their subshells) share: the host, the job
// table, the foreground processes Ctrl-C must reach, and the per-command-line budgets.
import type { Host, RunningProcess, SignalName } from '../types.ts';
import { JobTable } from './jobs.ts';
import { InterruptSignal } from './state.ts';

/** Exit status when the CPU budget is spent: 128 + SIGXCPU (24), as a CPU rlimit would give. */
export const CPU_LIMIT_STATUS = 152;

export interface RuntimeOptions {
  host: Host;
  /** Prefix of the shell's own error messages: 'bash', '-bash', 'sh', 'script.sh: line 3'. */
  name?: string;
  tty?: { name: string; cols: number; rows: number };
  /** Shell CPU time allowed per command line (time spent in the shell itself, not in programs). */
  cpuLimitMs?: number;
  interactive?: boolean;
}

export class ShellRuntime {
  readonly host: Host;
  name: string;
  tty: { name: string; cols: number; rows: number } | undefined;
  readonly jobs = new JobTable();
  /** Processes of the foreground job: Ctrl-C sends them SIGINT. */
  readonly foreground = new Set<RunningProcess>();
  readonly cpuLimitMs: number;
  readonly interactive: boolean;
  private interrupted: number | undefined;
  private busyMs = 0;
  private mark = 0;
  private steps = 0;
  /** Set for `bash script.sh`: errors read "script.sh: line 3: …". */
  scriptName: string | undefined;
  /** Line of the command running now (for script error messages). */
  line = 1;
  /**
   * Where bash's own line number stands for its job reports ("bash: line 4:  1234 Killed"):
   * the last line of the top-level command being run, or the line of an enclosing `for`.
   */
  reportLine: number | undefined;
  /** RLIMIT_CPU of the shell's own process (ms), what `ulimit -t` starts from. */
  processCpuRlimit: (() => { soft: number; hard: number } | undefined) | undefined;
  /** The signal that killed the command `bash -c` execs last (see Interpreter.runCommandString): the shell dies of it too. */
  execDeathSignal: number | undefined;
  /** Set when the CPU limit stopped the command line (the session prints why). */
  cpuExceeded = false;

  constructor(opts: RuntimeOptions) {
    this.host = opts.host;
    this.name = opts.name ?? 'bash';
    this.tty = opts.tty;
    this.cpuLimitMs = opts.cpuLimitMs ?? 10_000;
    this.interactive = !!opts.interactive;
  }

  /** The runtime of a background job's subshell: same host, own interrupt and budget. */
  forBackground(): ShellRuntime {
    const rt = new ShellRuntime({ host: this.host, name: this.name, ...(this.tty ? { tty: this.tty } : {}), cpuLimitMs: this.cpuLimitMs });
    rt.scriptName = this.scriptName;
    rt.processCpuRlimit = this.processCpuRlimit;
    rt.beginCommandLine();
    return rt;
  }

  /** A new command line starts: budgets reset, interrupt cleared. */
  beginCommandLine(): void {
    this.interrupted = undefined;
    this.interruptWaiters = [];
    this.busyMs = 0;
    this.steps = 0;
    this.cpuExceeded = false;
    this.mark = performance.now();
  }

  /** Ctrl-C (SIGINT) or another reason to stop the command line now. */
  interrupt(status = 130, sig: SignalName = 'SIGINT'): void {
    this.interrupted ??= status;
    const w = this.interruptWaiters;
    this.interruptWaiters = [];
    for (const f of w) f(this.interrupted);
    for (const p of this.foreground) p.kill(sig);
  }

  private interruptWaiters: ((status: number) => void)[] = [];

  /** Resolves when the command line is interrupted (for `wait`, `fg`). */
  whenInterrupted(): Promise<number> {
    if (this.interrupted !== undefined) return Promise.resolve(this.interrupted);
    return new Promise((r) => this.interruptWaiters.push(r));
  }

  /** The status the command line was interrupted with (130 for Ctrl-C), if it was. */
  get interruptStatus(): number | undefined {
    return this.interrupted;
  }

  get isInterrupted(): boolean {
    return this.interrupted !== undefined;
  }

  /**
   * Called before each command and loop iteration: charges the shell's own CPU time,
   * yields to the event loop now and then so a busy loop cannot freeze the server, and
   * stops the command line when it was interrupted or the budget is spent.
   */
  async step(): Promise<void> {
    if (this.interrupted !== undefined) throw new InterruptSignal(this.interrupted);
    const now = performance.now();
    this.busyMs += now - this.mark;
    this.mark = now;
    if (this.busyMs > this.cpuLimitMs) {
      this.cpuExceeded = true;
      this.interrupt(CPU_LIMIT_STATUS, 'SIGKILL');
      throw new InterruptSignal(CPU_LIMIT_STATUS);
    }
    if (++this.steps % 200 === 0) {
      await new Promise<void>((r) => setImmediate(r));
      this.mark = performance.now();
      if (this.interrupted !== undefined) throw new InterruptSignal(this.interrupted);
    }
  }

  /** Time spent waiting for a program is not the shell's CPU time. */
  async waitExternal<T>(p: Promise<T>): Promise<T> {
    const now = performance.now();
    this.busyMs += now - this.mark;
    try {
      return await p;
    } finally {
      this.mark = performance.now();
    }
  }

  cpuLimitMessage(): string {
    const s = this.cpuLimitMs / 1000;
    return `command line exceeded the sandbox CPU limit (${Number.isInteger(s) ? s : s.toFixed(1)} s)`;
  }
}
