// The CPU budget of a program whose loops are bounded only by its input or its code: awk's
// `while(1)`, sed's `:a;ba`, grep over a huge file. Every learner shares one Node process,
// so such a loop must (1) give the event loop back often, or no timer, socket or other
// session runs, (2) have its time charged to it, so `ps` and `systemctl status` show it,
// and (3) end as RLIMIT_CPU ends a Linux process: killed by SIGXCPU, status 152.
//
// Use: `const budget = cpuBudget(ctx)`, then in the loop `if (budget.step()) await budget.tick()`.
// step() only counts; the clock is read every `stride` steps, a stride that adapts so a
// check comes about every millisecond of work whatever a step costs.
import { DEFAULT_CPU_LIMIT_MS, chargeRunning, killForCpuHardLimit, killForCpuLimit, markResumed, processRecordOf, type CpuAccount } from './processes.ts';
import type { InputStream, OutputStream } from './io.ts';
import type { CommandContext, ProcessInfo } from './types.ts';

/** How long the event loop may be kept busy before a checking program yields it. */
export const YIELD_AFTER_MS = 20;

const FIRST_STRIDE = 256;
const MAX_STRIDE = 1 << 16;
/** The stride grows while a stride's work takes less than this, shrinks while it takes more. */
const STRIDE_TARGET_MS = 1;

/** Thrown out of tick() once the process was killed for its CPU limit; the host ends it with 152. */
export class CpuLimitExceeded extends Error {
  constructor() {
    super('CPU time limit exceeded');
    this.name = 'CpuLimitExceeded';
  }
}

/** Thrown out of tick() when a signal ended or is ending the process (Ctrl-C, kill): the loop stops. */
export class ProcessSignalled extends Error {
  constructor(readonly reason: unknown) {
    super(`terminated by ${String(reason)}`);
    this.name = 'ProcessSignalled';
  }
}

export interface CpuBudget {
  /** Counts `weight` units of work (default 1); true when the caller should `await tick()`. */
  step(weight?: number): boolean;
  /**
   * Charges the time since the last check to the process, yields to the event loop when it
   * has been busy for YIELD_AFTER_MS, and throws CpuLimitExceeded (after killing the process
   * with SIGXCPU) once the process used its CPU limit, ProcessSignalled once it was signalled.
   */
  tick(): Promise<void>;
  /** The caller waited on something besides its own stdin/stdout/stderr: that was not CPU time. */
  resume(): void;
  /**
   * Work done for the program off the event loop (zlib on the thread pool) took `ms`: it is
   * the program's CPU time. The next step() asks for a tick, which checks the limit.
   */
  charge(ms: number): void;
  /** CPU milliseconds the process used so far. */
  readonly usedMs: number;
}

