// Signal names and numbers as Linux has them (exit status 128+N for a process ended by N).

export type SignalName = 'SIGINT' | 'SIGTERM' | 'SIGKILL' | 'SIGHUP' | 'SIGQUIT' | 'SIGPIPE' | 'SIGSTOP' | 'SIGCONT' | 'SIGUSR1' | 'SIGUSR2' | 'SIGXCPU';

export const SIGNAL_NUMBERS: Record<SignalName, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGTERM: 15,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGXCPU: 24,
};
