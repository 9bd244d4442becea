import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromUtf8 as s, prefixEnd, utf8 as b } from './bytes.ts';
import { ErrDuplicateKey, ErrTooManyOps } from './errors.ts';
import { MvccStore } from './store.ts';
import type { Compare, RequestOp, TxnRequest } from './types.ts';

const put = (k: string, v: string): RequestOp => ({ requestPut: { key: b(k), value: b(v) } });
const get = (k: string, end?: Uint8Array): RequestOp => ({ requestRange: { key: b(k), rangeEnd: end } });
const del = (k: string, end?: Uint8Array): RequestOp => ({ requestDeleteRange: { key: b(k), rangeEnd: end } });
const value = (st: MvccStore, k: string) => {
  const kv = st.range({ key: b(k) }).kvs[0];
  return kv ? s(kv.value) : undefined;
};

describe('txn', () => {
  it('inner response headers carry the revision each op saw, as etcd: reads before any write the start revision', () => {
    const st = new MvccStore();
    st.put({ key: b('foo'), value: b('bar') });
    assert.equal(st.currentRevision, 2);
    const r = st.txn({ success: [get('foo'), del('missing'), put('t', '1'), get('t'), del('missing')] });
    const revs = r.responses.map((op) => ('responseRange' in op ? op.responseRange.header.revision : 'responsePut' in op ? op.responsePut.header.revision : 'responseDeleteRange' in op ? op.responseDeleteRange.header.revision : -1));
    // etcd's storeTxnWrite: a range or an empty delete sees beginRev until the txn has changed something.
    assert.deepEqual(revs, [2, 2, 3, 3, 3]);
    assert.equal(r.header.revision, 3);
    // A txn that writes nothing leaves every header at the current revision.
    const ro = st.txn({ success: [get('foo'), del('missing')] });
    assert.equal(ro.header.revision, 3);
    assert.ok('responseRange' in ro.responses[0]! && ro.responses[0].responseRange.header.revision === 3);
  });

  it('puts in one txn share one revision with sub-revisions', () => {
    const st = new MvccStore();
    const r = st.txn({ success: [put('a', '1'), put('b', '2')] });
    assert.equal(r.succeeded, true);
    assert.equal(r.header.revision, 2);
    assert.equal(st.currentRevision, 2);
    assert.equal(st.range({ key: b('a') }).kvs[0]!.modRevision, 2);
    assert.equal(st.range({ key: b('b') }).kvs[0]!.modRevision, 2);
  });

  it('compares a missing key as version 0 and fails a VALUE compare on it', () => {
    const st = new MvccStore();
    const createIfAbsent: TxnRequest = {
      compare: [{ key: b('lock'), target: 'VERSION', result: 'EQUAL', version: 0 }],
      success: [put('lock', 'me')],
      failure: [get('lock')],
    };
    assert.equal(st.txn(createIfAbsent).succeeded, true);
    const second = st.txn(createIfAbsent);
    assert.equal(second.succeeded, false);
    const rr = second.responses[0]!;
    assert.ok('responseRange' in rr && s(rr.responseRange.kvs[0]!.value) === 'me');
    const onMissing = st.txn({
      compare: [{ key: b('nope'), target: 'VALUE', result: 'NOT_EQUAL', value: b('x') }],
    });
    assert.equal(onMissing.succeeded, false);
    const createZero = st.txn({ compare: [{ key: b('nope'), target: 'CREATE', result: 'EQUAL', createRevision: 0 }] });
    assert.equal(createZero.succeeded, true);
  });

  it('evaluates every compare kind', () => {
    const st = new MvccStore();
    st.put({ key: b('k'), value: b('m') }); // rev 2
    st.put({ key: b('k'), value: b('m') }); // rev 3, version 2
    const ok = (c: Omit<Compare, 'key'>) => st.txn({ compare: [{ key: b('k'), ...c }] }).succeeded;
    assert.equal(ok({ target: 'VALUE', result: 'EQUAL', value: b('m') }), true);
    assert.equal(ok({ target: 'VALUE', result: 'GREATER', value: b('a') }), true);
    assert.equal(ok({ target: 'VALUE', result: 'LESS', value: b('a') }), false);
    assert.equal(ok({ target: 'VERSION', result: 'EQUAL', version: 2 }), true);
    assert.equal(ok({ target: 'CREATE', result: 'EQUAL', createRevision: 2 }), true);
    assert.equal(ok({ target: 'MOD', result: 'GREATER', modRevision: 2 }), true);
    assert.equal(ok({ target: 'MOD', result: 'LESS', modRevision: 3 }), false);
    assert.equal(ok({ target: 'LEASE', result: 'EQUAL', lease: '' }), true);
    assert.equal(ok({ target: 'VERSION', result: 'NOT_EQUAL', version: 2 }), false);
  });

  it('a compare on a range must hold for every key in it', () => {
    const st = new MvccStore();
    st.put({ key: b('p/a'), value: b('1') });
    st.put({ key: b('p/b'), value: b('2') });
    const all = (v: number) =>
      st.txn({ compare: [{ key: b('p/'), rangeEnd: prefixEnd(b('p/')), target: 'VERSION', result: 'EQUAL', version: v }] })
        .succeeded;
    assert.equal(all(1), true);
    st.put({ key: b('p/b'), value: b('3') });
    assert.equal(all(1), false);
  });

  it('reads inside a txn see its own writes; a read-only txn keeps the revision', () => {
    const st = new MvccStore();
    st.put({ key: b('x'), value: b('0') });
    const r = st.txn({ success: [put('y', '1'), get('y')] });
    const rr = r.responses[1]!;
    assert.ok('responseRange' in rr);
    assert.equal(s(rr.responseRange.kvs[0]!.value), '1');
    assert.equal(rr.responseRange.header.revision, 3);
    const ro = st.txn({ success: [get('x')] });
    assert.equal(ro.header.revision, 3);
    assert.equal(st.currentRevision, 3);
  });

  it('deletes with prevKv inside a txn', () => {
    const st = new MvccStore();
    st.put({ key: b('d/1'), value: b('a') });
    st.put({ key: b('d/2'), value: b('b') });
    const r = st.txn({ success: [{ requestDeleteRange: { key: b('d/'), rangeEnd: prefixEnd(b('d/')), prevKv: true } }] });
    const dr = r.responses[0]!;
    assert.ok('responseDeleteRange' in dr);
    assert.equal(dr.responseDeleteRange.deleted, 2);
    assert.deepEqual(dr.responseDeleteRange.prevKvs.map((kv) => s(kv.value)), ['a', 'b']);
    assert.equal(st.currentRevision, 4);
  });

  it('nested txns take their path from the state before the txn', () => {
    const st = new MvccStore();
    const r = st.txn({
      success: [
        put('a', '1'),
        {
          requestTxn: {
            compare: [{ key: b('a'), target: 'VERSION', result: 'EQUAL', version: 0 }],
            success: [put('b', 'saw-absent')],
            failure: [put('b', 'saw-present')],
          },
        },
      ],
    });
    assert.equal(r.succeeded, true);
    assert.equal(value(st, 'b'), 'saw-absent');
  });

  it('refuses duplicate keys and overlapping put/delete', () => {
    const st = new MvccStore();
    const dup = { message: 'etcdserver: duplicate key given in txn request' };
    assert.throws(() => st.txn({ success: [put('a', '1'), put('a', '2')] }), dup);
    assert.throws(() => st.txn({ success: [del('a', b('c')), put('b', '2')] }), ErrDuplicateKey);
    assert.throws(() => st.txn({ success: [put('z', '1'), del('a', new Uint8Array([0]))] }), ErrDuplicateKey);
    // The two branches may write the same key; deletes may overlap each other.
    st.txn({ success: [put('a', '1')], failure: [put('a', '2')] });
    st.txn({ success: [del('a', b('c')), del('b')] });
    // A nested txn's branches may both write a key, but not one the parent writes.
    const nested = (parentPut: boolean): TxnRequest => ({
      success: [
        ...(parentPut ? [put('k', 'p')] : []),
        { requestTxn: { success: [put('k', '1')], failure: [put('k', '2')] } },
      ],
    });
    st.txn(nested(false));
    assert.throws(() => st.txn(nested(true)), ErrDuplicateKey);
    assert.equal(value(st, 'k'), '1');
  });

  it('limits the number of operations (128 by default)', () => {
    const st = new MvccStore();
    const ops = Array.from({ length: 129 }, (_, i) => put(`k${i}`, 'v'));
    assert.throws(() => st.txn({ success: ops }), {
      message: 'etcdserver: too many operations in txn request',
      code: 'InvalidArgument',
    });
    st.txn({ success: ops.slice(0, 128) });
    assert.equal(st.range({ key: b('k'), rangeEnd: prefixEnd(b('k')), countOnly: true }).count, 128);
    assert.throws(() => new MvccStore({ maxTxnOps: 2 }).txn({ success: ops.slice(0, 3) }), ErrTooManyOps);
  });

  it('a rejected txn changes nothing', () => {
    const st = new MvccStore();
    st.put({ key: b('a'), value: b('1') });
    assert.throws(() =>
      st.txn({ success: [put('b', '2'), { requestPut: { key: b('c'), value: b('3'), lease: 'abc' } }] }),
    );
    assert.equal(st.currentRevision, 2);
    assert.equal(value(st, 'b'), undefined);
    assert.throws(() => st.txn({ success: [put('b', '2'), { requestRange: { key: b('a'), revision: 9 } }] }), {
      message: 'etcdserver: mvcc: required revision is a future revision',
    });
    assert.equal(value(st, 'b'), undefined);
    assert.throws(() => st.txn({ compare: [{ key: new Uint8Array(0), target: 'VERSION', result: 'EQUAL' }] }), {
      message: 'etcdserver: key is not provided',
    });
  });
});
