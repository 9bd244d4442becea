// npm run bench:kv [TOTAL] [CONCURRENCY] [VALUE_BYTES]
// The same etcd3 client load (../shared/tools/kvbench.mjs) against our etcd (real mode: its own
// process, node:fs data dir in a temp dir, single member) and against the real /usr/bin/etcd.
// Prints both JSON lines and the ratios ours/real. Figures, not assertions.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const KVBENCH = path.resolve(ROOT, '../shared/tools/kvbench.mjs');
const REAL_ETCD = '/usr/bin/etcd';
const [total = '20000', concurrency = '64', valueBytes = '256'] = process.argv.slice(2);

interface BenchLine {
  endpoint: string;
  puts_per_s: number;
  p50_ms: number;
  p99_ms: number;
  gets_per_s: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** Waits (bounded) until the port accepts connections. */
async function waitForPort(port: number, proc: ChildProcess, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not listen on ${port}`);
}

async function startEtcd(name: string, cmd: string, args: string[], dir: string): Promise<{ endpoint: string; proc: ChildProcess }> {
  const client = await freePort();
  const peer = await freePort();
  const proc = spawn(cmd, [...args, `--data-dir=${dir}`, `--listen-client-urls=http://127.0.0.1:${client}`, `--advertise-client-urls=http://127.0.0.1:${client}`, `--listen-peer-urls=http://127.0.0.1:${peer}`], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  await waitForPort(client, proc, name);
  return { endpoint: `127.0.0.1:${client}`, proc };
}

function runKvbench(endpoint: string): Promise<BenchLine> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [KVBENCH, endpoint, total, concurrency, valueBytes], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`kvbench exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(line) as BenchLine);
      } catch {
        reject(new Error(`kvbench printed ${JSON.stringify(out)}`));
      }
    });
  });
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const done = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await done;
  clearTimeout(t);
}

async function bench(name: string, cmd: string, args: string[]): Promise<BenchLine> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kvbench-${name}-`));
  const { endpoint, proc } = await startEtcd(name, cmd, args, path.join(dir, 'data'));
  try {
    return await runKvbench(endpoint);
  } finally {
    await stop(proc);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(KVBENCH)) {
    console.log(`bench:kv skipped: ${KVBENCH} not found`);
    return;
  }
  const ours = await bench('ours', process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/etcd.ts')]);
  console.log(JSON.stringify({ server: 'ours', ...ours }));
  if (!fs.existsSync(REAL_ETCD)) {
    console.log(`real etcd not found at ${REAL_ETCD}: no comparison`);
    return;
  }
  const real = await bench('real', REAL_ETCD, []);
  console.log(JSON.stringify({ server: 'real', ...real }));
  const ratio = (a: number, b: number) => (b === 0 ? null : +(a / b).toFixed(2));
  console.log(
    JSON.stringify({
      ratio: 'ours/real',
      puts_per_s: ratio(ours.puts_per_s, real.puts_per_s),
      p50_ms: ratio(ours.p50_ms, real.p50_ms),
      p99_ms: ratio(ours.p99_ms, real.p99_ms),
      gets_per_s: ratio(ours.gets_per_s, real.gets_per_s),
    }),
  );
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
