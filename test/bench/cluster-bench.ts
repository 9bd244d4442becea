// npm run bench — a 3-member cluster of our etcd in one process, on real timers with an
// in-memory peer network and in-memory disks: puts/s, commit latency percentiles, and the
// time from losing the leader to the next acknowledged write. Figures, not asserts.
import { realClock } from '../../src/platform/clock.ts';
import { realRandom } from '../../src/platform/random.ts';
import { SimFileSystem } from '../../src/platform/sim-fs.ts';
import { startInProcessCluster } from '../../src/etcd/server/in-process-cluster.ts';
import type { EtcdServer } from '../../src/etcd/server/etcd-server.ts';

const TOTAL = Number(process.env.BENCH_PUTS ?? 20000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const VALUE = new TextEncoder().encode('x'.repeat(256));
const enc = new TextEncoder();

const disks = new Map<string, SimFileSystem>();
const { servers } = await startInProcessCluster({
  members: [{ name: 'm1' }, { name: 'm2' }, { name: 'm3' }],
  clock: realClock,
  random: realRandom,
  fsFor: (n) => disks.get(n) ?? disks.set(n, new SimFileSystem(() => Date.now())).get(n)!,
});

const leader = async (): Promise<EtcdServer> => {
  for (let i = 0; i < 200; i++) {
    const l = [...servers.values()].find((s) => !s.isStopped && s.isLeader);
    if (l) return l;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no leader after 5 s');
};

const first = await leader();
const pct = (xs: number[], q: number) => xs[Math.floor(q * (xs.length - 1))]!.toFixed(2);

// Puts from CONCURRENCY clients spread over all members (followers forward to the leader).
const members = [...servers.values()];
const latencies: number[] = [];
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async (_, c) => {
    for (let k = next++; k < TOTAL; k = next++) {
      const s = performance.now();
      await members[c % members.length]!.put({ key: enc.encode(`bench/${k % 10000}`), value: VALUE });
      latencies.push(performance.now() - s);
    }
  }),
);
const putSecs = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);

// Linearizable gets.
next = 0;
const t1 = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async (_, c) => {
    for (let k = next++; k < TOTAL; k = next++) await members[c % members.length]!.range({ key: enc.encode(`bench/${k % 10000}`) });
  }),
);
const getSecs = (performance.now() - t1) / 1000;

// Failover: stop the leader, then (like a client with a short timeout that retries) start a
// write through a survivor every 50 ms until one is acknowledged.
const survivor = members.find((s) => s !== first)!;
const tLoss = performance.now();
await first.stop('crash');
const failoverMs = await new Promise<number>((resolve) => {
  let done = false;
  const attempt = () => {
    if (done) return;
    survivor.put({ key: enc.encode('bench/failover'), value: VALUE }).then(
      () => {
        if (!done) {
          done = true;
          clearInterval(timer);
          resolve(performance.now() - tLoss);
        }
      },
      () => {},
    );
  };
  const timer = setInterval(attempt, 50);
  attempt();
  setTimeout(() => {
    if (!done) {
      done = true;
      clearInterval(timer);
      resolve(NaN);
    }
  }, 30_000);
});

console.log(
  JSON.stringify({
    cluster: '3 members, one process, in-memory network and disks',
    puts: TOTAL,
    concurrency: CONCURRENCY,
    puts_per_s: Math.round(TOTAL / putSecs),
    p50_ms: +pct(latencies, 0.5),
    p99_ms: +pct(latencies, 0.99),
    gets_per_s: Math.round(TOTAL / getSecs),
    leader_loss_to_next_write_ms: Math.round(failoverMs),
    heap_mb: Math.round(process.memoryUsage().heapUsed / 1e6),
  }),
);
for (const s of members) await s.stop('crash');
process.exit(0);
