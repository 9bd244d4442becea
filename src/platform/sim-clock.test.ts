import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock } from './sim-clock.ts';
import { SeededRandom } from './random.ts';

test('timers fire in due order, ties in scheduling order, only when time advances', () => {
  const c = new SimClock(0);
  const seen: string[] = [];
  c.after(20, () => seen.push('b'));
  c.after(10, () => seen.push('a1'));
  c.after(10, () => seen.push('a2'));
  const cancel = c.after(15, () => seen.push('cancelled'));
  cancel();
  assert.deepEqual(seen, []);
  c.advance(10);
  assert.deepEqual(seen, ['a1', 'a2']);
  c.advance(100);
  assert.deepEqual(seen, ['a1', 'a2', 'b']);
  assert.equal(c.monotonic(), 110);
});

test('every() repeats until cancelled; a wall-clock jump leaves monotonic time alone', () => {
  const c = new SimClock(1000);
  let n = 0;
  const stop = c.every(100, () => n++);
  c.advance(350);
  assert.equal(n, 3);
  stop();
  c.advance(1000);
  assert.equal(n, 3);
  c.jumpWallClock(-5000);
  assert.equal(c.now(), 1000 + 1350 - 5000);
  assert.equal(c.monotonic(), 1350);
});

test('a seed reproduces the same random sequence', () => {
  const a = new SeededRandom(42);
  const b = new SeededRandom(42);
  const xs = Array.from({ length: 5 }, () => a.int(1000));
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.int(1000)));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => new SeededRandom(43).int(1000)));
});

test('runUntil steps time until a promise settles, passes on its error, and gives up at its bound', async () => {
  const clock = new SimClock(0);
  const later = new Promise<string>((r) => clock.after(1_500, () => r('fired')));
  assert.equal(await clock.runUntil(later), 'fired');
  assert.equal(clock.monotonic(), 1_500);
  const failing = new Promise((_, reject) => clock.after(20, () => reject(new Error('boom'))));
  await assert.rejects(clock.runUntil(failing), /boom/);
  await assert.rejects(clock.runUntil(new Promise(() => {}), 100), /did not settle/);
});
