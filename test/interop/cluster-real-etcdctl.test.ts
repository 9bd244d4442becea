// The REAL etcdctl (Debian's 3.4) against a three-member cluster of OUR etcd in real mode
// (node:net, node:fs) and against a three-member cluster of the REAL etcd 3.4, through
// the cluster lesson's steps: the member list, health and status of every member, one
// member stopped, quorum lost, a member restarted. Outputs are compared after normalising
// what legitimately differs: ports, member ids (each cluster's ids map to its names),
// versions, sizes, raft indexes and measured durations. Where the servers' versions
// differ in behaviour (3.4's gRPC reports a lost quorum as code Unknown, 3.6 as
// DeadlineExceeded) our output is checked against 3.6's words instead.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realClock } from '../../src/platform/clock.ts';
import { realRandom } from '../../src/platform/random.ts';
import { NodeFileSystem } from '../../src/platform/node-fs.ts';
import { NodeNetwork } from '../../src/platform/node-network.ts';
import { runEtcd } from '../../src/etcd/cli/etcd-main.ts';
import { freePort, missingRealTools, realEtcdctl, REAL_ETCD, REAL_ETCDCTL, spawnRealEtcd, stopRealEtcd, untilHealthy, type ToolOutput } from './support.ts';

const missing = missingRealTools([REAL_ETCD, REAL_ETCDCTL]);
const skip = missing.length ? `${missing.join(', ')} not installed` : false;
const NAMES = ['n1', 'n2', 'n3'];

interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
  stop(): Promise<void>;
}

interface Cluster {
  kind: 'ours' | 'real';
  members: Member[];
  start(i: number): Promise<void>;
  endpoints(): string;
  ids: Map<string, string>;
}

function memberArgs(dir: string, m: { name: string; clientPort: number; peerPort: number }, all: { name: string; peerPort: number }[]): string[] {
  return [
    `--name=${m.name}`,
    `--data-dir=${path.join(dir, `${m.name}.etcd`)}`,
    `--listen-client-urls=http://127.0.0.1:${m.clientPort}`,
    `--advertise-client-urls=http://127.0.0.1:${m.clientPort}`,
    `--listen-peer-urls=http://127.0.0.1:${m.peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${m.peerPort}`,
    '--initial-cluster-token=etcd-cluster-1',
    `--initial-cluster=${all.map((a) => `${a.name}=http://127.0.0.1:${a.peerPort}`).join(',')}`,
    '--initial-cluster-state=new',
  ];
}

async function makeCluster(kind: 'ours' | 'real', dir: string): Promise<Cluster> {
  const specs: { name: string; clientPort: number; peerPort: number }[] = [];
  for (const name of NAMES) specs.push({ name, clientPort: await freePort(), peerPort: await freePort() });
  const members: Member[] = specs.map((s) => ({ ...s, stop: async () => {} }));
  const cluster: Cluster = {
    kind,
    members,
    ids: new Map(),
    endpoints: () => members.map((m) => `127.0.0.1:${m.clientPort}`).join(','),
    async start(i) {
      const m = members[i]!;
      const args = memberArgs(dir, m, specs);
      if (kind === 'real') {
        const p = spawnRealEtcd(args);
        m.stop = () => stopRealEtcd(p);
        return;
      }
      const ac = new AbortController();
      const exited = runEtcd({
        argv: ['etcd', ...args],
        env: {},
        cwd: dir,
        fs: new NodeFileSystem(),
        net: new NodeNetwork(),
        clock: realClock,
        random: realRandom,
        stdout: { write: () => {} },
        stderr: { write: () => {} },
        signal: ac.signal,
      });
      m.stop = async () => {
        ac.abort('SIGTERM');
        await exited;
      };
    },
  };
  return cluster;
}

let dir = '';
let ours: Cluster | undefined;
let real: Cluster | undefined;

before(async () => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hwlab-cluster-interop-'));
  fs.mkdirSync(path.join(dir, 'ours'));
  fs.mkdirSync(path.join(dir, 'real'));
  ours = await makeCluster('ours', path.join(dir, 'ours'));
  real = await makeCluster('real', path.join(dir, 'real'));
});

