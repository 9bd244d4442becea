// The etcd3 npm client (grpc-js) against our etcd's gRPC API: KV, watch, leases, txn, over
// h2c and over TLS with client certificates (ALPN h2 on the same https port as the gateway).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { createRequire } from 'node:module';
import { SimFileSystem } from '../../src/platform/sim-fs.ts';
import { makeCert, startTestEtcd, type RunningEtcd } from '../../src/etcd/api/test-helpers.ts';

const require = createRequire(import.meta.url);
let etcd3: typeof import('etcd3') | undefined;
try {
  etcd3 = require('etcd3') as typeof import('etcd3');
} catch {
  etcd3 = undefined;
}

describe('the etcd3 npm client against our etcd', { skip: etcd3 ? false : 'the etcd3 package is not installed' }, () => {
  let etcd: RunningEtcd;
  let client: import('etcd3').Etcd3;
  before(async () => {
    etcd = await startTestEtcd();
    client = new etcd3!.Etcd3({ hosts: etcd.url });
  });
  after(async () => {
    client.close();
    await etcd.stop();
  });

  it('puts, gets, lists a prefix and deletes', async () => {
    await client.put('app/a').value('1');
    await client.put('app/b').value('2');
    assert.equal(await client.get('app/a').string(), '1');
    assert.deepEqual(await client.getAll().prefix('app/').strings(), { 'app/a': '1', 'app/b': '2' });
    assert.equal(await client.getAll().prefix('app/').count(), 2);
    const del = await client.delete().prefix('app/').exec();
    assert.equal(del.deleted, '2');
    assert.equal(await client.get('app/a').string(), null);
  });

  it('runs a transaction with a compare', async () => {
    await client.put('cfg').value('v1');
    const r = await client.if('cfg', 'Value', '==', 'v1').then(client.put('cfg').value('v2')).else(client.put('cfg').value('other')).commit();
    assert.equal(r.succeeded, true);
    assert.equal(await client.get('cfg').string(), 'v2');
  });

  it('watches puts and deletes', async () => {
    const w = await client.watch().prefix('jobs/').create();
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      w.on('put', (kv) => seen.push(`put ${kv.key.toString()}=${kv.value.toString()}`));
      w.on('delete', (kv) => {
        seen.push(`delete ${kv.key.toString()}`);
        resolve();
      });
    });
    await client.put('jobs/1').value('queued');
    await client.delete().key('jobs/1');
    await done;
    await w.cancel();
    assert.deepEqual(seen, ['put jobs/1=queued', 'delete jobs/1']);
  });

  it('grants a lease, keeps it alive, and its keys go with its revocation', async () => {
    const lease = client.lease(30);
    await lease.put('session').value('alive');
    const id = await lease.grant();
    const ttl = await client.leaseClient.leaseTimeToLive({ ID: id, keys: true });
    assert.equal(ttl.grantedTTL, '30');
    assert.deepEqual(ttl.keys.map((k) => k.toString()), ['session']);
    const ka = await lease.keepaliveOnce();
    assert.equal(ka.TTL, '30');
    await lease.revoke();
    assert.equal(await client.get('session').string(), null);
  });
});

describe('the etcd3 npm client over TLS with client certificates', { skip: etcd3 ? false : 'the etcd3 package is not installed' }, () => {
  it('talks gRPC over h2 (ALPN) on the https port', async () => {
    const ca = makeCert('etcd-ca', { isCa: true });
    const server = makeCert('etcd-server', { ca, sans: ['localhost', '127.0.0.1'] });
    const user = makeCert('etcd-client', { ca });
    const fs = new SimFileSystem();
    fs.mkdir('/pki');
    fs.writeFile('/pki/ca.crt', ca.cert);
    fs.writeFile('/pki/server.crt', server.cert);
    fs.writeFile('/pki/server.key', server.key);
    const etcd = await startTestEtcd(['--cert-file', '/pki/server.crt', '--key-file', '/pki/server.key', '--trusted-ca-file', '/pki/ca.crt', '--client-cert-auth'], { fs, scheme: 'https' });
    const client = new etcd3!.Etcd3({
      hosts: etcd.url,
      credentials: { rootCertificate: Buffer.from(ca.cert), certChain: Buffer.from(user.cert), privateKey: Buffer.from(user.key) },
    });
    try {
      await client.put('secure').value('yes');
      assert.equal(await client.get('secure').string(), 'yes');
    } finally {
      client.close();
    }
    // Plain HTTP over the same h2 connection kind (curl negotiates h2) reaches /health.
    const h2 = http2.connect(etcd.url, { ca: ca.cert, cert: user.cert, key: user.key });
    const health = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = h2.request({ ':path': '/health' });
      let status = 0;
      let body = '';
      req.on('response', (h) => (status = Number(h[':status'])));
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => resolve({ status, body }));
      req.on('error', reject);
    });
    h2.close();
    assert.deepEqual(health, { status: 200, body: '{"health":"true","reason":""}' });
    // Without a client certificate the handshake is refused, as on the gateway.
    const anonymous = new etcd3!.Etcd3({ hosts: etcd.url, credentials: { rootCertificate: Buffer.from(ca.cert) }, dialTimeout: 2000 });
    try {
      await assert.rejects(anonymous.get('secure').string(), /certificate required/);
    } finally {
      anonymous.close();
      await etcd.stop();
    }
  });
});
