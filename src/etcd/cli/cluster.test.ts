// Three real etcd processes' worth of our etcd in one Node process, talking raft over TCP
// on 127.0.0.1 (NetworkPeerTransport) and serving the gateway: the lab's cluster lesson.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialClusterOf, newMember, startMember, type TestMember } from './test-members.ts';


const b64 = (s: string) => Buffer.from(s).toString('base64');
async function call(m: TestMember, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`http://127.0.0.1:${m.client}${path}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

test('3 members over TCP: replicate, lose quorum, regain it, add a fourth member', { timeout: 60_000 }, async () => {
  const members: TestMember[] = [];
  for (const name of ['n1', 'n2', 'n3']) members.push(await newMember(name));
  const cluster = initialClusterOf(members);
  try {
    await Promise.all(members.map((m) => startMember(m, cluster)));
    const [n1, n2, n3] = members as [TestMember, TestMember, TestMember];
    const put = await call(n2, '/v3/kv/put', { key: b64('k'), value: b64('v1') });
    assert.equal(put.status, 200);
    for (const m of members) {
      const r = await call(m, '/v3/kv/range', { key: b64('k') });
      assert.equal((r.json['kvs'] as { value: string }[])[0]!.value, b64('v1'));
    }
    const list = await call(n3, '/v3/cluster/member/list', {});
    assert.deepEqual((list.json['members'] as { name: string }[]).map((x) => x.name).sort(), ['n1', 'n2', 'n3']);

    // Stop n1: two of three still make a quorum.
    n1.ac.abort('SIGTERM');
    assert.equal(await n1.exited, 143);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await call(n2, '/v3/kv/put', { key: b64('k'), value: b64('v2') })).status, 200);

    // Stop n2: no quorum. /health says so; a write fails at its deadline with etcd's error.
    n2.ac.abort('SIGTERM');
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
    await startMember(n2, cluster);
    for (let i = 0; i < 100 && (await fetch(`http://127.0.0.1:${n3.client}/health`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await call(n3, '/v3/kv/put', { key: b64('k2'), value: b64('x') })).status, 200);
    const r = await call(n2, '/v3/kv/range', { key: b64('k') });
    assert.equal((r.json['kvs'] as { value: string }[])[0]!.value, b64('v2'));

    // A fourth member: added through the API, then started with --initial-cluster-state existing.
    const n4: TestMember = await newMember('n4');
    members.push(n4);
    await startMember(n1, cluster);
    const added = await call(n3, '/v3/cluster/member/add', { peerURLs: [`http://127.0.0.1:${n4.peer}`] });
    assert.equal(added.status, 200, JSON.stringify(added.json));
    await startMember(n4, `${cluster},n4=http://127.0.0.1:${n4.peer}`, 'existing');
    const got = await call(n4, '/v3/kv/range', { key: b64('k2') });
    assert.equal((got.json['kvs'] as { value: string }[])[0]!.value, b64('x'));
    const list4 = await call(n4, '/v3/cluster/member/list', {});
    assert.deepEqual((list4.json['members'] as { name: string }[]).map((x) => x.name).sort(), ['n1', 'n2', 'n3', 'n4']);
  } finally {
    for (const m of members) m.ac?.abort('SIGTERM');
    await Promise.all(members.map((m) => m.exited));
  }
});
