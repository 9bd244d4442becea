// Time, handed in rather than reached for, so the same code runs on real timers
// (sandbox, real mode) and on simulated time stepped by a test (simulation).

/** Cancels a scheduled callback; calling it twice is harmless. */
export type Cancel = () => void;

export interface Clock {
  /** Wall-clock milliseconds since the Unix epoch (may jump, like a real clock). */
  now(): number;
  /** Milliseconds that never go backwards; use for timeouts and latencies. */
  monotonic(): number;
  /** Runs fn once after ms milliseconds. */
  after(ms: number, fn: () => void): Cancel;
  /** Runs fn every ms milliseconds until cancelled. */
  every(ms: number, fn: () => void): Cancel;
}

/** Real timers, for the sandbox and real mode. */
export const realClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
  every(ms, fn) {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  },
};

/** Resolves after ms on the given clock; rejects with the signal's reason if aborted. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      cancel();
      reject(signal!.reason);
    };
    const cancel = clock.after(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
