// Members talking raft over TLS with peer client-certificate auth, as the hard-way lessons set them up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realClock } from '../../platform/clock.ts';
import { realRandom } from '../../platform/random.ts';
import { NodeNetwork } from '../../platform/node-network.ts';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import { runEtcd } from './etcd-main.ts';
import { makeCert } from '../api/test-helpers.ts';
import { freePort } from './test-members.ts';


test('three members over peer TLS with --peer-client-cert-auth replicate; a stranger is refused', { timeout: 30_000 }, async () => {
  const ca = makeCert('etcd-ca', { isCa: true });
  const peer = makeCert('etcd-peer', { ca, sans: ['localhost', '127.0.0.1'] });
  const names = ['p1', 'p2', 'p3'];
  const ports = await Promise.all(names.map(async () => ({ peer: await freePort(), client: await freePort() })));
  const cluster = names.map((n, i) => `${n}=https://127.0.0.1:${ports[i]!.peer}`).join(',');
  const acs = names.map(() => new AbortController());
  const logs: string[][] = names.map(() => []);
  const ready: Promise<void>[] = [];
  const exits = names.map((name, i) => {
    const fs = new SimFileSystem();
    fs.mkdir('/pki');
    fs.writeFile('/pki/ca.crt', ca.cert);
    fs.writeFile('/pki/peer.crt', peer.cert);
    fs.writeFile('/pki/peer.key', peer.key);
    let done: () => void = () => {};
    ready.push(new Promise((r) => (done = r)));
    return runEtcd({
      argv: [
        'etcd', '--name', name, '--data-dir', `/data/${name}`,
        '--listen-peer-urls', `https://127.0.0.1:${ports[i]!.peer}`, '--initial-advertise-peer-urls', `https://127.0.0.1:${ports[i]!.peer}`,
        '--listen-client-urls', `http://127.0.0.1:${ports[i]!.client}`, '--advertise-client-urls', `http://127.0.0.1:${ports[i]!.client}`,
        '--initial-cluster', cluster, '--heartbeat-interval', '20', '--election-timeout', '200',
        '--peer-cert-file', '/pki/peer.crt', '--peer-key-file', '/pki/peer.key', '--peer-trusted-ca-file', '/pki/ca.crt', '--peer-client-cert-auth',
      ],
      env: {},
      cwd: '/',
      fs,
      net: new NodeNetwork(),
      clock: realClock,
      random: realRandom,
      stdout: { write: () => {} },
      stderr: { write: (c) => void logs[i]!.push(String(c)) },
      signal: acs[i]!.signal,
      onReady: () => done(),
    });
  });
  try {
    await Promise.race([Promise.all(ready), ...exits.map((e, i) => e.then((c) => Promise.reject(new Error(`exit ${c}: ${logs[i]!.join('')}`))))]);
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const put = await fetch(`http://127.0.0.1:${ports[0]!.client}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: b64('secure'), value: b64('yes') }) });
    assert.equal(put.status, 200);
    const got = (await (await fetch(`http://127.0.0.1:${ports[2]!.client}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: b64('secure') }) })).json()) as { kvs: { value: string }[] };
    assert.equal(got.kvs[0]!.value, b64('yes'));
    assert.ok(logs[0]!.some((l) => l.includes('"starting with peer TLS"')));
    // A TLS client without a certificate at the peer port is refused and logged.
    const tls = await import('node:tls');
    await new Promise<void>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: ports[1]!.peer, ca: ca.cert }, () => s.write('x'));
      s.on('error', () => resolve());
      s.on('close', () => resolve());
    });
    for (let i = 0; i < 100 && !logs[1]!.some((l) => l.includes('rejected connection on peer endpoint')); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(logs[1]!.some((l) => l.includes('rejected connection on peer endpoint')));
  } finally {
    for (const ac of acs) ac.abort('SIGTERM');
    await Promise.all(exits);
  }
});
