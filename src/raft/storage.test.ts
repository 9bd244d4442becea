import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage, ErrCompacted, ErrUnavailable, ErrSnapOutOfDate } from './storage.ts';
import type { Entry } from './types.ts';

const ent = (index: number, term: number, data = ''): Entry => ({ index, term, type: 'normal', data: new TextEncoder().encode(data) });

function storageWith(...ents: Entry[]): MemoryStorage {
  const s = new MemoryStorage();
  s.append(ents);
  return s;
}

test('MemoryStorage: entries, term, first and last index', () => {
  const s = storageWith(ent(1, 1), ent(2, 1), ent(3, 2));
  assert.equal(s.firstIndex(), 1);
  assert.equal(s.lastIndex(), 3);
  assert.equal(s.term(0), 0);
  assert.equal(s.term(3), 2);
  assert.throws(() => s.term(4), (e) => e === ErrUnavailable);
  assert.deepEqual(s.entries(2, 4).map((e) => e.index), [2, 3]);
  // A size limit still returns at least one entry.
  assert.deepEqual(s.entries(1, 4, 1).map((e) => e.index), [1]);
});

test('MemoryStorage: append truncates a conflicting suffix', () => {
  const s = storageWith(ent(1, 1), ent(2, 1), ent(3, 1));
  s.append([ent(2, 2), ent(3, 2), ent(4, 2)]);
  assert.deepEqual(s.entries(1, 5).map((e) => `${e.term}/${e.index}`), ['1/1', '2/2', '2/3', '2/4']);
  assert.throws(() => s.append([ent(7, 2)]), /missing log entry/);
});

test('MemoryStorage: compact, createSnapshot and applySnapshot', () => {
  const s = storageWith(ent(1, 1), ent(2, 1), ent(3, 2), ent(4, 3));
  const snap = s.createSnapshot(3, { voters: ['1', '2'], learners: [] }, new TextEncoder().encode('state'));
  assert.equal(snap.metadata.term, 2);
  assert.throws(() => s.createSnapshot(2, undefined, new Uint8Array()), (e) => e === ErrSnapOutOfDate);
  s.compact(3);
  assert.equal(s.firstIndex(), 4);
  assert.equal(s.term(3), 2);
  assert.throws(() => s.term(2), (e) => e === ErrCompacted);
  assert.throws(() => s.entries(3, 5), (e) => e === ErrCompacted);
  assert.throws(() => s.compact(2), (e) => e === ErrCompacted);
  // Entries already compacted are skipped on append.
  s.append([ent(2, 1), ent(3, 2), ent(4, 3), ent(5, 3)]);
  assert.equal(s.lastIndex(), 5);

  const t = new MemoryStorage();
  t.applySnapshot(snap);
  assert.equal(t.firstIndex(), 4);
  assert.equal(t.lastIndex(), 3);
  assert.deepEqual(t.initialState().confState, { voters: ['1', '2'], learners: [] });
  assert.throws(() => t.applySnapshot(snap), (e) => e === ErrSnapOutOfDate);
});
