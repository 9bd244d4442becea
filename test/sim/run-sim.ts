// npm run sim -- --seeds N [--from S] [--seed S] [--duration MS]
// Runs deterministic cluster simulations; a failing seed prints the command that replays it.
import { runSimulation } from './cluster-sim.ts';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const one = opt('seed');
const count = Number(opt('seeds') ?? 100);
const from = Number(opt('from') ?? 1);
const durationMs = opt('duration') ? Number(opt('duration')) : undefined;
const seeds = one !== undefined ? [Number(one)] : Array.from({ length: count }, (_, i) => from + i);

let failed = 0;
const totals = { ops: 0, acked: 0, unknown: 0, crashes: 0, partitions: 0, leaders: 0, messages: 0, snapshots: 0 };
const t0 = performance.now();
for (const seed of seeds) {
  const r = await runSimulation({ seed, durationMs });
  for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r.stats[k];
  if (r.violations.length) {
    failed++;
    console.log(`seed ${seed}: FAILED\n  ${r.violations.join('\n  ')}\n  replay: npm run sim -- --seed ${seed}${durationMs ? ` --duration ${durationMs}` : ''}`);
  } else if (one !== undefined) console.log(`seed ${seed}: ok ${JSON.stringify(r.stats)}`);
}
const secs = ((performance.now() - t0) / 1000).toFixed(1);
console.log(`${seeds.length} seeds in ${secs}s: ${failed} with violations; ${totals.ops} client ops (${totals.acked} acknowledged, ${totals.unknown} unknown), ${totals.crashes} crashes, ${totals.partitions} partitions, ${totals.leaders} leader terms, ${totals.messages} raft messages, ${totals.snapshots} snapshots sent`);
process.exit(failed ? 1 : 0);
