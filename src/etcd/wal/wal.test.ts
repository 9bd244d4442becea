import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import { SimClock } from '../../platform/sim-clock.ts';
import { Logger } from '../log.ts';
import { Wal, WalError, walName } from './wal.ts';
import { Snapshotter } from './snap.ts';
import type { Entry } from '../../raft/types.ts';

const dir = '/data/member/wal';
const enc = new TextEncoder();
const entry = (index: number, term: number, text = `v${index}`): Entry => ({ index, term, type: 'normal', data: enc.encode(text) });

function setup() {
  const fs = new SimFileSystem();
  const lines: string[] = [];
  const log = new Logger({ write: (l) => lines.push(l) }, new SimClock());
  return { fs, log, lines };
}

test('round trip: entries, hard state and metadata read back', () => {
  const { fs, log } = setup();
  const w = Wal.create(fs, dir, { nodeId: '8e9e05c52164694d', clusterId: 'cdf818194e3a8c32' }, log);
  w.save({ term: 1, vote: '8e9e05c52164694d', commit: 0 }, [entry(1, 1), entry(2, 1)], true);
  w.save({ term: 2, vote: '8e9e05c52164694d', commit: 2 }, [entry(3, 2)], true);
  assert.ok(fs.exists(`${dir}/${walName(0, 0)}`));
  const { contents } = Wal.open(fs, dir, { index: 0, term: 0 }, log);
  assert.deepEqual(contents.metadata, { nodeId: '8e9e05c52164694d', clusterId: 'cdf818194e3a8c32' });
  assert.deepEqual(contents.hardState, { term: 2, vote: '8e9e05c52164694d', commit: 2 });
  assert.deepEqual(contents.entries.map((e) => e.index), [1, 2, 3]);
});

test('a rewritten index replaces the old suffix (raft log truncation)', () => {
  const { fs, log } = setup();
  const w = Wal.create(fs, dir, { nodeId: 'a', clusterId: 'b' }, log);
  w.save(undefined, [entry(1, 1), entry(2, 1), entry(3, 1)], true);
  w.save(undefined, [entry(2, 2, 'new')], true);
  const { contents } = Wal.open(fs, dir, { index: 0, term: 0 }, log);
  assert.deepEqual(contents.entries.map((e) => `${e.index}/${e.term}`), ['1/1', '2/2']);
});

test('crash keeps what was fsynced and drops the rest', () => {
  const { fs, log } = setup();
  const w = Wal.create(fs, dir, { nodeId: 'a', clusterId: 'b' }, log);
  w.save({ term: 1, vote: 'a', commit: 1 }, [entry(1, 1)], true);
  w.save({ term: 1, vote: 'a', commit: 2 }, [entry(2, 1)], false);
  fs.crash();
  const { contents } = Wal.open(fs, dir, { index: 0, term: 0 }, log);
  assert.deepEqual(contents.entries.map((e) => e.index), [1]);
  assert.equal(contents.hardState.commit, 1);
});

test('a torn tail is cut off and logged like etcd, and the log stays writable', () => {
  const { fs, log, lines } = setup();
  const w = Wal.create(fs, dir, { nodeId: 'a', clusterId: 'b' }, log);
  w.save(undefined, [entry(1, 1), entry(2, 1)], true);
  const path = `${dir}/${walName(0, 0)}`;
  const full = fs.readFile(path);
  fs.writeFile(path, full.slice(0, full.length - 5));
  const { wal, contents } = Wal.open(fs, dir, { index: 0, term: 0 }, log);
  assert.deepEqual(contents.entries.map((e) => e.index), [1]);
  assert.ok(lines.some((l) => JSON.parse(l).msg === 'repairing'));
  assert.ok(lines.some((l) => JSON.parse(l).msg === 'repaired WAL'));
  wal.save(undefined, [entry(2, 1, 'again')], true);
  const again = Wal.open(fs, dir, { index: 0, term: 0 }, log).contents;
  assert.deepEqual(again.entries.map((e) => e.index), [1, 2]);
});

test('corruption in the middle is refused, not silently dropped', () => {
  const { fs, log } = setup();
  const w = Wal.create(fs, dir, { nodeId: 'a', clusterId: 'b' }, log);
  w.save(undefined, [entry(1, 1, 'x'.repeat(50)), entry(2, 1), entry(3, 1)], true);
  const path = `${dir}/${walName(0, 0)}`;
  const data = fs.readFile(path);
  data[120] = data[120]! ^ 0xff;
  fs.writeFile(path, data);
  assert.throws(() => Wal.open(fs, dir, { index: 0, term: 0 }, log), WalError);
});

test('segments are cut, linked by crc, and released after a snapshot', () => {
  const { fs, log } = setup();
  const w = Wal.create(fs, dir, { nodeId: 'a', clusterId: 'b' }, log, 200);
  for (let i = 1; i <= 20; i++) w.save({ term: 1, vote: 'a', commit: i }, [entry(i, 1, 'y'.repeat(30))], true);
  assert.ok(fs.readdir(dir).length > 3);
  const all = Wal.open(fs, dir, { index: 0, term: 0 }, log, 200).contents;
  assert.equal(all.entries.length, 20);
  w.saveSnapshot({ index: 15, term: 1 });
  w.releaseTo(15);
  const after = Wal.open(fs, dir, { index: 15, term: 1 }, log, 200).contents;
  assert.deepEqual(after.entries.map((e) => e.index), [16, 17, 18, 19, 20]);
});

test('snapshots: newest intact file wins, a damaged one is set aside', () => {
  const { fs, log } = setup();
  const s = new Snapshotter(fs, '/data/member/snap', log);
  s.save({ data: enc.encode('one'), metadata: { index: 5, term: 1, confState: { voters: ['a'], learners: [] } } });
  s.save({ data: enc.encode('two'), metadata: { index: 9, term: 2, confState: { voters: ['a'], learners: [] } } });
  const newest = s.names()[0]!;
  const p = `/data/member/snap/${newest}`;
  const d = fs.readFile(p);
  d[d.length - 1] = 0;
  fs.writeFile(p, d);
  const got = s.loadNewest();
  assert.equal(got?.metadata.index, 5);
  assert.ok(fs.exists(p + '.broken'));
});
