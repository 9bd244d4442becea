import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromUtf8 as s, prefixEnd, utf8 as b } from './bytes.ts';
import { ErrNoSpace, ErrRequestTooLarge } from './errors.ts';
import { crc32c } from './hash.ts';
import { SnapshotError } from './snapshot.ts';
import { MvccStore } from './store.ts';

const T0 = 1_700_000_000_000;

/** The same writes as the fixture run against a real etcd 3.4 (see hashKV test). */
function fixtureStore(): MvccStore {
  const st = new MvccStore();
  st.put({ key: b('foo'), value: b('bar') }); // 2
  st.put({ key: b('foo'), value: b('baz') }); // 3
  st.put({ key: b('a/b'), value: b('1') }); // 4
  st.deleteRange({ key: b('foo') }); // 5
  return st;
}

describe('hashKV', () => {
  it('crc32c matches the standard check value', () => {
    assert.equal(crc32c(b('123456789')), 0xe3069283);
  });

  it('gives the same hash as a real etcd for the same history', () => {
    // Values from `etcdctl endpoint hashkv -w json` against Debian's etcd 3.4.23 after the
    // same commands (put foo bar; put foo baz; put a/b 1; del foo; txn put x 1, put y 2;
    // lease grant 60 -> 694da1fd744c1c0b; put l v --lease; compact 4).
    const st = fixtureStore();
    assert.deepEqual(st.hashKV(), { header: { revision: 5 }, hash: 1858523863, compactRevision: -1, hashRevision: 5 });
    st.txn({ success: [{ requestPut: { key: b('x'), value: b('1') } }, { requestPut: { key: b('y'), value: b('2') } }] });
    assert.equal(st.hashKV().hash, 135282115);
    st.leaseGrant({ id: '694da1fd744c1c0b', ttl: 60 }, T0);
    st.put({ key: b('l'), value: b('v'), lease: '694da1fd744c1c0b' });
    assert.equal(st.hashKV().hash, 3555285473);
    st.compact({ revision: 4 });
    assert.deepEqual(st.hashKV(), { header: { revision: 7 }, hash: 2920633751, compactRevision: 4, hashRevision: 7 });
  });

  it('refuses a compacted or future revision', () => {
    const st = fixtureStore();
    st.compact({ revision: 3 });
    assert.throws(() => st.hashKV(3), { message: 'etcdserver: mvcc: required revision has been compacted' });
    assert.throws(() => st.hashKV(6), { message: 'etcdserver: mvcc: required revision is a future revision' });
    assert.equal(st.hashKV(4).hashRevision, 4);
  });

  it('differs when the data differs', () => {
    const a = fixtureStore();
    const c = fixtureStore();
    c.put({ key: b('z'), value: b('1') });
    assert.notEqual(a.hashKV().hash, c.hashKV().hash);
    assert.equal(a.hashKV(5).hash, c.hashKV(5).hash);
  });
});

