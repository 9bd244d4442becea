// The REAL etcdctl (Debian's 3.4 build) against our etcd's gRPC API and against the REAL etcd
// 3.4: the same command sequence must print the same thing to both. Only what legitimately
// differs is normalised: lease ids (time-based), the ports, measured durations, and the
// server's own version, db size and raft index (3.4 and our 3.6 write different entries).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { makeCert } from '../../src/etcd/api/test-helpers.ts';
import {
  freePort,
  missingRealTools,
  realEtcdctl,
  REAL_ETCD,
  REAL_ETCDCTL,
  startOurEtcd as startRunningEtcd,
  startRealEtcd as startRunningRealEtcd,
  withoutClientLogs,
  type OurEtcd,
  type ToolOutput,
} from './support.ts';

const missing = missingRealTools([REAL_ETCD, REAL_ETCDCTL]);

/** Runs the real etcdctl (v3 API); `untilStdout` ends it (SIGINT) once its output matches, as does the bound. */
function etcdctl(endpoint: string, args: string[], opts: { stdin?: string; untilStdout?: RegExp; boundMs?: number } = {}): Promise<ToolOutput> {
  return realEtcdctl([`--endpoints=${endpoint}`, ...args], { stdin: opts.stdin, untilStdout: opts.untilStdout, boundMs: opts.boundMs ?? 10_000, boundSignal: 'SIGINT' });
}

/** One member with the same defaults (name, advertised peer URL, token) either way, so ids agree. */
function memberArgs(dir: string, clientPort: number, peerPort: number, extra: string[], scheme: string): string[] {
  return [`--data-dir=${dir}`, `--listen-client-urls=${scheme}://127.0.0.1:${clientPort}`, `--advertise-client-urls=${scheme}://127.0.0.1:${clientPort}`, `--listen-peer-urls=http://127.0.0.1:${peerPort}`, ...extra];
}

/** Our etcd in real mode: node:fs data dir, node:net ports, in this process. */
function startOurEtcd(dir: string, clientPort: number, peerPort: number, extra: string[] = [], scheme = 'http'): Promise<OurEtcd> {
  return startRunningEtcd(memberArgs(dir, clientPort, peerPort, extra, scheme), path.dirname(dir));
}

/** The real etcd 3.4, once its health passes (with `ctlArgs`: the client certificate over TLS). */
function startRealEtcd(dir: string, clientPort: number, peerPort: number, extra: string[] = [], scheme = 'http', ctlArgs: string[] = []): Promise<ChildProcess> {
  return startRunningRealEtcd(memberArgs(dir, clientPort, peerPort, extra, scheme), { healthEndpoint: `${scheme === 'https' ? 'https://' : ''}127.0.0.1:${clientPort}`, healthArgs: ctlArgs });
}

interface Step {
  name: string;
  args: string[] | ((ctx: Record<string, string>) => string[]);
  stdin?: string;
  untilStdout?: RegExp;
  boundMs?: number;
  /** Dial http://host:port: etcdctl 3.4 then puts the scheme into :authority for some calls. */
  withScheme?: boolean;
  /** Remembers something from the output for later steps. */
  capture?: (out: ToolOutput, ctx: Record<string, string>) => void;
}

