import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromUtf8, prefixEnd, utf8 as b } from './bytes.ts';
import {
  ErrCompacted,
  ErrEmptyKey,
  ErrFutureRev,
  ErrKeyNotFound,
  ErrLeaseNotFound,
  ErrLeaseProvided,
  ErrValueProvided,
} from './errors.ts';
import { MvccStore } from './store.ts';
import type { KeyValue, RangeResponse } from './types.ts';

const s = fromUtf8;
const keys = (r: RangeResponse) => r.kvs.map((kv) => s(kv.key));
const kvSummary = (kv: KeyValue | undefined) =>
  kv && { key: s(kv.key), value: s(kv.value), create: kv.createRevision, mod: kv.modRevision, version: kv.version };

function storeWith(...pairs: [string, string][]): MvccStore {
  const st = new MvccStore();
  for (const [k, v] of pairs) st.put({ key: b(k), value: b(v) });
  return st;
}

describe('put and range', () => {
  it('starts at revision 1 and gives each put the next revision', () => {
    const st = new MvccStore();
    assert.equal(st.currentRevision, 1);
    assert.equal(st.put({ key: b('foo'), value: b('bar') }).header.revision, 2);
    assert.equal(st.put({ key: b('foo'), value: b('baz') }).header.revision, 3);
    const r = st.range({ key: b('foo') });
    assert.deepEqual(kvSummary(r.kvs[0]), { key: 'foo', value: 'baz', create: 2, mod: 3, version: 2 });
    assert.equal(r.count, 1);
    assert.equal(r.header.revision, 3);
  });

  it('reads the past at an older revision and refuses future ones', () => {
    const st = storeWith(['foo', 'v1'], ['foo', 'v2'], ['foo', 'v3']);
    assert.equal(s(st.range({ key: b('foo'), revision: 2 }).kvs[0]!.value), 'v1');
    assert.equal(s(st.range({ key: b('foo'), revision: 3 }).kvs[0]!.value), 'v2');
    assert.equal(st.range({ key: b('foo'), revision: 1 }).kvs.length, 0);
    assert.throws(() => st.range({ key: b('foo'), revision: 5 }), {
      message: 'etcdserver: mvcc: required revision is a future revision',
      code: 'OutOfRange',
    });
  });

  it('returns the previous value with prevKv', () => {
    const st = storeWith(['foo', 'old']);
    const r = st.put({ key: b('foo'), value: b('new'), prevKv: true });
    assert.equal(s(r.prevKv!.value), 'old');
    assert.equal(st.put({ key: b('other'), value: b('x'), prevKv: true }).prevKv, undefined);
  });

  it('ignoreValue keeps the value, and needs an existing key', () => {
    const st = storeWith(['foo', 'bar']);
    st.put({ key: b('foo'), ignoreValue: true });
    assert.equal(s(st.range({ key: b('foo') }).kvs[0]!.value), 'bar');
    assert.throws(() => st.put({ key: b('nope'), ignoreValue: true }), ErrKeyNotFound);
    assert.throws(() => st.put({ key: b('foo'), value: b('x'), ignoreValue: true }), ErrValueProvided);
    assert.throws(() => st.put({ key: b('foo'), lease: '1', ignoreLease: true }), ErrLeaseProvided);
    assert.throws(() => st.put({ key: b('') }), { message: 'etcdserver: key is not provided' });
    assert.equal(st.currentRevision, 3);
  });

  it('ranges over a prefix, everything >= a key, and everything', () => {
    const st = storeWith(['a', '1'], ['foo', '2'], ['foo/bar', '3'], ['foo/baz', '4'], ['fop', '5'], ['z', '6']);
    assert.deepEqual(keys(st.range({ key: b('foo/'), rangeEnd: prefixEnd(b('foo/')) })), ['foo/bar', 'foo/baz']);
    assert.deepEqual(keys(st.range({ key: b('foo'), rangeEnd: prefixEnd(b('foo')) })), ['foo', 'foo/bar', 'foo/baz']);
    assert.deepEqual(keys(st.range({ key: b('fop'), rangeEnd: new Uint8Array([0]) })), ['fop', 'z']);
    assert.deepEqual(keys(st.range({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) })).length, 6);
    assert.deepEqual(keys(st.range({ key: b('z'), rangeEnd: b('a') })), []);
  });

  it('prefixEnd increments the last byte below 0xff', () => {
    assert.deepEqual([...prefixEnd(b('abc'))], [...b('abd')]);
    assert.deepEqual([...prefixEnd(new Uint8Array([0x61, 0xff]))], [0x62]);
    assert.deepEqual([...prefixEnd(new Uint8Array([0xff, 0xff]))], [0]);
  });

  it('sorts, limits, counts and reports more', () => {
    const st = storeWith(['k3', 'a'], ['k1', 'c'], ['k2', 'b'], ['k1', 'cc']);
    const all = { key: b('k'), rangeEnd: prefixEnd(b('k')) };
    const lim = st.range({ ...all, limit: 2 });
    assert.deepEqual(keys(lim), ['k1', 'k2']);
    assert.equal(lim.more, true);
    assert.equal(lim.count, 3);
    assert.equal(st.range({ ...all, limit: 3 }).more, false);
    assert.deepEqual(keys(st.range({ ...all, sortOrder: 'DESCEND' })), ['k3', 'k2', 'k1']);
    assert.deepEqual(keys(st.range({ ...all, sortTarget: 'VALUE' })), ['k3', 'k2', 'k1']);
    assert.deepEqual(keys(st.range({ ...all, sortTarget: 'MOD', sortOrder: 'DESCEND', limit: 1 })), ['k1']);
    assert.deepEqual(keys(st.range({ ...all, sortTarget: 'CREATE', sortOrder: 'ASCEND' })), ['k3', 'k1', 'k2']);
    assert.deepEqual(keys(st.range({ ...all, sortTarget: 'VERSION', sortOrder: 'DESCEND' })), ['k1', 'k2', 'k3']);
    const c = st.range({ ...all, countOnly: true });
    assert.equal(c.count, 3);
    assert.equal(c.kvs.length, 0);
    const ko = st.range({ ...all, keysOnly: true });
    assert.deepEqual(ko.kvs.map((kv) => kv.value.length), [0, 0, 0]);
    assert.deepEqual(keys(st.range({ ...all, minModRevision: 4 })), ['k2', 'k1'].sort());
    assert.deepEqual(keys(st.range({ ...all, maxCreateRevision: 2 })), ['k3']);
  });

  it('rejects an empty key on range', () => {
    assert.throws(() => new MvccStore().range({ key: new Uint8Array(0) }), ErrEmptyKey);
  });
});