describe('snapshot', () => {
  it('round-trips history, revisions, leases and the consistent index', () => {
    const st = fixtureStore();
    st.leaseGrant({ id: 'abc', ttl: 30 }, T0);
    st.put({ key: b('leased'), value: b('v'), lease: 'abc' });
    st.put({ key: b('bin'), value: new Uint8Array([0, 255, 10]) });
    st.compact({ revision: 3 });
    st.consistentIndex = 42;
    const data = st.snapshot();
    const r = MvccStore.restore(data, T0 + 5_000);
    assert.equal(r.currentRevision, st.currentRevision);
    assert.equal(r.compactRevision, 3);
    assert.equal(r.consistentIndex, 42);
    assert.deepEqual(r.hashKV(), st.hashKV());
    assert.deepEqual(r.snapshot(), data);
    assert.equal(s(r.range({ key: b('foo'), revision: 3 }).kvs[0]!.value), 'baz');
    assert.deepEqual([...r.range({ key: b('bin') }).kvs[0]!.value], [0, 255, 10]);
    // Lease clocks restart at restore time; keys are re-attached.
    const ttl = r.leaseTimeToLive({ id: 'abc', keys: true }, T0 + 5_000);
    assert.equal(ttl.ttl, 30);
    assert.deepEqual(ttl.keys.map(s), ['leased']);
    r.leaseRevoke({ id: 'abc' });
    assert.equal(r.range({ key: b('leased') }).count, 0);
    // The restored store keeps going from the same revision.
    assert.equal(r.put({ key: b('n'), value: b('1') }).header.revision, st.currentRevision + 2);
  });

  it('a follower restoring in place keeps its watchers, which catch up from the new state', () => {
    const leader = fixtureStore();
    const follower = new MvccStore();
    follower.put({ key: b('foo'), value: b('bar') }); // rev 2, same as the leader's
    const seen: string[] = [];
    const w = follower.watches.watch({ key: b('a'), rangeEnd: prefixEnd(b('a')) }, (r) => {
      seen.push(...r.events.map((e) => `${e.type} ${s(e.kv.key)}@${e.kv.modRevision}`), ...(r.canceled ? ['canceled'] : []));
    });
    w.start();
    leader.put({ key: b('a/c'), value: b('2') }); // 6
    follower.restoreSnapshot(leader.snapshot(), T0);
    assert.deepEqual(seen, ['PUT a/b@4', 'PUT a/c@6']);
    assert.equal(follower.currentRevision, 6);
    follower.put({ key: b('a/d'), value: b('3') });
    assert.deepEqual(seen.at(-1), 'PUT a/d@7');
    // A watcher behind a compaction in the new state is canceled as compacted.
    const lagging = new MvccStore();
    const got: number[] = [];
    lagging.watches.watch({ key: b('k') }, (r) => void got.push(r.compactRevision)).start();
    leader.compact({ revision: 5 });
    lagging.restoreSnapshot(leader.snapshot(), T0);
    assert.deepEqual(got, [5]);
    assert.equal(lagging.watches.size, 0);
  });

  it('refuses corrupt or foreign data', () => {
    const data = fixtureStore().snapshot();
    const bad = data.slice();
    bad[10] = bad[10]! ^ 1;
    assert.throws(() => MvccStore.restore(bad, T0), SnapshotError);
    assert.throws(() => MvccStore.restore(b('not a snapshot at all'), T0), SnapshotError);
    assert.throws(() => MvccStore.restore(new Uint8Array(3), T0), SnapshotError);
  });

  it('replicas applying the same entries produce identical snapshots', () => {
    const entries = [
      { put: { key: b('a'), value: b('1') } },
      { leaseGrant: { id: '10', ttl: 5 } },
      { leaseGrant: { id: '2', ttl: 50 } },
      { put: { key: b('b'), value: b('2'), lease: '10' } },
      { txn: { success: [{ requestDeleteRange: { key: b('a'), rangeEnd: prefixEnd(b('a')) } }] } },
      { compaction: { revision: 3 } },
    ];
    const one = new MvccStore();
    const two = new MvccStore();
    entries.forEach((e, i) => one.apply(e, T0 + i, i + 1));
    entries.forEach((e, i) => two.apply(e, T0 + i, i + 1));
    // Leader-local lease activity on one replica must not change its snapshot.
    one.leaseRenew('10', T0 + 100_000);
    assert.deepEqual(one.snapshot(), two.snapshot());
  });
});

describe('limits and sizes', () => {
  it('request size and quota errors use etcd words', () => {
    const st = new MvccStore({ quotaBackendBytes: 64 * 1024 });
    const huge = { put: { key: b('k'), value: new Uint8Array(1.5 * 1024 * 1024) } };
    assert.throws(() => st.checkRequestSize(huge), ErrRequestTooLarge);
    assert.throws(() => st.checkRequestSize(huge), { message: 'etcdserver: request is too large' });
    st.checkRequestSize({ put: { key: b('k'), value: new Uint8Array(1.5 * 1024 * 1024 - 100) } });
    st.checkRequestSize({ txn: { success: [{ requestPut: { key: b('k'), value: new Uint8Array(1000) } }] } });
    assert.throws(() => st.checkRequestSize({ leaseGrant: { id: '1', ttl: 5 } }, 2 * 1024 * 1024), ErrRequestTooLarge);
    const big = new Uint8Array(30 * 1024);
    st.checkQuota({ put: { key: b('k1'), value: big } });
    st.put({ key: b('k1'), value: big });
    assert.throws(() => st.checkQuota({ put: { key: b('k2'), value: big } }), ErrNoSpace);
    assert.throws(() => st.checkQuota({ put: { key: b('k2'), value: big } }), {
      message: 'etcdserver: mvcc: database space exceeded',
    });
    st.checkQuota({ deleteRange: { key: b('k1') } });
  });

  it('db size starts at 20 kB, grows with writes, and only defragment shrinks it', () => {
    const st = new MvccStore();
    assert.equal(st.dbSize, 20 * 1024);
    for (let i = 0; i < 10; i++) st.put({ key: b('k'), value: new Uint8Array(4096) });
    const grown = st.dbSize;
    assert.ok(grown > 60 * 1024);
    st.compact({ revision: st.currentRevision });
    assert.equal(st.dbSize, grown);
    assert.ok(st.dbSizeInUse < grown);
    st.defragment();
    assert.equal(st.dbSize, st.dbSizeInUse);
  });
});
