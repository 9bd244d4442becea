import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import net from 'node:net';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import { startTestEtcd, makeCert } from './test-helpers.ts';

function request(url: string, opts: https.RequestOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ...opts, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('https with client-cert-auth: valid client served, no certificate refused and logged, plain HTTP refused', async () => {
  const ca = makeCert('etcd-ca', { isCa: true });
  const server = makeCert('etcd-server', { ca, sans: ['localhost', '127.0.0.1'] });
  const client = makeCert('etcd-client', { ca });
  const fs = new SimFileSystem();
  fs.mkdir('/pki');
  fs.writeFile('/pki/ca.crt', ca.cert);
  fs.writeFile('/pki/server.crt', server.cert);
  fs.writeFile('/pki/server.key', server.key);
  const etcd = await startTestEtcd(['--cert-file', '/pki/server.crt', '--key-file', '/pki/server.key', '--trusted-ca-file', '/pki/ca.crt', '--client-cert-auth'], { fs, scheme: 'https' });
  try {
    const ok = await request(etcd.url + '/health', { ca: ca.cert, cert: client.cert, key: client.key });
    assert.equal(ok.status, 200);
    assert.equal(ok.body, '{"health":"true","reason":""}');

    await assert.rejects(request(etcd.url + '/health', { ca: ca.cert }));
    for (let i = 0; i < 100 && !etcd.logs.some((l) => l.includes('rejected connection on client endpoint')); i++) await new Promise((r) => setTimeout(r, 10));
    const line = etcd.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'rejected connection on client endpoint');
    assert.ok(line, 'the refusal is logged');
    assert.equal(line['error'], "tls: client didn't provide a certificate");
    assert.match(String(line['remote-addr']), /^127\.0\.0\.1:\d+$/);

    // A certificate from another CA is refused too.
    const otherCa = makeCert('other-ca', { isCa: true });
    const stranger = makeCert('stranger', { ca: otherCa });
    await assert.rejects(request(etcd.url + '/health', { ca: ca.cert, cert: stranger.cert, key: stranger.key }));

    // Plain HTTP to the TLS port gets no HTTP answer.
    const port = Number(new URL(etcd.url).port);
    const answer = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
      let got = '';
      s.on('data', (c) => (got += c.toString('latin1')));
      s.on('close', () => resolve(got));
      s.on('error', () => resolve(got));
    });
    assert.doesNotMatch(answer, /health/);
  } finally {
    await etcd.stop();
  }
});

test('https without readable key material fails like etcd (listener failed, exit 1)', async () => {
  const fs = new SimFileSystem();
  await assert.rejects(startTestEtcd(['--cert-file', '/pki/missing.crt', '--key-file', '/pki/missing.key'], { fs, scheme: 'https' }), (e: Error) => {
    assert.match(e.message, /etcd exited with 1/);
    assert.match(e.message, /"level":"fatal".*"msg":"listener failed".*"error":"open \/pki\/missing.crt: no such file or directory"/);
    return true;
  });
});

test('--auto-tls serves https with a generated certificate', async () => {
  const fs = new SimFileSystem();
  const etcd = await startTestEtcd(['--auto-tls'], { fs, scheme: 'https' });
  try {
    const r = await request(etcd.url + '/health', { rejectUnauthorized: false });
    assert.equal(r.status, 200);
    assert.ok(fs.exists('/work/default.etcd/fixtures/client/cert.pem'));
  } finally {
    await etcd.stop();
  }
});
