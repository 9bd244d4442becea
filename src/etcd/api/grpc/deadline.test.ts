// The client's context over gRPC: grpc-timeout becomes the request's deadline and a reset
// stream cancels it, so a write made while the cluster has no leader ends when the client
// gives up (and is dropped), not at the server's own request timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { decodeGrpcTimeout } from './deadline.ts';
import { Writer } from './proto.ts';
import { connectGrpc, frameMessage, grpcCall } from './test-client.ts';
import { initialClusterOf, newMember, startMember, type TestMember } from '../../cli/test-members.ts';

test('grpc-timeout values as grpc-go reads them', () => {
  assert.equal(decodeGrpcTimeout('2S'), 2000);
  assert.equal(decodeGrpcTimeout('1999870u'), 1999.87);
  assert.equal(decodeGrpcTimeout('3M'), 180_000);
  assert.equal(decodeGrpcTimeout('1H'), 3_600_000);
  assert.equal(decodeGrpcTimeout('500m'), 500);
  assert.equal(decodeGrpcTimeout('5000000n'), 5);
  const bad = (v: string, message: string) => assert.throws(() => decodeGrpcTimeout(v), (e: Error & { code?: string }) => e.code === 'Internal' && e.message === message);
  bad('5', 'malformed grpc-timeout: transport: timeout string is too short: "5"');
  bad('123456789S', 'malformed grpc-timeout: transport: timeout string is too long: "123456789S"');
  bad('5x', 'malformed grpc-timeout: transport: timeout unit is not recognized: "5x"');
  bad('-5S', 'malformed grpc-timeout: strconv.ParseUint: parsing "-5": invalid syntax');
});


async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(cond(), what);
}

test('without a leader, a gRPC Put ends at the client\'s deadline or cancel and leaves nothing pending', async () => {
  const members: TestMember[] = [];
  for (const name of ['m1', 'm2', 'm3']) members.push(await newMember(name));
  const initial = initialClusterOf(members);
  await Promise.all(members.map((m) => startMember(m, initial)));
  const [alone, ...others] = members as [TestMember, ...TestMember[]];
  for (const m of others) m.ac.abort('SIGTERM');
  await Promise.all(others.map((m) => m.exited));
  const srv = alone.server!;
  await until('the member left alone loses its leader', () => srv.leader === '');
  const session = connectGrpc({ authority: `http://127.0.0.1:${alone.client}` });
  try {
    const put = new Writer().bytes(1, new TextEncoder().encode('k')).bytes(2, new TextEncoder().encode('v')).finish();
    const malformed = await grpcCall(session, '/etcdserverpb.KV/Put', [put], { 'grpc-timeout': '5x' });
    assert.deepEqual([malformed.status, malformed.message], [13, 'malformed grpc-timeout: transport: timeout unit is not recognized: "5x"']);

    // The deadline: status DeadlineExceeded long before the server's own 5.4 s request timeout.
    const startedAt = Date.now();
    const late = await grpcCall(session, '/etcdserverpb.KV/Put', [put], { 'grpc-timeout': '300m' });
    assert.deepEqual([late.status, late.message], [4, 'context deadline exceeded']);
    assert.ok(Date.now() - startedAt < 3000, `answered after ${Date.now() - startedAt} ms`);
    assert.equal(srv.metrics.proposalsPending, 0);

    // The cancel: the client resets the stream; the held proposal goes with it.
    const stream = session.request({ ':method': 'POST', ':path': '/etcdserverpb.KV/Put', 'content-type': 'application/grpc', te: 'trailers' });
    stream.on('error', () => {});
    stream.end(frameMessage(put));
    await until('the Put is pending', () => srv.metrics.proposalsPending === 1);
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await until('the cancelled Put is dropped at once', () => srv.metrics.proposalsPending === 0);
  } finally {
    session.close();
    alone.ac.abort('SIGTERM');
    await alone.exited;
  }
});
