// What every Clock must do, run against each implementation (real timers, simulated time).
// `pass(ms)` lets `ms` milliseconds go by on that clock: a real wait, or SimClock.advance.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, type Clock } from './clock.ts';

export function clockConformance(name: string, make: () => { clock: Clock; pass: (ms: number) => Promise<void> }): void {
  describe(`Clock conformance: ${name}`, () => {
    it('fires timers once, in due order, and not before they are due', async () => {
      const { clock, pass } = make();
      const seen: string[] = [];
      clock.after(40, () => seen.push('late'));
      clock.after(5, () => seen.push('early'));
      assert.deepEqual(seen, [], 'nothing fires synchronously');
      await pass(80);
      assert.deepEqual(seen, ['early', 'late']);
      await pass(80);
      assert.deepEqual(seen, ['early', 'late'], 'after() fires once');
    });

    it('cancels timers, twice harmlessly', async () => {
      const { clock, pass } = make();
      let fired = 0;
      const cancel = clock.after(5, () => fired++);
      cancel();
      cancel();
      const stop = clock.every(5, () => fired++);
      stop();
      await pass(40);
      assert.equal(fired, 0);
    });

    it('repeats every() until cancelled', async () => {
      const { clock, pass } = make();
      let n = 0;
      const stop = clock.every(10, () => n++);
      await pass(55);
      stop();
      const seen = n;
      assert.ok(seen >= 1, `every(10) fired ${seen} times in 55 ms`);
      await pass(40);
      assert.equal(n, seen, 'no firing after cancel');
    });

    it('keeps monotonic time moving forward and wall time in epoch milliseconds', async () => {
      const { clock, pass } = make();
      const m0 = clock.monotonic();
      await pass(20);
      assert.ok(clock.monotonic() >= m0 + 15, 'monotonic advanced with the time that passed');
      assert.ok(clock.now() > Date.UTC(2020, 0, 1), 'now() is epoch milliseconds');
    });

    it('sleep() resolves after the delay and rejects when aborted', async () => {
      const { clock, pass } = make();
      let done = false;
      void sleep(clock, 10).then(() => (done = true));
      await pass(30);
      assert.equal(done, true);
      const ac = new AbortController();
      const p = sleep(clock, 1000, ac.signal);
      ac.abort('SIGINT');
      await assert.rejects(p, (e) => e === 'SIGINT');
    });
  });
}
