import type { Cancel, Clock } from './clock.ts';

interface Scheduled {
  at: number;
  seq: number;
  fn: () => void;
  period?: number;
  cancelled: boolean;
}

/**
 * Simulated time for deterministic tests: nothing happens until the test calls
 * advance()/runNext(). Timers due at the same instant fire in scheduling order,
 * so a run is a pure function of its inputs.
 */
export class SimClock implements Clock {
  private t: number;
  private mono = 0;
  private seq = 0;
  private queue: Scheduled[] = [];

  constructor(startEpochMs = 1_700_000_000_000) {
    this.t = startEpochMs;
  }

  now(): number {
    return this.t;
  }

  monotonic(): number {
    return this.mono;
  }

  after(ms: number, fn: () => void): Cancel {
    return this.schedule(ms, fn);
  }

  every(ms: number, fn: () => void): Cancel {
    return this.schedule(ms, fn, Math.max(1, ms));
  }

  /** Moves the wall clock without touching monotonic time (a clock jump). */
  jumpWallClock(deltaMs: number): void {
    this.t += deltaMs;
  }

  /** Number of pending timers. */
  pending(): number {
    return this.queue.filter((s) => !s.cancelled).length;
  }

  /** Time of the next pending timer, or undefined. */
  nextAt(): number | undefined {
    this.prune();
    return this.queue[0]?.at;
  }

  /** Advances time by ms, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.mono + ms;
    for (;;) {
      this.prune();
      const next = this.queue[0];
      if (!next || next.at > target) break;
      this.fire(next);
    }
    this.setMono(target);
  }

  /** Jumps to the next timer and fires it; returns false when none is pending. */
  runNext(): boolean {
    this.prune();
    const next = this.queue[0];
    if (!next) return false;
    this.fire(next);
    return true;
  }

  private fire(s: Scheduled): void {
    this.queue.shift();
    this.setMono(Math.max(this.mono, s.at));
    if (s.period !== undefined) {
      s.at += s.period;
      s.seq = this.seq++;
      this.insert(s);
    }
    s.fn();
  }

  private setMono(m: number): void {
    this.t += m - this.mono;
    this.mono = m;
  }

  private schedule(ms: number, fn: () => void, period?: number): Cancel {
    const s: Scheduled = { at: this.mono + Math.max(0, ms), seq: this.seq++, fn, period, cancelled: false };
    this.insert(s);
    return () => {
      s.cancelled = true;
    };
  }

  private insert(s: Scheduled): void {
    let i = this.queue.length;
    while (i > 0) {
      const prev = this.queue[i - 1]!;
      if (prev.at < s.at || (prev.at === s.at && prev.seq < s.seq)) break;
      i--;
    }
    this.queue.splice(i, 0, s);
  }

  /**
   * Steps time 10 ms at a time, letting callbacks and I/O run between steps, until `p`
   * settles; its value, or its error thrown. Bounded: throws if it has not settled after maxMs.
   */
  async runUntil<T>(p: Promise<T>, maxMs = 60_000): Promise<T> {
    let out: { value: T } | { error: unknown } | undefined;
    p.then(
      (value) => (out = { value }),
      (error: unknown) => (out = { error }),
    );
    for (let t = 0; t < maxMs && !out; t += 10) {
      this.advance(10);
      await new Promise((r) => setImmediate(r));
    }
    if (!out) throw new Error('did not settle');
    if ('error' in out) throw out.error;
    return out.value;
  }

  private prune(): void {
    while (this.queue[0]?.cancelled) this.queue.shift();
  }
}
