import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromUtf8 as s, prefixEnd, utf8 as b } from './bytes.ts';
import { ErrLeaseExist, ErrLeaseNotFound, ErrLeaseTTLTooLarge } from './errors.ts';
import { minLeaseTtlSeconds } from './lessor.ts';
import { MvccStore } from './store.ts';
import type { WatchResponse } from './types.ts';

const T0 = 1_700_000_000_000;

describe('leases', () => {
  it('grants with the minimum TTL etcd computes from heartbeat and election timeout', () => {
    assert.equal(minLeaseTtlSeconds(100, 1000), 2);
    assert.equal(minLeaseTtlSeconds(500, 5000), 8);
    const st = new MvccStore();
    assert.equal(st.leaseGrant({ id: '694d77aa9e38260f', ttl: 1 }, T0).ttl, 2);
    assert.equal(st.leaseGrant({ id: '2', ttl: 60 }, T0).ttl, 60);
    assert.throws(() => st.leaseGrant({ id: '2', ttl: 60 }, T0), ErrLeaseExist);
    assert.throws(() => st.leaseGrant({ id: '3', ttl: 9_000_000_001 }, T0), ErrLeaseTTLTooLarge);
    assert.throws(() => st.leaseGrant({ id: '3', ttl: 9_000_000_001 }, T0), { message: 'etcdserver: too large lease TTL' });
    assert.deepEqual(
      st.leaseLeases().leases.map((l) => l.id),
      ['694d77aa9e38260f', '2'],
    );
  });

  it('timeToLive counts down from the given time; -1 for an unknown lease', () => {
    const st = new MvccStore();
    st.leaseGrant({ id: 'abc', ttl: 60 }, T0);
    st.put({ key: b('k1'), value: b('v'), lease: 'abc' });
    st.put({ key: b('k2'), value: b('v'), lease: '0abc' });
    const t = st.leaseTimeToLive({ id: 'abc', keys: true }, T0 + 10_500);
    assert.equal(t.ttl, 49);
    assert.equal(t.grantedTtl, 60);
    assert.deepEqual(t.keys.map(s), ['k1', 'k2']);
    assert.equal(st.leaseTimeToLive({ id: 'def' }, T0).ttl, -1);
    assert.equal(st.range({ key: b('k1') }).kvs[0]!.lease, 'abc');
  });

  it('renew restarts the clock; expired() lists leases past their TTL', () => {
    const st = new MvccStore();
    st.leaseGrant({ id: 'a', ttl: 10 }, T0);
    st.leaseGrant({ id: 'b', ttl: 20 }, T0);
    assert.deepEqual(st.expiredLeases(T0 + 9_999), []);
    assert.equal(st.leaseRenew('a', T0 + 9_000).ttl, 10);
    assert.deepEqual(st.expiredLeases(T0 + 18_000), []);
    assert.deepEqual(st.expiredLeases(T0 + 19_000), ['a']);
    assert.deepEqual(st.expiredLeases(T0 + 20_000), ['a', 'b']);
    assert.equal(st.leaseRenew('a', T0 + 30_000).ttl, 0);
    assert.equal(st.leaseRenew('zz', T0).ttl, 0);
    st.promoteLeases(T0 + 30_000);
    assert.deepEqual(st.expiredLeases(T0 + 30_000), []);
  });

  it('revoke deletes every attached key in one revision and tells watchers', () => {
    const st = new MvccStore();
    st.leaseGrant({ id: 'l1', ttl: 30 }, T0);
    st.put({ key: b('svc/a'), value: b('1'), lease: 'l1' });
    st.put({ key: b('svc/b'), value: b('2'), lease: 'l1' });
    st.put({ key: b('svc/c'), value: b('3') });
    st.put({ key: b('svc/b'), value: b('2b'), lease: 'l1' });
    const got: WatchResponse[] = [];
    st.watches.watch({ key: b('svc/'), rangeEnd: prefixEnd(b('svc/')) }, (r) => void got.push(r)).start();
    const before = st.currentRevision;
    const r = st.leaseRevoke({ id: 'l1' });
    assert.equal(r.header.revision, before + 1);
    const left = st.range({ key: b('svc/'), rangeEnd: prefixEnd(b('svc/')) });
    assert.deepEqual(left.kvs.map((kv) => s(kv.key)), ['svc/c']);
    assert.equal(got.length, 1);
    assert.deepEqual(got[0]!.events.map((e) => `${e.type} ${s(e.kv.key)}`), ['DELETE svc/a', 'DELETE svc/b']);
    assert.throws(() => st.leaseRevoke({ id: 'l1' }), { message: 'etcdserver: requested lease not found' });
    assert.throws(() => st.put({ key: b('x'), value: b('1'), lease: 'l1' }), ErrLeaseNotFound);
  });

  it('a key moved to another lease, or deleted, is no longer revoked with the old one', () => {
    const st = new MvccStore();
    st.leaseGrant({ id: 'a', ttl: 30 }, T0);
    st.leaseGrant({ id: 'b', ttl: 30 }, T0);
    st.put({ key: b('k1'), value: b('1'), lease: 'a' });
    st.put({ key: b('k2'), value: b('2'), lease: 'a' });
    st.put({ key: b('k1'), value: b('1'), lease: 'b' });
    st.deleteRange({ key: b('k2') });
    st.put({ key: b('k2'), value: b('again') });
    const rev = st.currentRevision;
    st.leaseRevoke({ id: 'a' });
    assert.equal(st.currentRevision, rev, 'revoking a lease with no keys writes nothing');
    assert.equal(st.range({ key: b('k1') }).count, 1);
    assert.equal(st.range({ key: b('k2') }).count, 1);
    // ignoreLease keeps the key on its lease.
    st.put({ key: b('k1'), value: b('new'), ignoreLease: true });
    assert.deepEqual(st.leaseTimeToLive({ id: 'b', keys: true }, T0).keys.map(s), ['k1']);
  });

  it('the apply entry point runs lease grant with the entry time', () => {
    const st = new MvccStore();
    const r = st.apply({ leaseGrant: { id: 'f00', ttl: 5 } }, T0, 7);
    assert.ok('leaseGrant' in r && r.leaseGrant.ttl === 5);
    assert.equal(st.consistentIndex, 7);
    assert.equal(st.leaseTimeToLive({ id: 'f00' }, T0 + 1000).ttl, 4);
    assert.throws(() => st.apply({ leaseGrant: { id: '', ttl: 5 } }, T0), ErrLeaseNotFound);
  });
});
