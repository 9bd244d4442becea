import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromUtf8 as s, prefixEnd, utf8 as b } from './bytes.ts';
import { MvccStore } from './store.ts';
import type { WatchResponse } from './types.ts';
import type { WatchOptions } from './watch-hub.ts';

function collect(st: MvccStore, opts: WatchOptions, accept: () => boolean = () => true) {
  const got: WatchResponse[] = [];
  const w = st.watches.watch(opts, (r) => {
    got.push(r);
    return accept();
  });
  const events = () => got.flatMap((r) => r.events.map((e) => `${e.type} ${s(e.kv.key)}=${s(e.kv.value)}@${e.kv.modRevision}`));
  return { w, got, events };
}

describe('watch', () => {
  it('a synced watcher gets each write revision as one batch', () => {
    const st = new MvccStore();
    const { w, got, events } = collect(st, { key: b('foo'), rangeEnd: prefixEnd(b('foo')) });
    w.start();
    st.put({ key: b('foo/a'), value: b('1') });
    st.txn({ success: [{ requestPut: { key: b('foo/b'), value: b('2') } }, { requestPut: { key: b('bar'), value: b('x') } }] });
    st.deleteRange({ key: b('foo/a') });
    assert.deepEqual(events(), ['PUT foo/a=1@2', 'PUT foo/b=2@3', 'DELETE foo/a=@4']);
    assert.equal(got.length, 3);
    assert.equal(got[1]!.header.revision, 3);
    assert.equal(w.synced, true);
  });

  it('delivers nothing until start(), then replays what happened meanwhile', () => {
    const st = new MvccStore();
    const { w, events } = collect(st, { key: b('k') });
    st.put({ key: b('k'), value: b('1') });
    assert.deepEqual(events(), []);
    w.start();
    assert.deepEqual(events(), ['PUT k=1@2']);
  });

  it('a watcher from a past revision catches up from history, with prevKv', () => {
    const st = new MvccStore();
    st.put({ key: b('k'), value: b('1') }); // 2
    st.put({ key: b('k'), value: b('2') }); // 3
    st.put({ key: b('other'), value: b('x') }); // 4
    st.deleteRange({ key: b('k') }); // 5
    const { w, got, events } = collect(st, { key: b('k'), startRevision: 3, prevKv: true });
    w.start();
    assert.deepEqual(events(), ['PUT k=2@3', 'DELETE k=@5']);
    assert.equal(s(got[0]!.events[0]!.prevKv!.value), '1');
    assert.equal(s(got[0]!.events[1]!.prevKv!.value), '2');
    st.put({ key: b('k'), value: b('3') });
    assert.deepEqual(events().at(-1), 'PUT k=3@6');
  });

  it('filters puts or deletes', () => {
    const st = new MvccStore();
    const noPut = collect(st, { key: b('k'), noPut: true });
    const noDel = collect(st, { key: b('k'), noDelete: true });
    noPut.w.start();
    noDel.w.start();
    st.put({ key: b('k'), value: b('1') });
    st.deleteRange({ key: b('k') });
    assert.deepEqual(noPut.events(), ['DELETE k=@3']);
    assert.deepEqual(noDel.events(), ['PUT k=1@2']);
  });

  it('a start revision that was compacted gets a canceled response with compactRevision', () => {
    const st = new MvccStore();
    for (let i = 0; i < 5; i++) st.put({ key: b('k'), value: b(String(i)) });
    st.compact({ revision: 4 });
    const { w, got } = collect(st, { key: b('k'), startRevision: 2 });
    w.start();
    assert.equal(got.length, 1);
    assert.equal(got[0]!.compactRevision, 4);
    assert.equal(got[0]!.canceled, true);
    assert.equal(got[0]!.header.revision, 0);
    assert.deepEqual(got[0]!.events, []);
    assert.equal(w.canceled, true);
    assert.equal(st.watches.size, 0);
    // From the compaction revision itself, history is still there.
    const ok = collect(st, { key: b('k'), startRevision: 4 });
    ok.w.start();
    assert.deepEqual(ok.events(), ['PUT k=2@4', 'PUT k=3@5', 'PUT k=4@6']);
  });

  it('a slow consumer pauses the watcher, holds no buffer, and catches up on resume', () => {
    const st = new MvccStore();
    let room = 2;
    const { w, events } = collect(st, { key: b('k'), rangeEnd: prefixEnd(b('k')) }, () => --room > 0);
    w.start();
    for (let i = 0; i < 6; i++) st.put({ key: b(`k${i}`), value: b('v') });
    assert.deepEqual(events(), ['PUT k0=v@2', 'PUT k1=v@3']);
    assert.equal(w.synced, false);
    room = 100;
    w.resume();
    assert.deepEqual(events().length, 6);
    assert.equal(events()[5], 'PUT k5=v@7');
    assert.equal(w.synced, true);
    st.put({ key: b('k9'), value: b('v') });
    assert.equal(events().length, 7);
  });

  it('a paused watcher that falls behind a compaction is canceled as compacted on resume', () => {
    const st = new MvccStore();
    const { w, got } = collect(st, { key: b('k') }, () => false);
    w.start();
    st.put({ key: b('k'), value: b('1') }); // delivered, then paused
    st.put({ key: b('k'), value: b('2') });
    st.put({ key: b('k'), value: b('3') });
    st.compact({ revision: 4 });
    w.resume();
    assert.equal(got.at(-1)!.compactRevision, 4);
    assert.equal(got.at(-1)!.canceled, true);
  });

  it('cancel stops delivery; a throwing sink is canceled instead of breaking writes', () => {
    const st = new MvccStore();
    const a = collect(st, { key: b('k') });
    a.w.start();
    a.w.cancel();
    const bad = st.watches.watch({ key: b('k') }, () => {
      throw new Error('consumer bug');
    });
    bad.start();
    st.put({ key: b('k'), value: b('1') });
    assert.deepEqual(a.events(), []);
    assert.equal(bad.canceled, true);
    assert.equal(st.currentRevision, 2);
  });

  it('a future start revision waits for that revision', () => {
    const st = new MvccStore();
    const { w, events } = collect(st, { key: b('k'), startRevision: 4 });
    w.start();
    st.put({ key: b('k'), value: b('1') });
    st.put({ key: b('k'), value: b('2') });
    st.put({ key: b('k'), value: b('3') });
    assert.deepEqual(events(), ['PUT k=3@4']);
  });

  it('progress notifications go to synced watchers that asked', () => {
    const st = new MvccStore();
    const p = collect(st, { key: b('k'), progressNotify: true });
    const q = collect(st, { key: b('k') });
    p.w.start();
    q.w.start();
    st.put({ key: b('other'), value: b('1') });
    st.watches.progressNotify();
    assert.equal(p.got.length, 1);
    assert.equal(p.got[0]!.events.length, 0);
    assert.equal(p.got[0]!.header.revision, 2);
    assert.equal(q.got.length, 0);
  });
});