const STEPS: Step[] = [
  { name: 'put', args: ['put', 'foo', 'bar'] },
  { name: 'put -w json', args: ['put', 'foo2', 'bar2', '-w', 'json'] },
  { name: 'get', args: ['get', 'foo'] },
  { name: 'get missing', args: ['get', 'nothing-here'] },
  { name: 'get --prefix --keys-only', args: ['get', '--prefix', 'foo', '--keys-only'] },
  { name: 'get --prefix --print-value-only', args: ['get', '--prefix', 'foo', '--print-value-only'] },
  { name: 'get -w json', args: ['get', 'foo', '-w', 'json'] },
  { name: 'get --prefix -w fields', args: ['get', '--prefix', 'foo', '-w', 'fields'] },
  { name: 'get --limit --sort-by', args: ['get', '--prefix', 'foo', '--limit=1', '--order=DESCEND', '--sort-by=KEY'] },
  { name: 'put empty key', args: ['put', '', 'v'] },
  // Over --max-request-bytes (1.5 MiB): etcd refuses it; over the gRPC limit (+512 KiB): grpc does.
  { name: 'put too large', args: ['put', 'big'], stdin: 'x'.repeat(1_600_000) },
  { name: 'put over the grpc limit', args: ['put', 'big'], stdin: 'x'.repeat(2_200_000) },
  { name: 'txn (success)', args: ['txn'], stdin: 'value("foo") = "bar"\n\nput t ok\n\nput t bad\n\n' },
  { name: 'txn (failure) -w json', args: ['txn', '-w', 'json'], stdin: 'mod("foo") > "100"\n\nput t ok2\n\nget t\n\n' },
  { name: 'get t', args: ['get', 't'] },
  { name: 'del --prefix', args: ['del', '--prefix', 'foo'] },
  { name: 'del missing', args: ['del', 'foo'] },
  {
    name: 'lease grant',
    args: ['lease', 'grant', '600'],
    capture: (o, ctx) => {
      ctx['lease'] = /lease ([0-9a-f]+) granted/.exec(o.stdout)?.[1] ?? 'none';
    },
  },
  { name: 'put --lease', args: (c) => ['put', '--lease=' + c['lease'], 'lk', 'lv'] },
  { name: 'lease keep-alive --once', args: (c) => ['lease', 'keep-alive', '--once', c['lease']!] },
  { name: 'lease timetolive --keys', args: (c) => ['lease', 'timetolive', '--keys', c['lease']!] },
  { name: 'lease list', args: ['lease', 'list'] },
  { name: 'lease revoke', args: (c) => ['lease', 'revoke', c['lease']!] },
  { name: 'get after revoke', args: ['get', 'lk'] },
  { name: 'lease revoke again', args: (c) => ['lease', 'revoke', c['lease']!] },
  { name: 'lease timetolive after revoke', args: (c) => ['lease', 'timetolive', c['lease']!] },
  { name: 'lease keep-alive --once after revoke', args: (c) => ['lease', 'keep-alive', '--once', c['lease']!] },
  { name: 'member list -w table', args: ['member', 'list', '-w', 'table'] },
  { name: 'member list', args: ['member', 'list'] },
  { name: 'endpoint status -w table', args: ['endpoint', 'status', '-w', 'table'] },
  { name: 'endpoint health', args: ['endpoint', 'health'] },
  { name: 'endpoint status (http:// endpoint)', args: ['endpoint', 'status'], withScheme: true },
  { name: 'endpoint status --cluster', args: ['endpoint', 'status', '--cluster', '-w', 'table'] },
  { name: 'endpoint hashkv (http:// endpoint)', args: ['endpoint', 'hashkv', '-w', 'table'], withScheme: true },
  { name: 'defrag (http:// endpoint)', args: ['defrag'], withScheme: true },
  { name: 'compaction', args: ['compaction', '3'] },
  { name: 'get compacted revision', args: ['get', 'foo', '--rev=2'] },
  { name: 'watch a compacted revision', args: ['watch', 'foo', '--rev=1'], untilStdout: /canceled/ },
  {
    name: 'put w/a -w json',
    args: ['put', 'w/a', '1', '-w', 'json'],
    capture: (o, ctx) => {
      ctx['wrev'] = String((JSON.parse(o.stdout) as { header: { revision: number } }).header.revision);
    },
  },
  { name: 'put w/b', args: ['put', 'w/b', '2'] },
  { name: 'del w/a', args: ['del', 'w/a'] },
  // etcdctl prints an event's type, key and value with one write each: stop only after the
  // (empty) value line, or the last write races our SIGINT.
  { name: 'watch --prefix --rev', args: (c) => ['watch', '--prefix', 'w/', '--rev=' + c['wrev']], untilStdout: /DELETE\nw\/a\n\n/ },
  { name: 'watch --prev-kv', args: (c) => ['watch', 'w/a', '--prev-kv', '--rev=' + c['wrev']], untilStdout: /DELETE\nw\/a\n1\nw\/a\n\n/ },
  { name: 'alarm list', args: ['alarm', 'list'] },
  { name: 'put --prev-kv', args: ['put', 'w/b', '3', '--prev-kv'] },
  { name: 'get --from-key --count-only -w json', args: ['get', 'w/', '--from-key', '--count-only', '-w', 'json'] },
  { name: 'get --rev', args: (c) => ['get', 'w/a', '--rev=' + c['wrev']] },
  { name: 'del --prev-kv', args: ['del', 'w/b', '--prev-kv'] },
  { name: 'member list -w json', args: ['member', 'list', '-w', 'json'] },
  { name: 'endpoint hashkv', args: ['endpoint', 'hashkv', '-w', 'table'] },
  { name: 'defrag', args: ['defrag'] },
  { name: 'move-leader to a stranger', args: ['move-leader', '1234'] },
  // lock and elect are clientv3's concurrency recipes: leases, txns and watches together.
  { name: 'lock', args: ['lock', 'mutex', 'echo', 'held'] },
  { name: 'elect --listen', args: ['elect', '-l', 'job'], untilStdout: /^$/, boundMs: 1500 },
  { name: 'snapshot save', args: (c) => ['snapshot', 'save', c['snap']!] },
];

