// The deterministic simulation as part of the suite: SIM_SEEDS seeds (default 1000) of a
// faulty cluster must show no violation; and the checker must catch stale reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulation } from './cluster-sim.ts';

const SEEDS = Number(process.env.SIM_SEEDS ?? 1000);

test(`${SEEDS} seeds of a faulty cluster: linearizable, no lost write, one leader per term`, { timeout: 20 * 60_000 }, async () => {
  const failures: string[] = [];
  let ops = 0;
  let snapshots = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = await runSimulation({ seed });
    ops += r.stats.ops;
    snapshots += r.stats.snapshots;
    if (r.violations.length) failures.push(`seed ${seed}: ${r.violations.join('; ')} (replay: npm run sim -- --seed ${seed})`);
  }
  assert.ok(ops > SEEDS * 50, `clients made progress (${ops} ops)`);
  if (SEEDS >= 50) assert.ok(snapshots > 0, 'some members caught up through snapshots');
  assert.deepEqual(failures, []);
});

test('the same seed replays the same run', async () => {
  const a = await runSimulation({ seed: 7 });
  const b = await runSimulation({ seed: 7 });
  assert.deepEqual(a, b);
});

test('stale (serializable) reads are caught as a linearizability violation', async () => {
  let caught = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const r = await runSimulation({ seed, staleReads: true });
    if (r.violations.some((v) => v.includes('not linearizable'))) caught++;
  }
  assert.ok(caught >= 5, `stale reads caught in ${caught}/20 seeds`);
});