after(async () => {
  // Real members first (separate processes must not outlive the test), each on its own.
  for (const c of [real, ours]) for (const m of c?.members ?? []) await m.stop().catch(() => undefined);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** What the real etcdctl printed, with what legitimately differs between the clusters normalised. */
function normalise(c: Cluster, o: ToolOutput): string {
  let s = `${o.stdout}${o.stderr.split('\n').filter((l) => !l.startsWith('{"level"')).join('\n')}[exit ${o.status}]`;
  c.members.forEach((m, i) => {
    s = s.replaceAll(`127.0.0.1:${m.clientPort}`, `CLIENT${i + 1}`).replaceAll(`127.0.0.1:${m.peerPort}`, `PEER${i + 1}`);
  });
  for (const [id, name] of c.ids) s = s.replaceAll(id, `ID(${name})`);
  return s
    .replace(/3\.4\.23|3\.6\.4/g, 'VERSION')
    .replace(/took = [\d.]+(?:ms|µs|s)/g, 'took = T')
    .replace(/\d+(?:\.\d+)? kB/g, 'SIZE')
    // etcd 3.4's gRPC hands a context error back as code Unknown; 3.6's as DeadlineExceeded,
    // which etcdctl prints bare. Ours is 3.6.
    .replace(/rpc error: code = Unknown desc = context deadline exceeded/g, 'context deadline exceeded')
    // Column widths follow the values (3.4.23 is wider than 3.6.4): compare cells, not padding.
    .split('\n')
    .map((l) => (/^\+[-+]+\+$/.test(l) ? '+--+' : l.startsWith('|') ? l.replace(/ +\|/g, ' |').replace(/\| +/g, '| ') : l))
    .join('\n');
}

/** Table rows (and other lines) sorted: the order follows member ids, which differ. */
const sortedLines = (s: string) => s.split('\n').sort().join('\n');

/** A status table's rows as {endpoint, leader, errors} (terms and indexes legitimately differ). */
function statusRows(s: string): string[] {
  return s
    .split('\n')
    .filter((l) => /^\| CLIENT\d/.test(l))
    .map((l) => l.split('|').map((x) => x.trim()))
    .map((c) => `${c[1]} ${c[2]} leader=${c[5]} errors=${c[10]}`)
    .sort();
}

async function both(args: string[] | ((c: Cluster) => string[]), opts: { endpoint?: (c: Cluster) => string; boundMs?: number } = {}): Promise<{ ours: string; real: string; raw: { ours: ToolOutput; real: ToolOutput } }> {
  // The real etcdctl, killed (SIGKILL) if it outlives its bound.
  const run = async (c: Cluster) =>
    realEtcdctl([`--endpoints=${opts.endpoint ? opts.endpoint(c) : c.endpoints()}`, ...(typeof args === 'function' ? args(c) : args)], { boundMs: opts.boundMs ?? 20_000, boundSignal: 'SIGKILL' });
  const [o, r] = await Promise.all([run(ours!), run(real!)]);
  return { ours: normalise(ours!, o), real: normalise(real!, r), raw: { ours: o, real: r } };
}

async function waitHealthy(c: Cluster, endpoint: string): Promise<void> {
  if (await untilHealthy(endpoint, [], { probeBoundMs: 3000, pauseMs: 200 })) return;
  assert.fail(`${c.kind} cluster never became healthy at ${endpoint}`);
}

test('the real etcdctl sees the same three-member cluster, quorum loss and recovery from our etcd as from the real one', { skip, timeout: 180_000 }, async (t) => {
  for (const c of [ours!, real!]) for (let i = 0; i < 3; i++) await c.start(i);
  await Promise.all([ours!, real!].map((c) => waitHealthy(c, c.endpoints())));

  // Member ids differ (they hash the ports); learn each cluster's, then compare names.
  for (const c of [ours!, real!]) {
    const l = await realEtcdctl([`--endpoints=${c.endpoints()}`, 'member', 'list']);
    for (const line of l.stdout.trim().split('\n')) {
      const [id, , name] = line.split(', ');
      c.ids.set(id!, name!);
    }
    assert.equal(c.ids.size, 3, `${c.kind}: ${l.stdout}${l.stderr}`);
  }

  const table = await both(['member', 'list', '-w', 'table']);
  assert.equal(sortedLines(table.ours), sortedLines(table.real));
  const simple = await both(['member', 'list']);
  assert.equal(sortedLines(simple.ours), sortedLines(simple.real));
  const health = await both(['endpoint', 'health', '--cluster']);
  assert.equal(sortedLines(health.ours), sortedLines(health.real));

  // --cluster dials the members by their client URLs, scheme included (grpc-go then sends
  // ':authority: http://…', which our gRPC server must accept as etcd does).
  const clusterStatus = await both(['endpoint', 'status', '--cluster', '-w', 'table']);
  assert.equal(clusterStatus.raw.ours.status, 0, clusterStatus.ours);
  const withoutLeader = (rows: string[]) => rows.map((r) => r.replace(/leader=\w+ /, ''));
  assert.deepEqual(withoutLeader(statusRows(clusterStatus.ours.replaceAll('http://', ''))), withoutLeader(statusRows(clusterStatus.real.replaceAll('http://', ''))));
  assert.equal(statusRows(clusterStatus.ours.replaceAll('http://', '')).filter((r) => r.includes('leader=true')).length, 1);

  // A write through one member is read through another.
  const put = await both(['put', 'greeting', 'hello'], { endpoint: (c) => `127.0.0.1:${c.members[0]!.clientPort}` });
  assert.equal(put.ours, put.real);
  const get = await both(['get', 'greeting'], { endpoint: (c) => `127.0.0.1:${c.members[2]!.clientPort}` });
  assert.equal(get.ours, get.real);
  assert.match(get.ours, /^greeting\nhello\n/);

  // n1 stops: two of three, writes go on.
  await Promise.all([ours!, real!].map((c) => c.members[0]!.stop()));
  await Promise.all([ours!, real!].map((c) => waitHealthy(c, `127.0.0.1:${c.members[2]!.clientPort}`)));
  const put2 = await both(['put', 'one-down', 'still-works'], { endpoint: (c) => `127.0.0.1:${c.members[2]!.clientPort}` });
  assert.equal(put2.ours, put2.real);
  const status2 = await both(['endpoint', 'status', '-w', 'table', '--command-timeout=2s']);
  assert.deepEqual(statusRows(status2.ours).map((r) => r.replace(/leader=\w+ /, '')), statusRows(status2.real).map((r) => r.replace(/leader=\w+ /, '')));
  assert.match(status2.ours, /Failed to get the status of endpoint CLIENT1 \(context deadline exceeded\)/);
  assert.match(status2.real, /Failed to get the status of endpoint CLIENT1 \(context deadline exceeded\)/);

  // n2 stops too: one of three.
  await Promise.all([ours!, real!].map((c) => c.members[1]!.stop()));
  await new Promise((r) => setTimeout(r, 3000));
  const n3 = (c: Cluster) => `127.0.0.1:${c.members[2]!.clientPort}`;
  const sread = await both(['get', 'greeting', '--consistency=s'], { endpoint: n3 });
  assert.equal(sread.ours, sread.real);
  const status3 = await both(['endpoint', 'status', '-w', 'table'], { endpoint: n3 });
  assert.equal(status3.ours.replace(/\|\s+\d+ \|\s+\d+ \|\s+\d+ \|/, '|'), status3.real.replace(/\|\s+\d+ \|\s+\d+ \|\s+\d+ \|/, '|'));
  assert.match(status3.ours, /\| etcdserver: no leader \|/);
  const health3 = await both(['endpoint', 'health', '--command-timeout=2s'], { endpoint: n3 });
  assert.equal(health3.ours, health3.real);
  // A write fails at etcdctl's deadline.
  const put3 = await both(['put', 'two-down', 'nope', '--command-timeout=2s'], { endpoint: n3 });
  assert.equal(put3.raw.ours.status, 1);
  assert.equal(put3.raw.real.status, 1);
  assert.equal(put3.ours, put3.real);
  assert.match(put3.ours, /Error: context deadline exceeded\n/);

  // n1 restarts from its data: a majority, a leader, the data intact.
  await Promise.all([ours!, real!].map((c) => c.start(0)));
  await Promise.all([ours!, real!].map((c) => waitHealthy(c, `127.0.0.1:${c.members[0]!.clientPort}`)));
  for (const key of ['greeting', 'one-down']) {
    const back = await both(['get', key], { endpoint: (c) => `127.0.0.1:${c.members[0]!.clientPort}` });
    assert.equal(back.ours, back.real);
    assert.match(back.ours, new RegExp(`^${key}\\n(hello|still-works)\\n`));
  }
  // etcd drops a proposal whose context ends before raft takes it (no leader then): the
  // put that failed at etcdctl's 2 s deadline must not appear once n1 brings a leader back.
  await t.test('a write that failed at the client\'s deadline is never applied later', async () => {
    const failed = await both(['get', 'two-down'], { endpoint: (c) => `127.0.0.1:${c.members[0]!.clientPort}` });
    assert.equal(failed.real, '[exit 0]');
    assert.equal(failed.ours, failed.real);
  });
});