/** Only what legitimately differs between the two servers is replaced. */
function normalise(o: ToolOutput, ctx: Record<string, string>, port: string): ToolOutput {
  const clean = (s: string): string => {
    let t = withoutClientLogs(s)
      .replaceAll(port, 'PORT')
      .replace(/took = [0-9.]+(µs|ms|s)/g, 'took = T');
    if (ctx['lease']) {
      t = t.replaceAll(ctx['lease'], 'LEASE').replaceAll(BigInt('0x' + ctx['lease']).toString(10), 'LEASE');
    }
    if (ctx['snap']) t = t.replaceAll(ctx['snap'], 'SNAP');
    // endpoint hashkv: the hash covers the backend's bytes, lease ids included, so it differs.
    t = t
      .replace(/^\| (\S+) +\| \d+ +\|$/gm, '| $1 | HASH |')
      .replace(/^\| +ENDPOINT +\| +HASH +\|$/gm, '| ENDPOINT | HASH |')
      .replace(/^\+-+\+-+\+$/gm, '+---+---+');
    // endpoint status: VERSION, DB SIZE and the raft indexes are the server's own.
    t = t.replace(/^(\S+, [0-9a-f]+), [^,]+, [^,]+, (true|false), (true|false), (\d+), \d+, \d+, /gm, '$1, V, S, $2, $3, $4, I, I, ');
    t = t.replace(/^(\| [^|]+\| [0-9a-f]+ \|)[^|]+\|[^|]+\|([^|]+\|[^|]+\|[^|]+\|)[^|]+\|[^|]+\|/gm, '$1 V | S |$2 I | I |');
    t = t.replace(/^(\+-+\+-+\+)-+\+-+\+(-+\+-+\+-+\+)-+\+-+\+/gm, '$1---+---+$2---+---+');
    return t;
  };
  return { status: o.status, stdout: clean(o.stdout), stderr: clean(o.stderr) };
}

async function runSteps(endpoint: string, dir: string): Promise<(ToolOutput & { step: string })[]> {
  const ctx: Record<string, string> = { snap: path.join(dir, 'snap.db') };
  const port = endpoint.split(':')[1]!;
  const outs: (ToolOutput & { step: string })[] = [];
  for (const s of STEPS) {
    const args = typeof s.args === 'function' ? s.args(ctx) : s.args;
    const o = await etcdctl(s.withScheme ? `http://${endpoint}` : endpoint, args, { stdin: s.stdin, untilStdout: s.untilStdout, boundMs: s.boundMs });
    s.capture?.(o, ctx);
    outs.push({ step: s.name, ...normalise(o, ctx, port) });
  }
  return outs;
}

