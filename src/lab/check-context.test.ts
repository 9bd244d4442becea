// The check helpers against a real host and our real etcd, started as a process on it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CollectingOutput, emptyInput } from '../sandbox/io.ts';
import { etcd } from '../sandbox/commands/etcd.ts';
import { createRegistry } from '../sandbox/programs.ts';
import { builtinPrograms } from '../sandbox/registry.ts';
import { createSandbox } from '../sandbox/sandbox.ts';
import { createCheckContext } from './check-context.ts';
import { prefixEnd } from './etcd-probe.ts';
import { labSandboxFrom } from './sandbox-provider.ts';
import { virtualHttp } from './virtual-http.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function withEtcd(fn: (ctx: ReturnType<typeof createCheckContext>, put: (k: string, v: string) => Promise<void>, del: (k: string, prefix?: boolean) => Promise<void>) => Promise<void>) {
  const programs = createRegistry([...builtinPrograms.values(), etcd]);
  const sandbox = createSandbox({ hosts: [{ name: 'node-1', ip: '10.0.0.11' }], programs });
  const host = sandbox.host('node-1');
  const lab = labSandboxFrom(sandbox);
  const cred = host.users.credentials('learner')!;
  const log = new CollectingOutput();
  const proc = host.start({ command: etcd, argv: ['etcd'], env: { HOME: '/home/learner' }, cwd: '/home/learner', cred, stdin: emptyInput, stdout: log, stderr: log, ppid: 1 });
  try {
    const ctx = createCheckContext(lab);
    for (let i = 0; i < 100; i++) {
      if (log.text().includes('ready to serve client requests')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const post = async (path: string, body: unknown) => {
      const r = await virtualHttp(host.network, { method: 'POST', url: `http://127.0.0.1:2379${path}`, body: JSON.stringify(body) });
      assert.ok(r.ok && r.response.status === 200, `${path}: ${JSON.stringify(r)}`);
    };
    await fn(
      ctx,
      (k, v) => post('/v3/kv/put', { key: b64(k), value: b64(v) }),
      (k, prefix) => post('/v3/kv/deleterange', { key: b64(k), ...(prefix ? { range_end: Buffer.from(prefixEnd(k), 'latin1').toString('base64') } : {}) }),
    );
  } finally {
    proc.kill('SIGKILL');
    lab.dispose();
  }
}

test('files: existence, content, owner and mode, read as root sees them', async () => {
  const sandbox = createSandbox({ hosts: [{ name: 'node-1', ip: '10.0.0.11' }] });
  const lab = labSandboxFrom(sandbox);
  try {
    const ctx = createCheckContext(lab);
    sandbox.host('node-1').rootFs.writeFile('/etc/secret.conf', 'x=1\n', { mode: 0o600 });
    const f = ctx.file('/etc/secret.conf');
    assert.equal(f.exists, true);
    assert.equal(f.content, 'x=1\n');
    assert.equal(f.owner, 'root');
    assert.equal(f.stat!.mode & 0o777, 0o600);
    assert.equal(ctx.file('/home/learner').stat!.type, 'dir');
    assert.equal(ctx.file('/home/learner').owner, 'learner');
    assert.deepEqual(ctx.file('/nope'), { path: '/nope', exists: false });
    assert.throws(() => ctx.host('node-9'), /no host named node-9/);
  } finally {
    lab.dispose();
  }
});

test('processes, /health over the virtual network, keys by prefix and by revision, history', async () => {
  await withEtcd(async (ctx, put, del) => {
    assert.equal(ctx.processes('etcd').length, 1);
    assert.deepEqual(ctx.processes('etcdctl'), []);
    const health = await ctx.http('http://127.0.0.1:2379/health');
    assert.ok(health.ok, JSON.stringify(health));
    assert.match(health.response.body, /"health":"true"/);
    const closed = await ctx.http('http://127.0.0.1:2999/health');
    assert.equal(closed.ok, false);
    assert.match((closed as { error: string }).error, /connection refused/);

    await put('foo', 'bar'); // rev 2
    await put('foo', 'baz'); // rev 3
    await put('/foo', 'a'); // rev 4
    await put('/foo/bar', 'b'); // rev 5
    await put('/fop', 'not under /foo');
    const probe = ctx.etcd();
    const now = await probe.get('foo');
    assert.ok(now.ok);
    assert.equal(now.value.kvs[0]!.value, 'baz');
    assert.equal(now.value.kvs[0]!.version, 2);
    const old = await probe.get('foo', { revision: 2 });
    assert.ok(old.ok);
    assert.equal(old.value.kvs[0]!.value, 'bar');
    const tree = await probe.get('/foo', { prefix: true });
    assert.ok(tree.ok);
    assert.deepEqual(tree.value.kvs.map((kv) => kv.key), ['/foo', '/foo/bar']);

    await del('/foo', true);
    const gone = await probe.get('/foo', { prefix: true });
    assert.ok(gone.ok && gone.value.kvs.length === 0);
    const hist = await probe.history('/foo/bar');
    assert.ok(hist.ok);
    assert.deepEqual(hist.value.values.map((v) => [v.value, v.modRevision]), [['b', 5]]);
    const fooHist = await probe.history('foo');
    assert.ok(fooHist.ok);
    assert.deepEqual(fooHist.value.values.map((v) => v.value), ['baz', 'bar']);
    const start = ctx.events().find((e) => e.type === 'process-start' && (e.data.argv as string[])[0] === 'etcd');
    assert.ok(start, 'the event log has the etcd process start');
  });
});
