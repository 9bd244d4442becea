// What etcd's gRPC interceptors enforce, on real clusters of our etcd:
// - clientv3.WithRequireLeader ("hasleader" metadata): calls are refused without a leader, and
//   open streams end with etcdserver: no leader when the member loses its leader (quorum lost);
// - a learner serves only Status and serializable Range (and snapshots).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writer } from './proto.ts';
import { connectGrpc, grpcCall } from './test-client.ts';
import { initialClusterOf, newMember, startMember, type TestMember } from '../../cli/test-members.ts';


test('require-leader watch ends with "etcdserver: no leader" when quorum is lost', async () => {
  const members: TestMember[] = [];
  for (const name of ['m1', 'm2', 'm3']) members.push(await newMember(name));
  const initial = initialClusterOf(members);
  await Promise.all(members.map((m) => startMember(m, initial)));
  for (let i = 0; i < 200 && !members.every((m) => m.server!.leader !== ''); i++) await new Promise((r) => setTimeout(r, 20));
  const follower = members.find((m) => m.server!.leader !== m.server!.memberId)!;
  const others = members.filter((m) => m !== follower);
  const session = connectGrpc({ authority: `http://127.0.0.1:${follower.client}` });
  try {
    const watch = session.request({ ':method': 'POST', ':path': '/etcdserverpb.Watch/Watch', 'content-type': 'application/grpc', te: 'trailers', hasleader: 'true' });
    const create = new Writer().message(1, new Writer().bytes(1, new TextEncoder().encode('k')).finish()).finish();
    const framed = Buffer.alloc(5 + create.length);
    framed.writeUInt32BE(create.length, 1);
    framed.set(create, 5);
    watch.write(framed);
    let trailers: Record<string, unknown> = {};
    // The server ends its side with the status; the client's side may stay open (grpc-go resets it).
    const ended = new Promise<void>((resolve) => watch.on('trailers', (t) => {
      trailers = t;
      resolve();
    }));
    watch.on('data', () => {});
    watch.on('error', () => {});

    for (const m of others) m.ac.abort('SIGTERM');
    await Promise.all(others.map((m) => m.exited));
    const bound = new Promise<void>((_, reject) => setTimeout(() => reject(new Error('the watch stream stayed open')), 10_000).unref());
    await Promise.race([ended, bound]);
    assert.deepEqual([trailers['grpc-status'], decodeURIComponent(String(trailers['grpc-message']))], ['14', 'etcdserver: no leader']);

    const refused = await grpcCall(session, '/etcdserverpb.KV/Range', [new Writer().bytes(1, new TextEncoder().encode('k')).finish()], { hasleader: 'true' });
    assert.deepEqual([refused.status, refused.message], [14, 'etcdserver: no leader']);
  } finally {
    session.close();
    follower.ac.abort('SIGTERM');
    await follower.exited;
  }
});

test('a learner answers only Status and serializable Range', async () => {
  const m1: TestMember = await newMember('m1');
  const m2: TestMember = await newMember('m2');
  await startMember(m1, `m1=http://127.0.0.1:${m1.peer}`);
  const s1 = connectGrpc({ authority: `http://127.0.0.1:${m1.client}` });
  let s2: ReturnType<typeof connectGrpc> | undefined;
  try {
    const add = await grpcCall(s1, '/etcdserverpb.Cluster/MemberAdd', [new Writer().repeatedString(1, [`http://127.0.0.1:${m2.peer}`]).bool(2, true).finish()]);
    assert.equal(add.status, 0, add.message);
    await startMember(m2, `m1=http://127.0.0.1:${m1.peer},m2=http://127.0.0.1:${m2.peer}`, 'existing');
    s2 = connectGrpc({ authority: `http://127.0.0.1:${m2.client}` });
    const key = new TextEncoder().encode('k');
    const put = await grpcCall(s2, '/etcdserverpb.KV/Put', [new Writer().bytes(1, key).finish()]);
    assert.deepEqual([put.status, put.message], [14, 'etcdserver: rpc not supported for learner']);
    const linearizable = await grpcCall(s2, '/etcdserverpb.KV/Range', [new Writer().bytes(1, key).finish()]);
    assert.deepEqual([linearizable.status, linearizable.message], [14, 'etcdserver: rpc not supported for learner']);
    const serializable = await grpcCall(s2, '/etcdserverpb.KV/Range', [new Writer().bytes(1, key).bool(7, true).finish()]);
    assert.equal(serializable.status, 0, serializable.message);
    const status = await grpcCall(s2, '/etcdserverpb.Maintenance/Status', [new Uint8Array()]);
    assert.equal(status.status, 0, status.message);
    const watch = await grpcCall(s2, '/etcdserverpb.Watch/Watch', [new Writer().message(1, new Writer().bytes(1, key).finish()).finish()]);
    assert.deepEqual([watch.status, watch.message], [14, 'etcdserver: rpc not supported for learner']);
  } finally {
    s1.close();
    s2?.close();
    m2.ac.abort('SIGTERM');
    m1.ac.abort('SIGTERM');
    await Promise.all([m1.exited, m2.exited]);
  }
});