describe('the real etcdctl against our etcd and the real etcd', { skip: missing.length ? `not installed: ${missing.join(', ')}` : false }, () => {
  let dir = '';
  let real: ChildProcess | undefined;
  let ours: { stop(): Promise<number>; logs: string[] } | undefined;
  let realEp = '';
  let ourEp = '';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-vs-ours-'));
    fs.mkdirSync(path.join(dir, 'real'));
    fs.mkdirSync(path.join(dir, 'ours'));
    const [rc, rp, oc, op] = [await freePort(), await freePort(), await freePort(), await freePort()];
    realEp = `127.0.0.1:${rc}`;
    ourEp = `127.0.0.1:${oc}`;
    [real, ours] = await Promise.all([startRealEtcd(path.join(dir, 'real', 'data'), rc, rp), startOurEtcd(path.join(dir, 'ours', 'data'), oc, op)]);
  });

  after(async () => {
    real?.kill('SIGTERM');
    await ours?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the same for put/get/txn/del/lease/member/endpoint/compaction/watch/snapshot', async () => {
    const [theirs, mine] = await Promise.all([runSteps(realEp, path.join(dir, 'real')), runSteps(ourEp, path.join(dir, 'ours'))]);
    for (let i = 0; i < theirs.length; i++) assert.deepEqual(mine[i], theirs[i], `step "${theirs[i]!.step}"`);
    assert.ok(fs.statSync(path.join(dir, 'ours', 'snap.db')).size > 0, 'our snapshot was written');
  });
});

/** Writes a CA, a server certificate for 127.0.0.1 and a client certificate (node-forge). */
function writeCerts(dir: string): { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string } {
  const ca = makeCert('etcd-ca', { isCa: true });
  const server = makeCert('etcd-server', { ca, sans: ['localhost', '127.0.0.1'] });
  const client = makeCert('etcd-client', { ca });
  const files = { ca: ca.cert, serverCert: server.cert, serverKey: server.key, clientCert: client.cert, clientKey: client.key };
  const out = {} as Record<keyof typeof files, string>;
  for (const [k, v] of Object.entries(files) as [keyof typeof files, string][]) {
    out[k] = path.join(dir, `${k}.pem`);
    fs.writeFileSync(out[k], v, { mode: 0o600 });
  }
  return out;
}

describe('the real etcdctl over TLS with client certificates', { skip: missing.length ? `not installed: ${missing.join(', ')}` : false }, () => {
  it('prints the same against our https port and the real one, and both refuse a client without a certificate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-vs-ours-tls-'));
    const c = writeCerts(dir);
    const serverArgs = [`--cert-file=${c.serverCert}`, `--key-file=${c.serverKey}`, `--trusted-ca-file=${c.ca}`, '--client-cert-auth'];
    const ctl = [`--cacert=${c.ca}`, `--cert=${c.clientCert}`, `--key=${c.clientKey}`];
    const [rc, rp, oc, op] = [await freePort(), await freePort(), await freePort(), await freePort()];
    let real: ChildProcess | undefined;
    let ours: { stop(): Promise<number>; logs: string[] } | undefined;
    try {
      [real, ours] = await Promise.all([
        startRealEtcd(path.join(dir, 'real'), rc, rp, serverArgs, 'https', ctl),
        startOurEtcd(path.join(dir, 'ours'), oc, op, serverArgs, 'https'),
      ]);
      const run = async (port: number) => {
        const ep = `https://127.0.0.1:${port}`;
        const outs = [
          await etcdctl(ep, [...ctl, 'put', 'secure', 'yes']),
          await etcdctl(ep, [...ctl, 'get', 'secure', '-w', 'json']),
          await etcdctl(ep, [...ctl, 'endpoint', 'health']),
          // Dialled with the scheme in :authority ("https://127.0.0.1:…"), which nghttp2 refuses as is.
          await etcdctl(ep, [...ctl, 'endpoint', 'status', '-w', 'table']),
          await etcdctl(ep, [...ctl, 'endpoint', 'hashkv', '-w', 'table']),
          await etcdctl(ep, [...ctl, 'defrag']),
          await etcdctl(ep, [`--cacert=${c.ca}`, '--command-timeout=1s', '--dial-timeout=1s', 'get', 'secure']),
        ];
        return outs.map((o) => normalise(o, {}, String(port)));
      };
      const [theirs, mine] = await Promise.all([run(rc), run(oc)]);
      assert.equal(mine[1]!.stdout.includes('"value":"eWVz"'), true, 'our answer holds the value');
      assert.match(mine[3]!.stdout, /\| https:\/\/127\.0\.0\.1:PORT \| 8e9e05c52164694d \|/);
      assert.deepEqual(mine, theirs);
      assert.ok(ours.logs.some((l) => l.includes('rejected connection on client endpoint')), 'the refused handshake is logged');
    } finally {
      real?.kill('SIGTERM');
      await ours?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
