// Three real etcd processes' worth of our etcd in one Node process, talking raft over TCP
// on 127.0.0.1 (NetworkPeerTransport) and serving the gateway: the lab's cluster lesson.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { realClock } from '../../platform/clock.ts';
import { realRandom } from '../../platform/random.ts';
import { NodeNetwork } from '../../platform/node-network.ts';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import { runEtcd } from './etcd-main.ts';
import type { EtcdServer } from '../server/etcd-server.ts';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface Member {
  name: string;
  peer: number;
  client: number;
  fs: SimFileSystem;
  ac?: AbortController;
  exited?: Promise<number>;
  server?: EtcdServer;
  logs: string[];
}

function start(m: Member, initialCluster: string, state: 'new' | 'existing' = 'new'): Promise<void> {
  m.ac = new AbortController();
  let ready: () => void = () => {};
  const readyP = new Promise<void>((r) => (ready = r));
  m.exited = runEtcd({
    argv: [
      'etcd', '--name', m.name, '--data-dir', `/var/lib/etcd/${m.name}`,
      '--listen-peer-urls', `http://127.0.0.1:${m.peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${m.peer}`,
      '--listen-client-urls', `http://127.0.0.1:${m.client}`, '--advertise-client-urls', `http://127.0.0.1:${m.client}`,
      '--initial-cluster', initialCluster, '--initial-cluster-state', state,
      '--heartbeat-interval', '20', '--election-timeout', '200',
    ],
    env: {},
    cwd: '/',
    fs: m.fs,
    net: new NodeNetwork(),
    clock: realClock,
    random: realRandom,
    stdout: { write: () => {} },
    stderr: { write: (c) => void m.logs.push(String(c)) },
    signal: m.ac.signal,
    onReady: (s) => {
      m.server = s;
      ready();
    },
  });
  return Promise.race([readyP, m.exited.then((c) => Promise.reject(new Error(`${m.name} exited ${c}: ${m.logs.join('')}`)))]);
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
async function call(m: Member, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`http://127.0.0.1:${m.client}${path}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

test('3 members over TCP: replicate, lose quorum, regain it, add a fourth member', { timeout: 60_000 }, async () => {
  const members: Member[] = [];
  for (const name of ['n1', 'n2', 'n3']) members.push({ name, peer: await freePort(), client: await freePort(), fs: new SimFileSystem(), logs: [] });
  const cluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.peer}`).join(',');
  try {
    await Promise.all(members.map((m) => start(m, cluster)));
    const [n1, n2, n3] = members as [Member, Member, Member];
    const put = await call(n2, '/v3/kv/put', { key: b64('k'), value: b64('v1') });
    assert.equal(put.status, 200);
    for (const m of members) {
      const r = await call(m, '/v3/kv/range', { key: b64('k') });
      assert.equal((r.json['kvs'] as { value: string }[])[0]!.value, b64('v1'));
    }
    const list = await call(n3, '/v3/cluster/member/list', {});
    assert.deepEqual((list.json['members'] as { name: string }[]).map((x) => x.name).sort(), ['n1', 'n2', 'n3']);

    // Stop n1: two of three still make a quorum.
    n1.ac!.abort('SIGTERM');
    assert.equal(await n1.exited, 143);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await call(n2, '/v3/kv/put', { key: b64('k'), value: b64('v2') })).status, 200);

    // Stop n2: no quorum. /health says so; a write fails at its deadline with etcd's error.
    n2.ac!.abort('SIGTERM');
    await n2.exited;
    await new Promise((r) => setTimeout(r, 600));
    const h = await fetch(`http://127.0.0.1:${n3.client}/health`);
    assert.equal(h.status, 503);
    assert.equal(await h.text(), '{"health":"false","reason":"RAFT NO LEADER"}\n');
    // Without a leader raft never takes the proposal: it fails when the request's 7 s
    // context ends, in Go's words (etcd 3.6: gRPC DeadlineExceeded, HTTP 504).
    const failed = await call(n3, '/v3/kv/put', { key: b64('k'), value: b64('lost?') });
    assert.equal(failed.status, 504);
    assert.equal(failed.json['message'], 'context deadline exceeded');
    const serial = await call(n3, '/v3/kv/range', { key: b64('k'), serializable: true });
    assert.equal((serial.json['kvs'] as { value: string }[])[0]!.value, b64('v2'));

    // n2 comes back with its data dir: quorum again, nothing acknowledged lost.
    await start(n2, cluster);
    for (let i = 0; i < 100 && (await fetch(`http://127.0.0.1:${n3.client}/health`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await call(n3, '/v3/kv/put', { key: b64('k2'), value: b64('x') })).status, 200);
    const r = await call(n2, '/v3/kv/range', { key: b64('k') });
    assert.equal((r.json['kvs'] as { value: string }[])[0]!.value, b64('v2'));

    // A fourth member: added through the API, then started with --initial-cluster-state existing.
    const n4: Member = { name: 'n4', peer: await freePort(), client: await freePort(), fs: new SimFileSystem(), logs: [] };
    members.push(n4);
    await start(n1, cluster);
    const added = await call(n3, '/v3/cluster/member/add', { peerURLs: [`http://127.0.0.1:${n4.peer}`] });
    assert.equal(added.status, 200, JSON.stringify(added.json));
    await start(n4, `${cluster},n4=http://127.0.0.1:${n4.peer}`, 'existing');
    const got = await call(n4, '/v3/kv/range', { key: b64('k2') });
    assert.equal((got.json['kvs'] as { value: string }[])[0]!.value, b64('x'));
    const list4 = await call(n4, '/v3/cluster/member/list', {});
    assert.deepEqual((list4.json['members'] as { name: string }[]).map((x) => x.name).sort(), ['n1', 'n2', 'n3', 'n4']);
  } finally {
    for (const m of members) m.ac?.abort('SIGTERM');
    await Promise.all(members.map((m) => m.exited));
  }
});
