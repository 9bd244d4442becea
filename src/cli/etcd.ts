// etcd in real mode: our etcd as an OS process on real ports and a real data dir.
//   npx tsx src/cli/etcd.ts --name n1 --data-dir /tmp/n1.etcd ...
import { realClock } from '../platform/clock.ts';
import { realRandom } from '../platform/random.ts';
import { NodeFileSystem } from '../platform/node-fs.ts';
import { NodeNetwork } from '../platform/node-network.ts';
import { runEtcd } from '../etcd/cli/etcd-main.ts';

const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => controller.abort(sig));
}
const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;

const code = await runEtcd({
  argv: ['etcd', ...process.argv.slice(2)],
  env,
  cwd: process.cwd(),
  fs: new NodeFileSystem(),
  net: new NodeNetwork(),
  clock: realClock,
  random: realRandom,
  stdout: { write: (c) => void process.stdout.write(c) },
  stderr: { write: (c) => void process.stderr.write(c) },
  signal: controller.signal,
  version: process.env['HARDWAY_ETCD_VERSION'] || undefined,
});
process.exitCode = code;
// Timers (ticks, sockets) are all closed by now; exit promptly anyway, as etcd does.
setTimeout(() => process.exit(code), 50).unref();
