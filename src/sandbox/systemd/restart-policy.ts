// When systemd starts a service again by itself (Restart=), and when it refuses to start one
// that keeps failing (the start rate limit).
import type { MainExit } from './unit-state.ts';

/** Restart= against how the main process ended; `clean` is systemd's "success" (exit 0, or a stop signal we sent). */
export function shouldRestart(policy: string, clean: boolean, exit: MainExit): boolean {
  switch (policy) {
    case 'always':
      return true;
    case 'on-success':
      return clean;
    case 'on-failure':
      return !clean;
    case 'on-abnormal':
    case 'on-abort':
      return exit.code === 'killed';
    default:
      return false;
  }
}

/** systemd's defaults: StartLimitBurst=5 within StartLimitIntervalSec=10s. */
const START_LIMIT_BURST = 5;
const START_LIMIT_INTERVAL_MS = 10_000;

/** Start times per unit, so that a unit started too often in a short while gives up. */
export class StartRateLimit {
  private readonly startTimes = new Map<string, number[]>();

  /** Records a start at `now` (monotonic ms); true when this start is one too many. */
  exceeded(unit: string, now: number): boolean {
    const times = (this.startTimes.get(unit) ?? []).filter((t) => now - t < START_LIMIT_INTERVAL_MS);
    times.push(now);
    this.startTimes.set(unit, times);
    return times.length > START_LIMIT_BURST;
  }

  /** systemctl reset-failed forgets the unit's starts. */
  reset(unit: string): void {
    this.startTimes.delete(unit);
  }
}
