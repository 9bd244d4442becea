// Which signal ended a process, and how glibc words each signal. A leaf module: the job
// table (jobs.ts) needs these, and signal-report.ts, which also reports through the
// running shell, sits above the job table; keeping them here lets jobs.ts not import it.
import { processRecordOf, terminatingSignal } from '../processes.ts';
import type { RunningProcess } from '../types.ts';

/** strsignal(3) as glibc words it, for the signals a program here can die of. */
export const SIGNAL_DESCRIPTIONS: Record<number, string> = {
  1: 'Hangup',
  2: 'Interrupt',
  3: 'Quit',
  4: 'Illegal instruction',
  5: 'Trace/breakpoint trap',
  6: 'Aborted',
  7: 'Bus error',
  8: 'Floating point exception',
  9: 'Killed',
  10: 'User defined signal 1',
  11: 'Segmentation fault',
  12: 'User defined signal 2',
  13: 'Broken pipe',
  14: 'Alarm clock',
  15: 'Terminated',
  24: 'CPU time limit exceeded',
  25: 'File size limit exceeded',
  26: 'Virtual timer expired',
  27: 'Profiling timer expired',
  31: 'Bad system call',
};

/** The signal that ended a process with `status`, when a signal did. */
export function deathSignal(rp: RunningProcess, status: number): number | undefined {
  // A process of another Host implementation (tests' fakes) has no record to ask: 128+N it is.
  if (!processRecordOf(rp.info)) return status > 128 && SIGNAL_DESCRIPTIONS[status - 128] ? status - 128 : undefined;
  return terminatingSignal(rp.info, status);
}
