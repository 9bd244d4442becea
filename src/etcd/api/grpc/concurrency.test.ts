// v3lockpb.Lock and v3electionpb.Election over our gRPC transport, against a running etcd:
// a second Lock on a name waits until the first key is unlocked; a second candidate leads
// once the first resigns; Observe streams each leader.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientHttp2Session } from 'node:http2';
import { startTestEtcd, type RunningEtcd } from '../test-helpers.ts';
import { Writer } from './proto.ts';
import { decodeKeyValue } from './messages-kv.ts';
import { decodeLeaderKey, encodeLeaderKey } from './messages-concurrency.ts';
import { connectGrpc, grpcCall, grpcStream } from './test-client.ts';
import { Reader } from './proto.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => Buffer.from(b).toString();

function field(buf: Uint8Array, n: number): Uint8Array | undefined {
  const r = new Reader(buf);
  for (let f = r.next(); f; f = r.next()) {
    if (f === n) return r.bytes();
    r.skip();
  }
  return undefined;
}

let etcd: RunningEtcd;
let session: ClientHttp2Session;
before(async () => {
  etcd = await startTestEtcd();
  session = connectGrpc({ authority: etcd.url });
});
after(async () => {
  session.close();
  await etcd.stop();
});

async function grant(ttl: number): Promise<string> {
  const r = await grpcCall(session, '/etcdserverpb.Lease/LeaseGrant', [new Writer().int64(1, ttl).finish()]);
  assert.equal(r.status, 0, r.message);
  const rd = new Reader(r.messages[0]!);
  for (let f = rd.next(); f; f = rd.next()) {
    if (f === 2) return rd.idHex();
    rd.skip();
  }
  throw new Error('no lease id');
}

async function keysUnder(prefix: string): Promise<string[]> {
  const end = utf8(prefix);
  end[end.length - 1]!++;
  const r = await grpcCall(session, '/etcdserverpb.KV/Range', [new Writer().bytes(1, utf8(prefix)).bytes(2, end).finish()]);
  const out: string[] = [];
  const rd = new Reader(r.messages[0]!);
  for (let f = rd.next(); f; f = rd.next()) {
    if (f === 2) out.push(text(decodeKeyValue(rd.bytes()).key));
    else rd.skip();
  }
  return out;
}

/** Polls (bounded) until `pred` holds. */
async function until(pred: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail('condition never held');
}

describe('v3lockpb.Lock', () => {
  it('Lock returns <name>/<lease hex>; a second Lock waits until Unlock', async () => {
    const l1 = await grant(30);
    const l2 = await grant(30);
    const first = await grpcCall(session, '/v3lockpb.Lock/Lock', [new Writer().bytes(1, utf8('mylock')).idHex(2, l1).finish()]);
    assert.equal(first.status, 0, first.message);
    const key1 = field(first.messages[0]!, 2)!;
    assert.equal(text(key1), `mylock/${l1}`);

    let secondDone = false;
    const second = grpcCall(session, '/v3lockpb.Lock/Lock', [new Writer().bytes(1, utf8('mylock')).idHex(2, l2).finish()]).then((r) => {
      secondDone = true;
      return r;
    });
    // The waiter is queued behind the holder: both keys exist, and it has not answered.
    await until(async () => (await keysUnder('mylock/')).length === 2);
    assert.equal(secondDone, false);

    const un = await grpcCall(session, '/v3lockpb.Lock/Unlock', [new Writer().bytes(1, key1).finish()]);
    assert.equal(un.status, 0, un.message);
    const r2 = await second;
    assert.equal(r2.status, 0, r2.message);
    assert.equal(text(field(r2.messages[0]!, 2)!), `mylock/${l2}`);
    assert.deepEqual(await keysUnder('mylock/'), [`mylock/${l2}`]);
  });

  it('Lock with a lease that does not exist fails as the put does', async () => {
    const r = await grpcCall(session, '/v3lockpb.Lock/Lock', [new Writer().bytes(1, utf8('other')).idHex(2, '1234').finish()]);
    assert.equal(r.status, 5);
    assert.equal(r.message, 'etcdserver: requested lease not found');
  });
});

describe('v3electionpb.Election', () => {
  it('Campaign, Leader, Observe, Proclaim and Resign', async () => {
    const noLeader = await grpcCall(session, '/v3electionpb.Election/Leader', [new Writer().bytes(1, utf8('ele')).finish()]);
    assert.equal(noLeader.status, 2);
    assert.equal(noLeader.message, 'election: no leader');

    const obs = grpcStream(session, '/v3electionpb.Election/Observe');
    obs.send(new Writer().bytes(1, utf8('ele')).finish());

    const l1 = await grant(30);
    const l2 = await grant(30);
    const c1 = await grpcCall(session, '/v3electionpb.Election/Campaign', [new Writer().bytes(1, utf8('ele')).idHex(2, l1).bytes(3, utf8('one')).finish()]);
    assert.equal(c1.status, 0, c1.message);
    const leader1 = decodeLeaderKey(field(c1.messages[0]!, 2)!);
    assert.equal(text(leader1.key), `ele/${l1}`);
    assert.equal(text(leader1.name), 'ele');
    assert.equal(leader1.lease, l1);

    const seen1 = decodeKeyValue(field(await obs.next(), 2)!);
    assert.equal(`${text(seen1.key)}=${text(seen1.value)}`, `ele/${l1}=one`);

    let secondDone = false;
    const c2 = grpcCall(session, '/v3electionpb.Election/Campaign', [new Writer().bytes(1, utf8('ele')).idHex(2, l2).bytes(3, utf8('two')).finish()]).then((r) => {
      secondDone = true;
      return r;
    });
    await until(async () => (await keysUnder('ele/')).length === 2);
    assert.equal(secondDone, false);

    const lead = await grpcCall(session, '/v3electionpb.Election/Leader', [new Writer().bytes(1, utf8('ele')).finish()]);
    assert.equal(text(decodeKeyValue(field(lead.messages[0]!, 2)!).value), 'one');

    const pr = await grpcCall(session, '/v3electionpb.Election/Proclaim', [new Writer().message(1, encodeLeaderKey(leader1)).bytes(2, utf8('uno')).finish()]);
    assert.equal(pr.status, 0, pr.message);
    assert.equal(text(decodeKeyValue(field(await obs.next(), 2)!).value), 'uno');

    const rs = await grpcCall(session, '/v3electionpb.Election/Resign', [new Writer().message(1, encodeLeaderKey(leader1)).finish()]);
    assert.equal(rs.status, 0, rs.message);
    const r2 = await c2;
    assert.equal(r2.status, 0, r2.message);
    assert.equal(text(decodeLeaderKey(field(r2.messages[0]!, 2)!).key), `ele/${l2}`);
    const seen2 = decodeKeyValue(field(await obs.next(), 2)!);
    assert.equal(`${text(seen2.key)}=${text(seen2.value)}`, `ele/${l2}=two`);

    // The old leader key is gone: proclaiming with it is refused.
    const stale = await grpcCall(session, '/v3electionpb.Election/Proclaim', [new Writer().message(1, encodeLeaderKey(leader1)).bytes(2, utf8('x')).finish()]);
    assert.equal(stale.status, 2);
    assert.equal(stale.message, 'election: not leader');
    const missing = await grpcCall(session, '/v3electionpb.Election/Resign', [new Uint8Array()]);
    assert.equal(missing.message, '"leader" field must be provided');
    obs.close();
  });
});
