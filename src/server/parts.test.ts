// The server's small parts: frame validation, rate limits, scrollback, cookies, storage.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DataStore } from './data-store.ts';
import { parseClientFrame } from './frames.ts';
import { trimScrollback } from './lab-session.ts';
import { parseCookies } from './learner-cookie.ts';
import { RateLimiter } from './rate-limit.ts';

test('client frames: input and resize pass, anything else is refused with a reason', () => {
  assert.deepEqual(parseClientFrame('{"type":"input","data":"ls\\r"}'), { type: 'input', data: 'ls\r' });
  assert.deepEqual(parseClientFrame('{"type":"resize","cols":120,"rows":40}'), { type: 'resize', cols: 120, rows: 40 });
  assert.match((parseClientFrame('{') as { error: string }).error, /not JSON/);
  assert.match((parseClientFrame('[1]') as { error: string }).error, /unknown frame type/);
  assert.match((parseClientFrame('{"type":"input","data":5}') as { error: string }).error, /string "data"/);
  assert.match((parseClientFrame('{"type":"resize","cols":1.5,"rows":40}') as { error: string }).error, /integer cols/);
  assert.match((parseClientFrame('{"type":"resize","cols":80,"rows":100000}') as { error: string }).error, /rows/);
  assert.match((parseClientFrame('null') as { error: string }).error, /not an object/);
});

test('rate limiter: a burst is allowed, then tokens come back with time, per key', () => {
  let now = 0;
  const rl = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
  assert.deepEqual([rl.take('a'), rl.take('a'), rl.take('a'), rl.take('a')], [true, true, true, false]);
  assert.equal(rl.take('b'), true, 'another learner has their own bucket');
  now += 500;
  assert.equal(rl.take('a'), true, 'one token back after half a second');
  assert.equal(rl.take('a'), false);
  assert.equal(rl.take('a', 10), false, 'a cost above the burst never passes');
});

test('scrollback keeps the tail, cut at a line start', () => {
  assert.equal(trimScrollback('short', 100), 'short');
  const text = 'line-1\nline-2\nline-3\n';
  assert.equal(trimScrollback(text, 10), 'line-3\n');
  assert.ok(trimScrollback('x'.repeat(10_000), 100).length <= 100);
});

test('cookies: first value of a name wins, bad escapes are kept raw', () => {
  assert.deepEqual(parseCookies('a=1; b=two%20words; a=3; c=%E0%A4%A'), { a: '1', b: 'two words', c: '%E0%A4%A' });
  assert.deepEqual(parseCookies(undefined), {});
});

test('data store: progress, snapshots and tabs per learner; bad ids are refused; writes leave no temp files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hwlab-store-'));
  try {
    const store = new DataStore(dir);
    const learner = 'abcdefgh12345678';
    assert.deepEqual(store.readProgress(learner), { labs: {} });
    store.writeLabProgress(learner, '01-x', [{ id: 't', title: 'T', status: 'passed', message: 'ok', passedAt: 1 }]);
    assert.equal(store.readProgress(learner).labs['01-x']![0]!.status, 'passed');
    store.writeSnapshot(learner, '01-x', new Uint8Array([1, 2, 3]));
    assert.deepEqual([...store.readSnapshot(learner, '01-x')!], [1, 2, 3]);
    store.writeTabs(learner, '01-x', [{ id: '1', host: 'node-1' }]);
    assert.deepEqual(store.readTabs(learner, '01-x'), [{ id: '1', host: 'node-1' }]);
    store.dropLab(learner, '01-x');
    assert.equal(store.readSnapshot(learner, '01-x'), undefined);
    store.clearLabProgress(learner, '01-x');
    assert.deepEqual(store.readProgress(learner), { labs: {} });
    assert.throws(() => store.readProgress('../../etc'), /invalid learner id/);
    assert.throws(() => store.readSnapshot(learner, '../x'), /invalid lab id/);
    assert.deepEqual(readdirSync(path.join(dir, 'learners', learner)).filter((f) => f.includes('.tmp-')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
