// etcdctl lock and elect as programs on a sandbox host, against the host's own etcd: two
// concurrent `etcdctl lock` runs exclude each other until Ctrl-C (SIGINT) releases the first;
// the exec form runs a real sandbox command with ETCD_LOCK_KEY in its environment.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CollectingOutput, emptyInput } from '../../src/sandbox/io.ts';
import { installProgram } from '../../src/sandbox/programs.ts';
import { etcd } from '../../src/sandbox/commands/etcd.ts';
import { LEARNER_ENV } from '../../src/sandbox/commands/testing.ts';
import { createSandbox } from '../../src/sandbox/sandbox.ts';
import type { VirtualHost } from '../../src/sandbox/host.ts';
import type { RunningProcess } from '../../src/sandbox/types.ts';

interface Prog {
  out: CollectingOutput;
  err: CollectingOutput;
  proc: RunningProcess;
}

function startProgram(host: VirtualHost, argv: string[]): Prog {
  const r = host.resolveProgram(argv[0]!, { path: LEARNER_ENV.PATH, cwd: '/home/learner', cred: host.users.credentials('learner')! });
  if (!r.ok) throw new Error(`${argv[0]}: ${r.error}`);
  const out = new CollectingOutput();
  const err = new CollectingOutput();
  const proc = host.start({ command: r.command, argv, env: { ...LEARNER_ENV }, cwd: '/home/learner', cred: host.users.credentials('learner')!, stdin: emptyInput, stdout: out, stderr: err, ppid: 1 });
  return { out, err, proc };
}

async function until(what: string, pred: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`never: ${what}`);
}

describe('etcdctl lock and elect in the sandbox', () => {
  let host: VirtualHost;
  let server: RunningProcess;
  before(async () => {
    // Real timers: etcd's raft ticks and the session keep-alives run by themselves.
    const sb = createSandbox({ hosts: [{ name: 'node-1', ip: '10.0.0.11' }] });
    host = sb.host('node-1');
    for (const b of ['etcd', 'etcdctl']) installProgram(host.rootFs, `/usr/local/bin/${b}`, b, '3.6.4');
    const out = new CollectingOutput();
    server = host.start({ command: etcd, argv: ['etcd', '--data-dir', '/tmp/etcd-data'], env: {}, cwd: '/tmp', cred: host.users.credentials('root')!, stdin: emptyInput, stdout: out, stderr: out, ppid: 1 });
    await until('etcd serves', () => out.text().includes('ready to serve client requests'));
  });
  after(async () => {
    server.kill('SIGTERM');
    await server.exited;
  });

  const keys = async (prefix: string) => {
    const p = startProgram(host, ['etcdctl', 'get', '--prefix', '--keys-only', prefix]);
    await p.proc.exited;
    return p.out.text().split('\n').filter(Boolean);
  };

  it('the second lock prints its key only after the first is interrupted', async () => {
    const first = startProgram(host, ['etcdctl', 'lock', 'mylock']);
    await until('the first holds the lock', () => /^mylock\/[0-9a-f]+\n\n$/.test(first.out.text()));
    const second = startProgram(host, ['etcdctl', 'lock', 'mylock']);
    await until('the second is queued', async () => (await keys('mylock/')).length === 2);
    assert.equal(second.out.text(), '');
    first.proc.kill('SIGINT');
    assert.equal(await first.proc.exited, 0);
    await until('the second holds the lock', () => second.out.text() !== '');
    assert.match(second.out.text(), /^mylock\/[0-9a-f]+\n\n$/);
    assert.notEqual(second.out.text(), first.out.text());
    second.proc.kill('SIGINT');
    assert.equal(await second.proc.exited, 0);
    assert.deepEqual(await keys('mylock/'), []);
  });

  it('runs a command under the lock with ETCD_LOCK_KEY, and ends with its status', async () => {
    const p = startProgram(host, ['etcdctl', 'lock', 'job', '--', 'sh', '-c', 'echo "$ETCD_LOCK_KEY"; etcdctl get --prefix --keys-only job/; exit 4']);
    assert.equal(await p.proc.exited, 4);
    const [key, listed] = p.out.text().split('\n');
    assert.match(key!, /^job\/[0-9a-f]+$/);
    assert.equal(listed, key, 'the key exists while the command runs');
    assert.equal(p.err.text(), 'Error: exit status 4\n');
    assert.deepEqual(await keys('job/'), []);
  });

  it('elect: the second candidate leads after the first is interrupted', async () => {
    const one = startProgram(host, ['etcdctl', 'elect', 'ele', 'one']);
    await until('one leads', () => one.out.text() !== '');
    const two = startProgram(host, ['etcdctl', 'elect', 'ele', 'two']);
    await until('two is queued', async () => (await keys('ele/')).length === 2);
    assert.equal(two.out.text(), '');
    one.proc.kill('SIGINT');
    assert.equal(await one.proc.exited, 0);
    await until('two leads', () => two.out.text() !== '');
    assert.match(two.out.text(), /^ele\/[0-9a-f]+\ntwo\n$/);
    two.proc.kill('SIGINT');
    assert.equal(await two.proc.exited, 0);
  });
});
