// The REAL etcdctl 3.4's `lock` and `elect` (clientv3/concurrency over gRPC) against our etcd,
// side by side with our etcdctl (the same recipes over the gateway): each excludes the other.
// Order is shown by the queue keys in etcd, never by timing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realClock } from '../../src/platform/clock.ts';
import { NodeNetwork } from '../../src/platform/node-network.ts';
import { NodeFileSystem } from '../../src/platform/node-fs.ts';
import { CollectingOutput, inputFrom } from '../../src/platform/streams.ts';
import { runEtcdctl } from '../../src/etcdctl/main.ts';
import { freePort, missingRealTools, REAL_ETCDCTL, startOurEtcd, startRealEtcdctl, type OurEtcd } from './support.ts';

const missing = missingRealTools([REAL_ETCDCTL]).length ? `not installed: ${REAL_ETCDCTL}` : undefined;

interface Proc {
  out(): string;
  err(): string;
  interrupt(): void;
  exited: Promise<number>;
}

/** The real one, left running until interrupted; killed after a minute should a test fail first. */
function realEtcdctl(endpoint: string, args: string[]): Proc {
  const p = startRealEtcdctl([`--endpoints=${endpoint}`, ...args], { boundMs: 60_000 });
  return { out: p.stdout, err: p.stderr, interrupt: p.interrupt, exited: p.exited.then((o) => o.status) };
}

function ourEtcdctl(endpoint: string, args: string[]): Proc {
  const ac = new AbortController();
  const stdout = new CollectingOutput();
  const stderr = new CollectingOutput();
  const exited = runEtcdctl({
    argv: [`--endpoints=${endpoint}`, ...args],
    env: {},
    stdin: inputFrom(''),
    stdout,
    stderr,
    net: new NodeNetwork(),
    fs: new NodeFileSystem(),
    signal: ac.signal,
    clock: realClock,
    cwd: '/',
  });
  return { out: () => stdout.text(), err: () => stderr.text(), interrupt: () => ac.abort('SIGINT'), exited };
}

async function until(what: string, pred: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`never: ${what}`);
}

describe('the real etcdctl lock and elect against our etcd', { skip: missing ?? false }, () => {
  let etcd: OurEtcd;
  let endpoint = '';
  let dir = '';
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-elect-'));
    const client = await freePort();
    const peer = await freePort();
    endpoint = `127.0.0.1:${client}`;
    etcd = await startOurEtcd([`--data-dir=${path.join(dir, 'data')}`, `--listen-client-urls=http://${endpoint}`, `--advertise-client-urls=http://${endpoint}`, `--listen-peer-urls=http://127.0.0.1:${peer}`], dir);
  });
  after(async () => {
    await etcd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const keys = async (prefix: string): Promise<string[]> => {
    const p = ourEtcdctl(endpoint, ['get', '--prefix', '--keys-only', prefix]);
    await p.exited;
    return p.out().split('\n').filter(Boolean);
  };

  it('the real lock holds; ours waits, and gets the lock when the real one is interrupted', async () => {
    const real = realEtcdctl(endpoint, ['lock', 'mylock']);
    await until('the real etcdctl holds the lock', () => /^mylock\/[0-9a-f]+\n\n$/.test(real.out()));
    const ours = ourEtcdctl(endpoint, ['lock', 'mylock']);
    await until('ours is queued', async () => (await keys('mylock/')).length === 2);
    assert.equal(ours.out(), '');
    real.interrupt();
    assert.equal(await real.exited, 0, real.err());
    await until('ours holds the lock', () => ours.out() !== '');
    assert.match(ours.out(), /^mylock\/[0-9a-f]+\n\n$/);
    assert.notEqual(ours.out(), real.out());

    // And the other way round: the real one waits behind ours.
    const real2 = realEtcdctl(endpoint, ['lock', 'mylock']);
    await until('the real one is queued', async () => (await keys('mylock/')).length === 2);
    assert.equal(real2.out(), '');
    ours.interrupt();
    assert.equal(await ours.exited, 0);
    await until('the real one holds the lock', () => real2.out() !== '');
    assert.match(real2.out(), /^mylock\/[0-9a-f]+\n\n$/);
    real2.interrupt();
    assert.equal(await real2.exited, 0, real2.err());
    assert.deepEqual(await keys('mylock/'), []);
  });

  it('ours leads an election; the real candidate leads after ours resigns; the real observer prints both', async () => {
    const ours = ourEtcdctl(endpoint, ['elect', 'ele', 'ours']);
    await until('ours leads', () => /^ele\/[0-9a-f]+\nours\n$/.test(ours.out()));
    const observer = realEtcdctl(endpoint, ['elect', '-l', 'ele']);
    await until('the real observer saw ours', () => observer.out() === ours.out());
    const real = realEtcdctl(endpoint, ['elect', 'ele', 'real']);
    await until('the real candidate is queued', async () => (await keys('ele/')).length === 2);
    assert.equal(real.out(), '');
    ours.interrupt();
    assert.equal(await ours.exited, 0);
    await until('the real candidate leads', () => real.out() !== '');
    assert.match(real.out(), /^ele\/[0-9a-f]+\nreal\n$/);
    await until('the real observer saw the change', () => observer.out() === ours.out() + real.out());
    observer.interrupt();
    real.interrupt();
    assert.equal(await observer.exited, 0, observer.err());
    assert.equal(await real.exited, 0, real.err());
  });
});
