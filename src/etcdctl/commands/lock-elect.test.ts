// etcdctl lock and elect against our etcd: a second lock waits until the first holder is
// interrupted; the exec form runs the command under the lock; a second candidate leads once
// the first resigns; `elect -l` prints each leader. Ordering is shown by the queue keys in
// etcd, never by timing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { realClock } from '../../platform/clock.ts';
import { NodeNetwork } from '../../platform/node-network.ts';
import { CollectingOutput, inputFrom } from '../../platform/streams.ts';
import { startTestEtcd, type RunningEtcd } from '../../etcd/api/test-helpers.ts';
import { runEtcdctl } from '../main.ts';
import { ctl, memoryFs } from '../test-support.ts';

let etcd: RunningEtcd;
before(async () => {
  etcd = await startTestEtcd();
});
after(() => etcd.stop());

interface Running {
  stdout: CollectingOutput;
  stderr: CollectingOutput;
  interrupt(): void;
  exited: Promise<number>;
}

function start(argv: string[], exec?: (argv: string[], env: Record<string, string>) => Promise<number>): Running {
  const ac = new AbortController();
  const stdout = new CollectingOutput();
  const stderr = new CollectingOutput();
  const exited = runEtcdctl({
    argv: [`--endpoints=${etcd.url}`, ...argv],
    env: { PATH: '/usr/bin:/bin' },
    stdin: inputFrom(''),
    stdout,
    stderr,
    net: new NodeNetwork(),
    fs: memoryFs({}),
    signal: ac.signal,
    clock: realClock,
    cwd: '/',
    ...(exec ? { exec } : {}),
  });
  return { stdout, stderr, interrupt: () => ac.abort('SIGINT'), exited };
}

/** Polls (bounded) until pred holds; the bound is a safety net, not a timing assertion. */
async function until(what: string, pred: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`never: ${what}`);
}

async function keys(prefix: string): Promise<string[]> {
  const r = await ctl([`--endpoints=${etcd.url}`, 'get', '--prefix', '--keys-only', prefix]);
  return r.stdout.split('\n').filter(Boolean);
}

