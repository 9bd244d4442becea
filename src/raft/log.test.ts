import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RaftLog } from './log.ts';
import { MemoryStorage } from './storage.ts';
import type { Entry } from './types.ts';

const ent = (index: number, term: number): Entry => ({ index, term, type: 'normal', data: new Uint8Array() });

function logWith(terms: number[]): RaftLog {
  const s = new MemoryStorage();
  s.append(terms.map((t, i) => ent(i + 1, t)));
  return new RaftLog(s);
}

test('maybeAppend: accepts on matching prev entry, truncates conflicts, commits up to the last new entry', () => {
  const log = logWith([1, 1, 2]);
  // Mismatching prev term: rejected.
  assert.equal(log.maybeAppend(3, 1, 3, [ent(4, 3)]), undefined);
  // Conflict at 3: replaced, and commit is capped at the last new entry.
  assert.equal(log.maybeAppend(2, 1, 10, [ent(3, 3), ent(4, 3)]), 4);
  assert.deepEqual(log.allEntries().map((e) => e.term), [1, 1, 3, 3]);
  assert.equal(log.committed, 4);
  // An old, already present batch changes nothing.
  assert.equal(log.maybeAppend(1, 1, 2, [ent(2, 1)]), 2);
  assert.equal(log.lastIndex(), 4);
});

test('maybeAppend refuses to overwrite a committed entry', () => {
  const log = logWith([1, 1, 2]);
  log.commitTo(3);
  assert.throws(() => log.maybeAppend(2, 1, 3, [ent(3, 5)]), /conflicts with committed entry/);
});

test('findConflictByTerm skips whole terms (fast backtracking)', () => {
  const log = logWith([1, 1, 2, 2, 2, 4, 4]);
  assert.deepEqual(log.findConflictByTerm(7, 3), [5, 2]);
  assert.deepEqual(log.findConflictByTerm(7, 4), [7, 4]);
  assert.deepEqual(log.findConflictByTerm(5, 1), [2, 1]);
  assert.deepEqual(log.findConflictByTerm(4, 0), [0, 0]);
});

test('isUpToDate compares last term first, then length (§5.4.1)', () => {
  const log = logWith([1, 2, 2]);
  assert.equal(log.isUpToDate(3, 2), true);
  assert.equal(log.isUpToDate(2, 2), false);
  assert.equal(log.isUpToDate(1, 3), true);
  assert.equal(log.isUpToDate(10, 1), false);
});

test('maybeCommit only commits entries of the given term', () => {
  const log = logWith([1, 1, 2]);
  assert.equal(log.maybeCommit(2, 2), false);
  assert.equal(log.committed, 0);
  assert.equal(log.maybeCommit(3, 2), true);
  assert.equal(log.committed, 3);
});

test('nextEnts hands out committed, unapplied entries once applied advances', () => {
  const log = logWith([1, 1, 1]);
  log.commitTo(2);
  assert.deepEqual(log.nextEnts().map((e) => e.index), [1, 2]);
  log.appliedTo(2);
  assert.deepEqual(log.nextEnts(), []);
  assert.equal(log.hasNextEnts(), false);
});
