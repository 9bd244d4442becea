import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoltError, checkBolt, openBolt, writeBolt, type BoltBucket } from './index.ts';
import { fnv64a } from './layout.ts';

const enc = new TextEncoder();
const b = (s: string) => enc.encode(s);
const str = (u: Uint8Array) => new TextDecoder().decode(u);

function plain(bucket: BoltBucket): unknown {
  return bucket.entries.map((e) => [str(e.key), e.bucket ? plain(e.bucket) : str(e.value)]);
}

test('a written file reads back: buckets, keys and values in byte order, sequences kept', () => {
  const root: BoltBucket = {
    sequence: 0n,
    entries: [
      { key: b('meta'), bucket: { sequence: 7n, entries: [{ key: b('z'), value: b('1') }, { key: b('a'), value: b('') }] } },
      { key: b('empty'), bucket: { sequence: 0n, entries: [] } },
    ],
  };
  const file = writeBolt(root);
  const { db, errors } = checkBolt(file);
  assert.deepEqual(errors, []);
  assert.equal(db.pageSize, 4096);
  assert.equal(file.length, db.size);
  assert.deepEqual(plain(db.root), [
    ['empty', []],
    ['meta', [['a', ''], ['z', '1']]],
  ]);
  assert.equal(db.root.entries[1]!.bucket!.sequence, 7n);
  // Two small inline buckets: the whole file is the two metas and the root leaf.
  assert.equal(file.length, 3 * 4096);
});

test('a big bucket spreads over leaf and branch pages; values larger than a page overflow', () => {
  const entries = [];
  for (let i = 0; i < 5000; i++) entries.push({ key: b(`k${String(i).padStart(6, '0')}`), value: b('v'.repeat(i % 50)) });
  entries.push({ key: b('zbig'), value: new Uint8Array(20_000).fill(7) });
  const file = writeBolt({ sequence: 0n, entries: [{ key: b('key'), bucket: { sequence: 0n, entries } }] });
  const { db, errors } = checkBolt(file);
  assert.deepEqual(errors, []);
  const got = db.root.entries[0]!.bucket!.entries;
  assert.equal(got.length, 5001);
  assert.equal(str(got[1234]!.key), 'k001234');
  assert.equal(got[1234]!.value!.length, 1234 % 50);
  assert.equal(got[5000]!.value!.length, 20_000);
  assert.ok(file.length > 40 * 4096);
});

test('a corrupt meta falls back to the other; both corrupt is bbolt\'s error', () => {
  const file = writeBolt({ sequence: 0n, entries: [{ key: b('x'), bucket: { sequence: 0n, entries: [{ key: b('k'), value: b('v') }] } }] });
  const one = file.slice();
  one[40] = one[40]! ^ 0xff; // inside meta 0: its checksum no longer matches
  assert.deepEqual(plain(openBolt(one).root), [['x', [['k', 'v']]]]);
  const both = one.slice();
  both[4096 + 40] = both[4096 + 40]! ^ 0xff;
  assert.throws(() => openBolt(both), (e: unknown) => e instanceof BoltError && e.message === 'checksum error');
  assert.throws(() => openBolt(new Uint8Array(8192).fill(3)), (e: unknown) => e instanceof BoltError && e.message === 'invalid database');
  assert.throws(() => openBolt(b('short')), /invalid database/);
});

test("check reports a page nothing reaches when the file has a freelist, as bbolt's tx.Check does", () => {
  const file = writeBolt({ sequence: 0n, entries: [{ key: b('x'), bucket: { sequence: 0n, entries: [] } }] }, { freelist: true });
  assert.deepEqual(checkBolt(file).errors, []);
  // Grow the high-water mark by one page nobody uses: bbolt says "unreachable unfreed".
  const grown = new Uint8Array(file.length + 4096);
  grown.set(file);
  const dv = new DataView(grown.buffer);
  for (const off of [0, 4096]) dv.setBigUint64(off + 16 + 40, BigInt(file.length / 4096 + 1), true);
  // Re-sign the metas as bbolt would.
  for (const off of [0, 4096]) dv.setBigUint64(off + 16 + 56, fnv64a(grown.subarray(off + 16, off + 16 + 56)), true);
  assert.deepEqual(checkBolt(grown).errors, [`page ${file.length / 4096}: unreachable unfreed`]);
});