describe('delete', () => {
  it('deletes a range in one revision, returns prevKvs, and resets the version', () => {
    const st = storeWith(['foo/a', '1'], ['foo/b', '2'], ['fooz', '3']);
    const d = st.deleteRange({ key: b('foo/'), rangeEnd: prefixEnd(b('foo/')), prevKv: true });
    assert.equal(d.deleted, 2);
    assert.deepEqual(d.prevKvs.map((kv) => s(kv.value)), ['1', '2']);
    assert.equal(d.header.revision, 5);
    assert.deepEqual(keys(st.range({ key: b('f'), rangeEnd: prefixEnd(b('f')) })), ['fooz']);
    // History still shows them.
    assert.deepEqual(keys(st.range({ key: b('foo/'), rangeEnd: prefixEnd(b('foo/')), revision: 4 })), ['foo/a', 'foo/b']);
    st.put({ key: b('foo/a'), value: b('again') });
    assert.deepEqual(kvSummary(st.range({ key: b('foo/a') }).kvs[0]), {
      key: 'foo/a',
      value: 'again',
      create: 6,
      mod: 6,
      version: 1,
    });
  });

  it('a delete of nothing does not move the revision', () => {
    const st = storeWith(['a', '1']);
    const d = st.deleteRange({ key: b('zzz') });
    assert.equal(d.deleted, 0);
    assert.equal(d.header.revision, 2);
    assert.equal(st.currentRevision, 2);
  });
});

describe('compaction', () => {
  it('keeps the latest value at the compaction revision and refuses older reads', () => {
    const st = storeWith(['foo', 'v1'], ['foo', 'v2'], ['bar', 'x'], ['foo', 'v3']);
    st.deleteRange({ key: b('bar') }); // rev 6
    st.compact({ revision: 4 });
    assert.equal(st.compactRevision, 4);
    assert.equal(s(st.range({ key: b('foo'), revision: 4 }).kvs[0]!.value), 'v2');
    assert.equal(s(st.range({ key: b('bar'), revision: 4 }).kvs[0]!.value), 'x');
    assert.throws(() => st.range({ key: b('foo'), revision: 3 }), ErrCompacted);
    assert.throws(() => st.compact({ revision: 4 }), {
      message: 'etcdserver: mvcc: required revision has been compacted',
    });
    assert.throws(() => st.compact({ revision: 3 }), ErrCompacted);
    assert.throws(() => st.compact({ revision: 99 }), ErrFutureRev);
    st.compact({ revision: 6 });
    assert.equal(st.range({ key: b('bar'), revision: 6 }).kvs.length, 0);
    assert.equal(s(st.range({ key: b('foo') }).kvs[0]!.value), 'v3');
  });
});

describe('leases on keys', () => {
  it('a put with an unknown lease is refused', () => {
    const st = new MvccStore();
    assert.throws(() => st.put({ key: b('a'), value: b('1'), lease: '694d77aa9e38260f' }), {
      message: 'etcdserver: requested lease not found',
      code: 'NotFound',
    });
    assert.throws(() => st.put({ key: b('a'), value: b('1'), lease: '1' }), ErrLeaseNotFound);
    assert.equal(st.currentRevision, 1);
  });
});

describe('apply', () => {
  it('dispatches every replicated request kind and records the raft index', () => {
    const st = new MvccStore();
    const put = st.apply({ put: { key: b('a'), value: b('1') } }, 0, 1);
    assert.ok('put' in put && put.put.header.revision === 2);
    const txn = st.apply({ txn: { success: [{ requestPut: { key: b('b'), value: b('2') } }] } }, 0, 2);
    assert.ok('txn' in txn && txn.txn.succeeded);
    const range = st.apply({ range: { key: b('a'), rangeEnd: prefixEnd(b('a')) } }, 0, 3);
    assert.ok('range' in range && range.range.count === 1);
    st.apply({ leaseGrant: { id: '7', ttl: 10 } }, 0, 4);
    st.apply({ put: { key: b('c'), value: b('3'), lease: '7' } }, 0, 5);
    const rev = st.apply({ leaseRevoke: { id: '7' } }, 0, 6);
    assert.ok('leaseRevoke' in rev && rev.leaseRevoke.header.revision === 5);
    const del = st.apply({ deleteRange: { key: b('a') } }, 0, 7);
    assert.ok('deleteRange' in del && del.deleteRange.deleted === 1);
    st.apply({ compaction: { revision: 4 } }, 0, 8);
    assert.equal(st.compactRevision, 4);
    assert.equal(st.consistentIndex, 8);
    assert.throws(() => st.apply({ compaction: { revision: 4 } }, 0, 9), ErrCompacted);
    assert.equal(st.consistentIndex, 9, 'a rejected entry is still applied (as a no-op)');
  });
});
