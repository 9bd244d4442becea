// How bash tells that a job died of a signal. An interactive shell prints the signal's
// description alone for a foreground job ("Killed", "Segmentation fault (core dumped)") and
// a job-table line for a background one ("[1]+  Killed   sleep 100"). A non-interactive
// shell (bash -c, a script) prints one line per job with where it was and the process:
//   bash: line 2:  1234 Killed                  sleep 100
// Debian's bash is built with DONT_REPORT_SIGPIPE and DONT_REPORT_SIGTERM: SIGPIPE is
// never reported, SIGTERM only as the bare "Terminated" of a foreground job, SIGINT never.
import type { RunningProcess } from '../types.ts';
import type { Redirect, SimpleCommand } from './ast.ts';
import { SIGNAL_DESCRIPTIONS, deathSignal } from './death-signal.ts';
import type { IO, ShellContext } from './shell-context.ts';

export { SIGNAL_DESCRIPTIONS, deathSignal };

const SIGINT = 2;
const SIGPIPE = 13;
const SIGTERM = 15;
/** Signals whose default action dumps core (signal(7): "Core"). */
const CORE_SIGNALS = new Set([3, 4, 5, 6, 7, 8, 11, 24, 25, 31]);
/** bash pads the status column to its longest signal description. */
const STATUS_WIDTH = 24;

/** "(core dumped)" follows a core-dumping signal only when `ulimit -c` allows a core file. */
export function coreDumped(sh: ShellContext, sig: number): boolean {
  if (!CORE_SIGNALS.has(sig)) return false;
  const core = sh.state.limits?.find((l) => l.flag === 'c');
  return core !== undefined && core.soft !== 0;
}

/** What an interactive shell prints for a foreground job killed by `sig` (nothing for SIGINT, SIGPIPE). */
export function interactiveDeathText(sh: ShellContext, sig: number): string | undefined {
  if (sig === SIGINT || sig === SIGPIPE) return undefined;
  const text = SIGNAL_DESCRIPTIONS[sig] ?? `Unknown signal ${sig}`;
  return coreDumped(sh, sig) ? `${text} (core dumped)` : text;
}

/** One process of a job as bash's non-interactive report prints it: pid, padded status, command. */
export function jobLine(pid: number, status: string, core: boolean, command: string): string {
  return `${String(pid).padStart(5)} ${status.padEnd(STATUS_WIDTH)}${core ? '(core dumped) ' : ''}${command}`;
}

/** "bash: line 3: " / "script.sh: line 3: ": where a non-interactive shell says a job died. */
export function reportPrefix(sh: ShellContext, line = sh.rt.reportLine ?? sh.rt.line): string {
  const name = sh.rt.scriptName ?? (sh.state.arg0 || sh.rt.name);
  return `${name}: line ${line === 0 ? 1 : line}: `;
}

/**
 * After a foreground program ended: bash's report of its death by a signal, if it died of
 * one bash reports. `command` is the command as bash prints it (see simpleCommandText).
 */
export async function reportForegroundDeath(sh: ShellContext, io: IO, rp: RunningProcess, status: number, command: string): Promise<void> {
  const sig = deathSignal(rp, status);
  if (sig === undefined) return;
  let text: string | undefined;
  if (sh.rt.interactive) {
    if (sh.rt.isInterrupted) return;
    const t = interactiveDeathText(sh, sig);
    text = t === undefined ? undefined : t + '\n';
  } else if (sig === SIGTERM) text = 'Terminated\n';
  else if (sig !== SIGINT && sig !== SIGPIPE) text = reportPrefix(sh) + jobLine(rp.info.pid, SIGNAL_DESCRIPTIONS[sig] ?? `Unknown signal ${sig}`, coreDumped(sh, sig), command) + '\n';
  if (text === undefined) return;
  try {
    await io.stderr.write(text);
  } catch {
    /* stderr gone */
  }
}

/** A background job's death as a non-interactive shell reports it (undefined: not reported). */
export function backgroundDeathText(sh: ShellContext, procs: readonly RunningProcess[], pids: readonly number[], status: number, command: string): string | undefined {
  const last = procs[procs.length - 1];
  const sig = last ? deathSignal(last, status) : undefined;
  if (sig === undefined || sig === SIGINT || sig === SIGPIPE || sig === SIGTERM) return undefined;
  return reportPrefix(sh) + jobLine(pids[pids.length - 1] ?? 0, SIGNAL_DESCRIPTIONS[sig] ?? `Unknown signal ${sig}`, coreDumped(sh, sig), command) + '\n';
}

/**
 * A simple command as bash prints it in job reports: assignments and words as written,
 * then each redirection with bash's spacing ("> file", "2> /dev/null", "2>&1").
 */
export function simpleCommandText(cmd: SimpleCommand): string {
  const parts = [...(cmd.sourceWords ?? [])];
  cmd.redirects.forEach((r, i) => parts.push(redirectText(r, cmd.redirectSources?.[i] ?? '')));
  return parts.join(' ');
}

function redirectText(r: Redirect, target: string): string {
  switch (r.kind) {
    case 'file': {
      const defaultFd = r.op === '<' || r.op === '<>' ? 0 : 1;
      return `${r.fd === defaultFd ? '' : r.fd}${r.op} ${target}`;
    }
    case 'both':
      return `${r.op} ${target}`;
    case 'dup':
      return `${r.fd}${r.op}${target}`;
    case 'herestring':
      return `${r.fd === 0 ? '' : r.fd}<<< ${target}`;
    case 'heredoc':
      return `${r.fd === 0 ? '' : r.fd}${r.stripTabs ? '<<-' : '<<'}${r.quoted ? `'${r.delimiter}'` : r.delimiter}`;
  }
}

/** A non-interactive shell reports background jobs that died of a signal when a foreground command ends (and in `wait`). */
export async function reportFinishedJobs(sh: ShellContext, io: IO): Promise<void> {
  for (const job of sh.rt.jobs.list()) {
    if (job.running || job.reported) continue;
    job.reported = true;
    const text = backgroundDeathText(sh, job.procs, job.pids, job.status, job.text.replace(/\s*&$/, ''));
    if (text === undefined) continue;
    try {
      await io.stderr.write(text);
    } catch {
      /* stderr gone */
    }
  }
}
