// etcd as a program on virtual hosts: three hosts form a cluster over the virtual network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { CollectingOutput, emptyInput } from '../io.ts';
import { createRegistry } from '../programs.ts';
import { builtinPrograms } from '../registry.ts';
import { createSandbox } from '../sandbox.ts';
import type { Network } from '../../platform/network.ts';
import { etcd } from './etcd.ts';

function post(net: Network, url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        method: 'POST',
        host: u.hostname,
        port: Number(u.port),
        path: u.pathname,
        createConnection: ((_o: unknown, cb: (e: Error | null, s?: Duplex) => void) => {
          net.connect({ host: u.hostname, port: Number(u.port) }).then((s) => cb(null, s), (e: Error) => cb(e));
        }) as never,
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test('three virtual hosts run an etcd cluster; version comes from the installed file', { timeout: 30_000 }, async () => {
  const programs = createRegistry([...builtinPrograms.values(), etcd]);
  const hosts = [
    { name: 'node-1', ip: '10.0.0.11' },
    { name: 'node-2', ip: '10.0.0.12' },
    { name: 'node-3', ip: '10.0.0.13' },
  ];
  const sandbox = createSandbox({ hosts, programs });
  const cluster = hosts.map((h) => `${h.name}=http://${h.ip}:2380`).join(',');
  const procs = hosts.map((h) => {
    const host = sandbox.host(h.name);
    const out = new CollectingOutput();
    const cred = host.users.credentials('root')!;
    const argv = [
      'etcd', '--name', h.name, '--data-dir', '/var/lib/etcd',
      '--listen-peer-urls', `http://${h.ip}:2380`, '--initial-advertise-peer-urls', `http://${h.ip}:2380`,
      '--listen-client-urls', `http://${h.ip}:2379,http://127.0.0.1:2379`, '--advertise-client-urls', `http://${h.ip}:2379`,
      '--initial-cluster', cluster,
    ];
    const proc = host.start({ command: { ...etcd, run: (ctx) => etcd.run({ ...ctx, programVersion: 'v3.6.2' }) }, argv, env: {}, cwd: '/root', cred, stdin: emptyInput, stdout: out, stderr: out, ppid: 1 });
    return { host, proc, out };
  });
  try {
    for (let i = 0; i < 300 && !procs.every((p) => p.out.text().includes('ready to serve client requests')); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(procs.every((p) => p.out.text().includes('ready to serve client requests')), procs.map((p) => p.out.text()).join('\n'));
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const put = await post(procs[0]!.host.network, 'http://10.0.0.12:2379/v3/kv/put', { key: b64('/foo'), value: b64('bar') });
    assert.equal(put.status, 200);
    const got = await post(procs[2]!.host.network, 'http://127.0.0.1:2379/v3/kv/range', { key: b64('/foo') });
    assert.equal((got.json['kvs'] as { value: string }[])[0]!.value, b64('bar'));
    const members = await post(procs[1]!.host.network, 'http://127.0.0.1:2379/v3/cluster/member/list', {});
    assert.deepEqual((members.json['members'] as { name: string }[]).map((m) => m.name).sort(), ['node-1', 'node-2', 'node-3']);
    assert.ok(procs[0]!.out.text().includes('"etcd-version":"3.6.2"'), 'the installed file names the version');
    assert.ok(sandbox.host('node-1').rootFs.exists('/var/lib/etcd/member/wal/0000000000000000-0000000000000000.wal'));
  } finally {
    for (const p of procs) p.proc.kill('SIGTERM');
    const codes = await Promise.all(procs.map((p) => p.proc.exited));
    assert.deepEqual(codes, [143, 143, 143]);
  }
});
