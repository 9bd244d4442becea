// Randomized differential test: the store against a deliberately naive model that keeps a
// full copy of the key space at every revision. Seeded, so a failure replays exactly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromUtf8 as s, utf8 as b } from './bytes.ts';
import { EtcdError } from './errors.ts';
import { MvccStore } from './store.ts';
import type { RequestOp, WatchEvent } from './types.ts';

interface ModelKv {
  value: string;
  create: number;
  mod: number;
  version: number;
}
type State = Map<string, ModelKv>;

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    // xorshift32
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(a: readonly T[]) => a[Math.floor(next() * a.length)]! };
}

const KEYS = ['a', 'ab', 'abc', 'b', 'ba', 'c', 'c\u00ff', 'd', 'zz'];

class Model {
  states: State[] = [new Map(), new Map()]; // index = revision; revision 1 = empty
  compacted = -1;
  events: string[] = [];
  get rev() {
    return this.states.length - 1;
  }
  /** Applies a list of writes as one revision (if anything changes). */
  write(ops: ({ put: [string, string] } | { del: [string, string | undefined] })[]) {
    const next: State = new Map(this.states[this.rev]);
    const rev = this.rev + 1;
    const evs: string[] = [];
    for (const op of ops) {
      if ('put' in op) {
        const [k, v] = op.put;
        const prev = next.get(k);
        next.set(k, { value: v, create: prev ? prev.create : rev, mod: rev, version: prev ? prev.version + 1 : 1 });
        evs.push(`PUT ${k}=${v}@${rev}`);
      } else {
        const [start, end] = op.del;
        for (const k of [...next.keys()].sort()) {
          if (end === undefined ? k === start : k >= start && k < end) {
            next.delete(k);
            evs.push(`DELETE ${k}@${rev}`);
          }
        }
      }
    }
    if (evs.length > 0) {
      this.states.push(next);
      this.events.push(...evs);
    }
  }
  range(start: string, end: string | undefined, rev: number): [string, ModelKv][] {
    const st = this.states[rev]!;
    return [...st.entries()]
      .filter(([k]) => (end === undefined ? k === start : k >= start && k < end))
      .sort(([x], [y]) => (x < y ? -1 : 1));
  }
}

// Latin-1 keys, so the model's JS string order is the store's byte order.
const key = (k: string) => Uint8Array.from(k, (c) => c.charCodeAt(0));
const unkey = (u: Uint8Array) => String.fromCharCode(...u);

function runSeed(seed: number) {
  const r = rng(seed);
  let st = new MvccStore();
  const m = new Model();
  const seen: string[] = [];
  const fmt = (e: WatchEvent) =>
    e.type === 'PUT' ? `PUT ${unkey(e.kv.key)}=${s(e.kv.value)}@${e.kv.modRevision}` : `DELETE ${unkey(e.kv.key)}@${e.kv.modRevision}`;
  let watcher = st.watches.watch({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) }, (resp) => {
    seen.push(...resp.events.map(fmt));
  });
  watcher.start();

  for (let step = 0; step < 400; step++) {
    const dice = r.int(100);
    if (dice < 35) {
      const k = r.pick(KEYS);
      const v = `v${step}`;
      st.put({ key: key(k), value: b(v) });
      m.write([{ put: [k, v] }]);
    } else if (dice < 45) {
      const a = r.pick(KEYS);
      const e = r.int(3) === 0 ? undefined : r.pick(KEYS);
      st.deleteRange({ key: key(a), rangeEnd: e === undefined ? undefined : key(e) });
      m.write([{ del: [a, e] }]);
    } else if (dice < 55) {
      // A txn of distinct puts.
      const ks = [...new Set(Array.from({ length: 1 + r.int(3) }, () => r.pick(KEYS)))];
      const ops: RequestOp[] = ks.map((k) => ({ requestPut: { key: key(k), value: b(`t${step}`) } }));
      st.txn({ success: ops });
      m.write(ks.map((k) => ({ put: [k, `t${step}`] as [string, string] })));
    } else if (dice < 58 && m.rev > 2) {
      const target = 1 + r.int(m.rev);
      try {
        st.compact({ revision: target });
        assert.ok(target > m.compacted && target <= m.rev, `compact ${target} should have failed`);
        m.compacted = target;
      } catch (e) {
        assert.ok(e instanceof EtcdError);
        assert.ok(target <= m.compacted, `compact ${target} failed: ${(e as Error).message}`);
      }
    } else if (dice < 60) {
      // Snapshot, restore, and carry on with the restored store (the watcher moves too).
      const before = st.hashKV();
      st = MvccStore.restore(st.snapshot(), 0);
      assert.deepEqual(st.hashKV(), before);
      const next = seen.length;
      watcher = st.watches.watch({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) }, (resp) => {
        seen.push(...resp.events.map(fmt));
      });
      watcher.start();
      assert.equal(seen.length, next);
    } else {
      const a = r.pick(KEYS);
      const e = r.int(4) === 0 ? undefined : r.pick(KEYS);
      const rev = 1 + r.int(m.rev + 1); // sometimes one in the future
      const limit = r.int(3) === 0 ? 1 + r.int(3) : 0;
      const req = { key: key(a), rangeEnd: e === undefined ? undefined : key(e), revision: rev, limit };
      if (rev > m.rev) {
        assert.throws(() => st.range(req), { message: 'etcdserver: mvcc: required revision is a future revision' });
      } else if (rev < m.compacted) {
        assert.throws(() => st.range(req), { message: 'etcdserver: mvcc: required revision has been compacted' });
      } else {
        const got = st.range(req);
        const want = m.range(a, e, rev);
        const cut = limit > 0 ? want.slice(0, limit) : want;
        assert.deepEqual(
          got.kvs.map((kv) => [unkey(kv.key), s(kv.value), kv.createRevision, kv.modRevision, kv.version]),
          cut.map(([k, x]) => [k, x.value, x.create, x.mod, x.version]),
          `seed ${seed} step ${step} range ${a}..${e} @${rev}`,
        );
        assert.equal(got.count, want.length);
        assert.equal(got.more, limit > 0 && want.length > limit);
      }
    }
    assert.equal(st.currentRevision, m.rev, `seed ${seed} step ${step}`);
  }
  assert.deepEqual(seen, m.events, `seed ${seed}: watch stream`);
  // A late watcher from just after the compaction point replays the same tail.
  const from = Math.max(m.compacted, 2);
  const tail: string[] = [];
  const late = st.watches.watch({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]), startRevision: from }, (resp) => {
    tail.push(...resp.events.map(fmt));
  });
  late.start();
  const want = m.events.filter((e) => Number(e.slice(e.lastIndexOf('@') + 1)) >= from);
  // Deletions at exactly the compaction revision are gone with it (as in etcd).
  assert.deepEqual(
    tail,
    want.filter((e) => !(e.startsWith('DELETE') && Number(e.slice(e.lastIndexOf('@') + 1)) === m.compacted)),
  );
}

describe('differential against a naive model', () => {
  for (const seed of [1, 2, 3, 42, 1234, 99991]) {
    it(`seed ${seed}`, () => runSeed(seed));
  }
});