describe('etcdctl lock', () => {
  it('a second lock on the same name prints its key only after the first is interrupted', async () => {
    const first = start(['lock', 'mylock']);
    await until('the first holds the lock', () => /^mylock\/[0-9a-f]+\n\n$/.test(first.stdout.text()));
    const firstKey = first.stdout.text().split('\n')[0]!;

    const second = start(['lock', 'mylock']);
    await until('the second is queued', async () => (await keys('mylock/')).length === 2);
    assert.equal(second.stdout.text(), '', 'the second waits while the first holds the lock');

    first.interrupt();
    assert.equal(await first.exited, 0);
    assert.equal(first.stderr.text(), '');
    await until('the second holds the lock', () => second.stdout.text() !== '');
    const secondKey = second.stdout.text().split('\n')[0]!;
    assert.match(second.stdout.text(), /^mylock\/[0-9a-f]+\n\n$/);
    assert.notEqual(secondKey, firstKey);
    assert.deepEqual(await keys('mylock/'), [secondKey]);

    second.interrupt();
    assert.equal(await second.exited, 0);
    assert.deepEqual(await keys('mylock/'), []);
  });

  it('interrupted while waiting: leaves the queue, "context canceled", status 1', async () => {
    const holder = start(['lock', 'busy']);
    await until('held', () => holder.stdout.text() !== '');
    const waiter = start(['lock', 'busy']);
    await until('queued', async () => (await keys('busy/')).length === 2);
    waiter.interrupt();
    assert.equal(await waiter.exited, 1);
    // Interrupted during one of its unary calls (the Range before the watch), clientv3's
    // retry interceptor logs the canceled attempt first, as the real etcdctl does.
    const lines = waiter.stderr.text().split('\n');
    assert.deepEqual(lines.slice(-2), ['Error: context canceled', ''], waiter.stderr.text());
    for (const l of lines.slice(0, -2)) assert.match(l, /"msg":"retrying of unary invoker failed".*"error":"rpc error: code = Canceled desc = context canceled"/);
    assert.equal(waiter.stdout.text(), '');
    assert.deepEqual(await keys('busy/'), [holder.stdout.text().split('\n')[0]]);
    holder.interrupt();
    assert.equal(await holder.exited, 0);
  });

  it('runs the command with ETCD_LOCK_KEY and ETCD_LOCK_REV, releases after it, ends with its status', async () => {
    const seen: { argv: string[]; env: Record<string, string>; held: string[] }[] = [];
    const r = start(['lock', '--ttl', '5', 'job', '--', '/bin/sh', '-c', 'exit 3'], async (argv, env) => {
      seen.push({ argv, env, held: await keys('job/') });
      return 3;
    });
    assert.equal(await r.exited, 3);
    assert.equal(r.stderr.text(), 'Error: exit status 3\n');
    assert.equal(r.stdout.text(), '');
    const call = seen[0]!;
    assert.deepEqual(call.argv, ['/bin/sh', '-c', 'exit 3']);
    assert.match(call.env.ETCD_LOCK_KEY!, /^job\/[0-9a-f]+$/);
    assert.match(call.env.ETCD_LOCK_REV!, /^[1-9]\d*$/);
    assert.equal(call.env.PATH, '/usr/bin:/bin');
    assert.deepEqual(call.held, [call.env.ETCD_LOCK_KEY], 'the command runs while the lock is held');
    assert.deepEqual(await keys('job/'), [], 'released when the command exits');

    const ok = start(['lock', 'job', '/bin/true'], async () => 0);
    assert.equal(await ok.exited, 0);
    assert.equal(ok.stderr.text(), '');
  });

  it('a command not in $PATH is Go exec\'s error', async () => {
    const r = start(['lock', 'job', 'nosuchcmd'], async () => 127);
    assert.equal(await r.exited, 1);
    assert.equal(r.stderr.text(), 'Error: exec: "nosuchcmd": executable file not found in $PATH\n');
    assert.deepEqual(await keys('job/'), []);
  });

  it('needs a lock name', async () => {
    const r = await ctl([`--endpoints=${etcd.url}`, 'lock']);
    assert.equal(r.status, 128);
    assert.equal(r.stderr, 'Error: lock takes a lock name argument and an optional command to execute\n');
  });
});

describe('etcdctl elect', () => {
  it('the second candidate leads once the first resigns; -l prints each leader', async () => {
    const observer = start(['elect', '-l', 'ele']);
    const one = start(['elect', 'ele', 'one']);
    await until('the first leads', () => /^ele\/[0-9a-f]+\none\n$/.test(one.stdout.text()));
    const oneKey = one.stdout.text().split('\n')[0]!;
    await until('the observer saw it', () => observer.stdout.text() === one.stdout.text());

    const two = start(['elect', 'ele', 'two']);
    await until('the second is queued', async () => (await keys('ele/')).length === 2);
    assert.equal(two.stdout.text(), '');

    one.interrupt();
    assert.equal(await one.exited, 0);
    await until('the second leads', () => two.stdout.text() !== '');
    assert.match(two.stdout.text(), /^ele\/[0-9a-f]+\ntwo\n$/);
    assert.notEqual(two.stdout.text().split('\n')[0], oneKey);
    await until('the observer saw the change', () => observer.stdout.text() === one.stdout.text() + two.stdout.text());

    // The observer now watches the leader's key (it has printed it): Ctrl-C ends it cleanly.
    observer.interrupt();
    assert.equal(await observer.exited, 0);
    assert.equal(observer.stderr.text(), '');
    two.interrupt();
    assert.equal(await two.exited, 0);
    assert.deepEqual(await keys('ele/'), []);
  });

  it('checks its arguments as etcdctl does', async () => {
    const ep = `--endpoints=${etcd.url}`;
    const cases: [string[], string][] = [
      [['elect'], 'elect takes one election name argument and an optional proposal argument'],
      [['elect', 'x'], 'no proposal argument but -l not set'],
      [['elect', '-l', 'x', 'y'], 'proposal given but -l is set'],
    ];
    for (const [argv, msg] of cases) {
      const r = await ctl([ep, ...argv]);
      assert.equal(r.status, 128);
      assert.equal(r.stderr, `Error: ${msg}\n`);
    }
  });
});
