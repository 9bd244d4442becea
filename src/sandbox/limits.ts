// Per-host limits of the learner sandbox. They keep one learner's runaway loop or
// huge file from hurting the server and every other learner, and they fail the way
// Linux fails (ENOSPC, EFBIG, EAGAIN on fork) so the learner sees a familiar message.

export interface HostLimits {
  /** Bytes of file content the host's disk holds before writes fail with ENOSPC. */
  readonly diskBytes: number;
  /** Files, directories and symlinks the disk holds before creates fail with ENOSPC. */
  readonly inodes: number;
  /** Largest single file; a bigger write fails with EFBIG ("File too large"). */
  readonly fileBytes: number;
  /** Processes at once; one more and start() throws ProcessLimitError (bash: "fork: retry: Resource temporarily unavailable"). */
  readonly processes: number;
  /**
   * CPU milliseconds one process may use (RLIMIT_CPU): past it the process is killed by
   * SIGXCPU, status 152, as `ulimit -St` ends it on Linux. Enforced where programs check
   * their budget (src/sandbox/cpu-budget.ts): interpreters and loops over unbounded input.
   */
  readonly cpuMsPerProcess: number;
}

export const DEFAULT_HOST_LIMITS: HostLimits = {
  diskBytes: 64 * 1024 * 1024,
  inodes: 20_000,
  fileBytes: 32 * 1024 * 1024,
  processes: 64,
  // The same 10 s the shell allows a command line (ShellRuntime.cpuLimitMs).
  cpuMsPerProcess: 10_000,
};

/** Thrown by Host.start when the host already runs `limits.processes` processes (fork's EAGAIN). */
export class ProcessLimitError extends Error {
  readonly code = 'EAGAIN';
  constructor(readonly limit: number) {
    super('Resource temporarily unavailable');
    this.name = 'ProcessLimitError';
  }
}
