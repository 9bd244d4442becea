import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { realClock } from '../../platform/clock.ts';
import { realRandom } from '../../platform/random.ts';
import { NodeNetwork } from '../../platform/node-network.ts';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import { runEtcd } from './etcd-main.ts';
import { startTestEtcd } from '../api/test-helpers.ts';

async function run(argv: string[], env: Record<string, string> = {}, signal = new AbortController().signal) {
  let stdout = '';
  let stderr = '';
  const fs = new SimFileSystem();
  fs.mkdir('/work');
  const code = await runEtcd({
    argv: ['etcd', ...argv],
    env,
    cwd: '/work',
    fs,
    net: new NodeNetwork(),
    clock: realClock,
    random: realRandom,
    stdout: { write: (c) => void (stdout += String(c)) },
    stderr: { write: (c) => void (stderr += String(c)) },
    signal,
  });
  const logs = stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, stdout, stderr, logs };
}

test('etcd --version prints the version block', async () => {
  const r = await run(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^etcd Version: 3\.6\.4\nGit SHA: \w+\nGo Version: go[\d.]+\nGo OS\/Arch: linux\/amd64\n$/);
});

test('etcd --help prints the flags on stdout', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--initial-cluster-token 'etcd-cluster'/);
});

test('an unknown flag: Go flag error and usage on stderr, exit 2', async () => {
  const r = await run(['--foo']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^flag provided but not defined: -foo\nUsage:\n\n  etcd \[flags\]\n/);
});

test('a flag shadowing ETCD_* is fatal (exit 1)', async () => {
  const r = await run(['--name', 'b'], { ETCD_NAME: 'a' });
  assert.equal(r.code, 1);
  const last = r.logs.at(-1)!;
  assert.equal(last['level'], 'fatal');
  assert.equal(last['environment-variable'], 'ETCD_NAME');
});

test('bad values: "failed to verify flags", exit 1', async () => {
  const r = await run(['--heartbeat-interval', '300']);
  assert.equal(r.code, 1);
  const w = r.logs.find((l) => l['msg'] === 'failed to verify flags')!;
  assert.equal(w['error'], '--election-timeout[1000ms] should be at least as 5 times as --heartbeat-interval[300ms]');
});

test('a name missing from --initial-cluster fails to start', async () => {
  const r = await run(['--name', 'x', '--initial-cluster', 'a=http://127.0.0.1:2380', '--listen-client-urls', 'http://127.0.0.1:0', '--advertise-client-urls', 'http://127.0.0.1:0', '--listen-peer-urls', 'http://127.0.0.1:0']);
  assert.equal(r.code, 1);
  const w = r.logs.at(-1)!;
  assert.equal(w['level'], 'fatal');
  assert.equal(w['msg'], 'discovery failed');
  assert.equal(w['error'], `couldn't find local name "x" in the initial cluster configuration`);
});

test('--initial-cluster URLs must be the advertised ones', async () => {
  const r = await run(['--name', 'n1', '--initial-cluster', 'n1=http://10.0.0.11:2380', '--listen-client-urls', 'http://127.0.0.1:0', '--advertise-client-urls', 'http://127.0.0.1:0', '--listen-peer-urls', 'http://127.0.0.1:0']);
  assert.equal(r.code, 1);
  const f = r.logs.at(-1)!;
  assert.equal(f['msg'], 'discovery failed');
  assert.equal(f['error'], '--initial-cluster has n1=http://10.0.0.11:2380 but missing from --initial-advertise-peer-urls=http://localhost:2380 (resolved urls: "http://127.0.0.1:2380" != "http://10.0.0.11:2380")');
});

test('a busy client port: fatal with Go\'s listen error', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const r = await run(['--listen-client-urls', `http://127.0.0.1:${port}`, '--advertise-client-urls', `http://127.0.0.1:${port}`, '--listen-peer-urls', 'http://127.0.0.1:0']);
    assert.equal(r.code, 1);
    const f = r.logs.at(-1)!;
    assert.equal(f['level'], 'fatal');
    assert.equal(f['error'], `listen tcp 127.0.0.1:${port}: bind: address already in use`);
  } finally {
    blocker.close();
  }
});

test('SIGINT: graceful shutdown with etcd\'s lines and exit 130; restart finds the member', async () => {
  const fs = new SimFileSystem();
  const etcd = await startTestEtcd([], { fs });
  await fetch(etcd.url + '/v3/kv/put', { method: 'POST', body: JSON.stringify({ key: 'YQ==', value: 'Yg==' }) });
  const stopped = etcd.stop();
  assert.equal(await stopped, 143); // startTestEtcd stops with SIGTERM
  const msgs = etcd.logs.map((l) => (JSON.parse(l) as { msg: string }).msg);
  for (const m of ['Running: ', 'starting an etcd server', 'starting local member', 'published local member to cluster through raft', 'ready to serve client requests', 'serving client traffic insecurely; this is strongly discouraged!', 'received signal; shutting down', 'closing etcd server', 'skipped leadership transfer for single voting member cluster', 'closed etcd server']) {
    assert.ok(msgs.includes(m), `missing log line: ${m}`);
  }
  const again = await startTestEtcd([], { fs });
  try {
    assert.ok(again.logs.some((l) => l.includes('"server has already been initialized"')));
    const r = await (await fetch(again.url + '/v3/kv/range', { method: 'POST', body: JSON.stringify({ key: 'YQ==' }) })).json() as { kvs: { value: string }[] };
    assert.equal(r.kvs[0]!.value, 'Yg==');
  } finally {
    await again.stop();
  }
});

test('a full disk stops etcd with a fatal log line (exit 1), never a crash', async () => {
  const fs = new SimFileSystem(() => Date.now(), 400_000);
  let exitCode: number | undefined;
  const etcd = await startTestEtcd([], { fs });
  const exited = etcd.stop.bind(etcd);
  const big = Buffer.alloc(50_000, 'y').toString('base64');
  for (let i = 0; i < 20; i++) {
    const r = await fetch(etcd.url + '/v3/kv/put', { method: 'POST', body: JSON.stringify({ key: Buffer.from(`k${i}`).toString('base64'), value: big }) }).catch(() => undefined);
    if (!r || r.status !== 200) break;
  }
  for (let i = 0; i < 100 && !etcd.logs.some((l) => l.includes('"level":"fatal"')); i++) await new Promise((r) => setTimeout(r, 10));
  const fatal = etcd.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['level'] === 'fatal');
  assert.ok(fatal, 'a fatal line');
  assert.equal(fatal['msg'], 'failed to save Raft hard state and entries');
  assert.match(String(fatal['error']), /no space left on device/);
  exitCode = await exited();
  assert.equal(exitCode, 1);
});
