import assert from 'node:assert/strict';
import { describe, it, after } from 'node:test';
import { realClock } from '../../platform/clock.ts';
import { installProgram } from '../programs.ts';
import { CollectingOutput, emptyInput } from '../io.ts';
import type { SimClock } from '../../platform/sim-clock.ts';
import { run, testSandbox } from './testing.ts';
import { TermHarness } from '../shell/testing/term-harness.ts';

describe('etcdctl on a virtual host', () => {
  const sb = testSandbox([{ name: 'node-1', ip: '10.0.0.11' }], realClock as unknown as SimClock);
  const h = sb.host('node-1');
  for (const n of ['etcd', 'etcdctl', 'etcdutl']) installProgram(h.rootFs, `/usr/local/bin/${n}`, n, 'v3.6.4');
  after(() => sb.dispose());

  it('reports the version of the installed file', async () => {
    assert.equal((await run(h, 'etcdctl version')).stdout, 'etcdctl version: 3.6.4\nAPI version: 3.6\n');
    assert.equal((await run(h, 'etcdutl version')).stdout, 'etcdutl version: 3.6.4\nAPI version: 3.6\n');
    installProgram(h.rootFs, '/usr/local/bin/etcdctl', 'etcdctl', 'v3.5.21');
    assert.equal((await run(h, 'etcdctl version')).stdout, 'etcdctl version: 3.5.21\nAPI version: 3.5\n');
    installProgram(h.rootFs, '/usr/local/bin/etcdctl', 'etcdctl', 'v3.6.4');
  });

  it('with nothing listening, gives up after the command timeout', async () => {
    const r = await run(h, 'etcdctl --command-timeout=200ms get foo');
    assert.equal(r.status, 1);
    assert.ok(r.stderr.endsWith('Error: context deadline exceeded\n'), r.stderr);
    assert.ok(r.stderr.includes('dial tcp 127.0.0.1:2379: connect: connection refused'), r.stderr);
  });

  it('talks to our etcd over the virtual network: put, get, prefixes, history, status', async () => {
    const cred = h.users.credentials('learner')!;
    const prog = h.resolveProgram('etcd', { path: '/usr/local/bin', cwd: '/home/learner', cred });
    assert.ok(prog.ok);
    const log = new CollectingOutput();
    const etcd = h.start({ command: prog.command, argv: ['etcd'], env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/home/learner' }, cwd: '/home/learner', cred, stdin: emptyInput, stdout: log, stderr: log, ppid: 1 });
    try {
      let ready = false;
      for (let i = 0; i < 50 && !ready; i++) {
        ready = (await run(h, 'etcdctl endpoint health')).status === 0;
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(ready, log.text());
      assert.equal((await run(h, 'etcdctl put foo bar')).stdout, 'OK\n');
      assert.equal((await run(h, 'etcdctl get foo --print-value-only')).stdout, 'bar\n');
      for (const [k, v] of [['/foo', 'bar'], ['/foo/bar', 'baz'], ['/foo/bar/baz', 'bat']]) await run(h, ['etcdctl', 'put', k!, v!]);
      assert.equal((await run(h, 'etcdctl get --prefix /foo --keys-only')).stdout, '/foo\n\n/foo/bar\n\n/foo/bar/baz\n\n');
      assert.equal((await run(h, 'etcdctl put foo baz')).stdout, 'OK\n');
      assert.equal((await run(h, 'etcdctl get foo --rev=2 --print-value-only')).stdout, 'bar\n');
      assert.equal((await run(h, 'etcdctl del --prefix /foo')).stdout, '3\n');
      const json = JSON.parse((await run(h, 'etcdctl get foo -w json')).stdout) as { kvs: { key: string; value: string }[] };
      assert.equal(Buffer.from(json.kvs[0]!.value, 'base64').toString(), 'baz');
      const status = await run(h, 'etcdctl endpoint status -w table');
      assert.match(status.stdout, /\| 127\.0\.0\.1:2379 \| [0-9a-f]+ \|   3\.6\.4 \|/);
      const curl = await run(h, 'curl -s http://127.0.0.1:2379/health');
      assert.equal(JSON.parse(curl.stdout).health, 'true');

      // In a terminal, the password prompts of user add do not echo what is typed.
      const t = new TermHarness(h);
      await t.session.ready;
      const from = t.raw.length;
      t.send('etcdctl user add root\r');
      await t.waitFor(/Password of root: $/, from);
      t.send('hunter2\r');
      await t.waitFor(/Type password of root again for confirmation: $/, from);
      t.send('hunter2\r');
      const screen = await t.waitFor(/User root created\n.*\$ $/, from);
      assert.doesNotMatch(screen, /hunter2/);
      assert.match((await run(h, 'etcdctl user get root')).stdout, /^User: root\n/);
      t.session.close();
    } finally {
      etcd.kill('SIGTERM');
      await etcd.exited;
    }
  });
});