// The event loop's current turn, as the checking programs see it: opened by the first check
// after the loop went round (a setImmediate closes it). While one turn lasts longer than
// YIELD_AFTER_MS the loop is blocked, whichever programs keep it busy (`yes | awk …`
// passes data through promises without ever going round), so every check then yields.
let turnOpen = false;
let turnStartedAt = 0;
function closeTurn(): void {
  turnOpen = false;
}
function turnBusyMs(now: number): number {
  if (!turnOpen) {
    turnOpen = true;
    turnStartedAt = now;
    setImmediate(closeTurn);
  }
  return now - turnStartedAt;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The budget of the process running ctx (its host's RLIMIT_CPU); a program run outside a host gets one of its own. */
export function cpuBudget(ctx: Pick<CommandContext, 'proc' | 'signal'>): CpuBudget {
  return budgetFor(ctx.proc, ctx.signal);
}

export function budgetFor(proc: ProcessInfo, signal?: AbortSignal, limitMs?: number): CpuBudget {
  const rec = processRecordOf(proc);
  const acct: CpuAccount = rec ?? standaloneAccount(limitMs ?? DEFAULT_CPU_LIMIT_MS);
  // Read at every check: the shell lowers a process's limits (`ulimit -t`) right after starting it.
  const softLimit = () => limitMs ?? acct.cpuLimitMs;
  const hardLimit = () => rec?.cpuHardLimitMs ?? Infinity;
  let count = 0;
  let stride = FIRST_STRIDE;
  let lastCheck = performance.now();
  const killedForCpu = () => rec?.signalled === 'SIGXCPU';
  const stop = () => {
    if (rec) {
      // Linux checks the hard limit first: at it the process gets SIGKILL, not SIGXCPU.
      if (acct.cpuMs >= hardLimit()) {
        killForCpuHardLimit(rec);
        return new ProcessSignalled('SIGKILL');
      }
      killForCpuLimit(rec);
    }
    return new CpuLimitExceeded();
  };
  const budget: CpuBudget = {
    step(weight = 1) {
      count += weight;
      return count >= stride;
    },
    async tick() {
      const now = performance.now();
      chargeRunning(acct, now);
      // About one check per millisecond, whatever a step costs. Wall time, not the time
      // charged: in `yes | tail` each side is charged only its own share, and strides sized
      // on that grew until neither checked (nor yielded) for half a second.
      const elapsed = now - lastCheck;
      lastCheck = now;
      if (elapsed > 2 * STRIDE_TARGET_MS && count >= stride) stride = Math.max(1, stride >> 1);
      else if (elapsed < STRIDE_TARGET_MS / 2 && count >= stride) stride = Math.min(MAX_STRIDE, stride << 1);
      count = 0;
      if (killedForCpu()) throw new CpuLimitExceeded();
      if (acct.cpuMs > softLimit() || acct.cpuMs >= hardLimit()) throw stop();
      if (rec?.ended || signal?.aborted) throw new ProcessSignalled(rec?.signalled ?? signal?.reason);
      if (turnBusyMs(now) >= YIELD_AFTER_MS) {
        await yieldToEventLoop();
        markResumed(acct);
        if (killedForCpu()) throw new CpuLimitExceeded();
        if (rec?.ended || signal?.aborted) throw new ProcessSignalled(rec?.signalled ?? signal?.reason);
      }
    },
    resume() {
      markResumed(acct);
    },
    charge(ms) {
      acct.chargeCpu(Math.max(0, ms));
      markResumed(acct);
      count = stride;
    },
    get usedMs() {
      return acct.cpuMs;
    },
  };
  return budget;
}

function standaloneAccount(limit: number): CpuAccount {
  const acct: CpuAccount = {
    cpuMs: 0,
    resumedAt: performance.now(),
    cpuLimitMs: limit,
    chargeCpu: (ms) => {
      acct.cpuMs += ms;
    },
  };
  return acct;
}

/**
 * Input whose every read counts as work (a unit per 256 bytes): a program that only reads
 * and keeps (sort, tail, base64 -d) still yields and is charged, even when its writer is
 * so fast that the reads never wait.
 */
export function chargedInput(input: InputStream, budget: CpuBudget): InputStream {
  return {
    isTTY: input.isTTY,
    read: async () => {
      const c = await input.read();
      if (c && budget.step(1 + (c.length >> 8))) await budget.tick();
      return c;
    },
  };
}

/**
 * text.split(eol) without its trailing empty piece, in steps: splitting 15 MB at once keeps
 * the event loop for a quarter of a second.
 */
export async function splitLinesCharged(text: string, budget: CpuBudget, eol = '\n'): Promise<string[]> {
  const lines: string[] = [];
  for (let pos = 0; pos < text.length; ) {
    let end = text.indexOf(eol, pos);
    if (end < 0) end = text.length;
    lines.push(text.slice(pos, end));
    pos = end + 1;
    if (budget.step()) await budget.tick();
  }
  return lines;
}

/** Output gathered into writes of about this many characters. */
const WRITE_CHUNK_CHARS = 64 * 1024;

/**
 * Writes each line followed by eol, in chunks of about 64 KiB (joining millions of lines
 * into one string blocks the event loop for most of a second); returns nothing. With
 * `out` undefined, returns the whole text instead (for -o FILE).
 */
export async function writeLinesCharged(out: OutputStream | undefined, lines: readonly string[], budget: CpuBudget, eol = '\n'): Promise<string> {
  const chunks: string[] = [];
  let part: string[] = [];
  let size = 0;
  const flush = async () => {
    const text = part.join('');
    part = [];
    size = 0;
    if (out) await out.write(text);
    else chunks.push(text);
  };
  for (const line of lines) {
    part.push(line, eol);
    size += line.length + 1;
    if (size >= WRITE_CHUNK_CHARS) await flush();
    if (budget.step()) await budget.tick();
  }
  if (size) await flush();
  return chunks.join('');
}
