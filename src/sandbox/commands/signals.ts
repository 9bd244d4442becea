// Linux signal names and numbers (x86-64) for kill, pkill and friends, and how the host
// delivers them: the host models the signals in SignalName; the other terminating ones
// are delivered as SIGTERM would be (the program is asked to stop), ignored ones do nothing.
import { SIGNAL_NUMBERS, type SignalName } from '../types.ts';

export const SIGNALS: readonly string[] = [
  'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM', 'STKFLT',
  'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'POLL', 'PWR', 'SYS',
];

/** Signals whose default action is to do nothing (or stop/continue, which the host does not model). */
const NO_EFFECT = new Set(['CHLD', 'URG', 'WINCH', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU']);

/** Signal number for a name ("TERM", "SIGTERM", "15", "term"); undefined when unknown. 0 is the existence check. */
export function signalNumber(spec: string): number | undefined {
  if (/^\d+$/.test(spec)) {
    const n = Number(spec);
    return n >= 0 && n <= SIGNALS.length ? n : undefined;
  }
  const name = spec.toUpperCase().replace(/^SIG/, '');
  const i = SIGNALS.indexOf(name);
  return i < 0 ? undefined : i + 1;
}

export const signalName = (n: number): string | undefined => SIGNALS[n - 1];

/** What the host is sent for signal n: one of its SignalNames, or undefined when the signal has no effect. */
export function hostSignal(n: number): SignalName | undefined {
  const name = SIGNALS[n - 1];
  if (!name || NO_EFFECT.has(name)) return undefined;
  const sig = `SIG${name}` as SignalName;
  return sig in SIGNAL_NUMBERS ? sig : 'SIGTERM';
}
