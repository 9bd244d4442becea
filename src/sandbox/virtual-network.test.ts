import assert from 'node:assert/strict';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { describe, it } from 'node:test';
import forge from 'node-forge';
import { realClock } from '../platform/clock.ts';
import { networkConformance } from '../platform/network-conformance.ts';
import { NetError } from '../platform/network.ts';
import { VirtualNetwork } from './virtual-network.ts';

function lab() {
  const net = new VirtualNetwork(realClock);
  return { net, n1: net.addHost('node-1', '10.0.0.11'), n2: net.addHost('node-2', '10.0.0.12'), n3: net.addHost('node-3', '10.0.0.13') };
}

networkConformance('VirtualNetwork (loopback)', () => lab().n1);
networkConformance('VirtualNetwork (host IP)', () => lab().n1, { host: '10.0.0.11' });

const readAll = (s: Duplex) =>
  new Promise<string>((resolve, reject) => {
    let buf = '';
    s.on('data', (d: Buffer) => (buf += d.toString()));
    s.on('end', () => resolve(buf));
    s.on('error', reject);
  });

const code = (c: string) => (e: unknown) => e instanceof NetError && e.code === c;

describe('VirtualNetwork', () => {
  it('resolves lab host names on every host, and localhost', () => {
    const { n1, n2 } = lab();
    assert.equal(n1.resolve('node-3'), '10.0.0.13');
    assert.equal(n2.resolve('NODE-1'), '10.0.0.11');
    assert.equal(n1.resolve('localhost'), '127.0.0.1');
    assert.equal(n1.resolve('nowhere'), undefined);
  });

  it('keeps loopback inside its host: node-2 cannot reach node-1 127.0.0.1 listener', async () => {
    const { n1, n2 } = lab();
    const l = await n1.listen({ host: '127.0.0.1', port: 2379 }, (s) => s.end('hi'));
    assert.equal(await readAll(await n1.connect({ host: 'localhost', port: 2379 })), 'hi');
    await assert.rejects(n2.connect({ host: '127.0.0.1', port: 2379 }), code('ECONNREFUSED'));
    await assert.rejects(n2.connect({ host: 'node-1', port: 2379 }), code('ECONNREFUSED'));
    await l.close();
  });

  it('reaches a 0.0.0.0 listener on another host by name, and reports the peer address', async () => {
    const { n1, n2 } = lab();
    let remote = '';
    const l = await n1.listen({ host: '0.0.0.0', port: 2380 }, (s, r) => {
      remote = r.host;
      s.end('peer');
    });
    assert.equal(await readAll(await n2.connect({ host: 'node-1', port: 2380 })), 'peer');
    assert.equal(remote, '10.0.0.12');
    await l.close();
  });

  it('refuses binding an address the host does not have, and a port in use across wildcard and specific', async () => {
    const { n1 } = lab();
    await assert.rejects(n1.listen({ host: '10.0.0.12', port: 1 }, () => {}), code('EADDRNOTAVAIL'));
    const l = await n1.listen({ host: '0.0.0.0', port: 2379 }, () => {});
    await assert.rejects(n1.listen({ host: '127.0.0.1', port: 2379 }, () => {}), code('EADDRINUSE'));
    await l.close();
    const a = await n1.listen({ host: '127.0.0.1', port: 2379 }, () => {});
    const b = await n1.listen({ host: '10.0.0.11', port: 2379 }, () => {});
    await assert.rejects(n1.listen({ host: '0.0.0.0', port: 2379 }, () => {}), code('EADDRINUSE'));
    await a.close();
    await b.close();
  });

  it('fails unknown names with ENOTFOUND in Go words', async () => {
    const { n1 } = lab();
    await assert.rejects(n1.connect({ host: 'etcd.example', port: 1 }), (e: unknown) => e instanceof NetError && e.goMessage() === 'dial tcp: lookup etcd.example: no such host');
  });

  it('partitions hosts: new connections time out, held bytes flow after heal', async () => {
    const { net, n1, n2 } = lab();
    const got: string[] = [];
    const l = await n1.listen({ host: '0.0.0.0', port: 2380 }, (s) => s.on('data', (d: Buffer) => got.push(d.toString())));
    const c = await n2.connect({ host: 'node-1', port: 2380 });
    net.partition(['node-1'], ['node-2', 'node-3']);
    c.write('during');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, []);
    await assert.rejects(n2.connect({ host: 'node-1', port: 2380 }, { timeoutMs: 1 }), code('ETIMEDOUT'));
    net.heal();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, ['during']);
    net.setFirewall((f) => (f.toHost === 'node-1' && f.port === 2380 ? 'reject' : 'accept'));
    await assert.rejects(n2.connect({ host: 'node-1', port: 2380 }), code('ECONNREFUSED'));
    net.setFirewall(undefined);
    c.destroy();
    await l.close();
  });

  it('carries node:http over the in-memory sockets', async () => {
    const { n1, n2 } = lab();
    const server = http.createServer((req, res) => res.end(JSON.stringify({ path: req.url, method: req.method })));
    const l = await n1.listen({ host: '0.0.0.0', port: 2379 }, (s) => server.emit('connection', s));
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request({ method: 'POST', path: '/v3/kv/range', createConnection: ((_o: unknown, cb: (e: Error | null, s?: Duplex) => void) => void n2.connect({ host: 'node-1', port: 2379 }).then((s) => cb(null, s), cb)) as never }, (res) => {
        let b = '';
        res.on('data', (d: Buffer) => (b += d.toString()));
        res.on('end', () => resolve(b));
      });
      req.on('error', reject);
      req.end('{}');
    });
    assert.deepEqual(JSON.parse(body), { path: '/v3/kv/range', method: 'POST' });
    await l.close();
  });

  it('carries node:tls, verifying the server certificate against its CA', async () => {
    const { n1 } = lab();
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + 3600_000);
    const attrs = [{ name: 'commonName', value: 'node-1' }];
    cert.setSubject(attrs);
    cert.setIssuer(attrs);
    cert.setExtensions([{ name: 'basicConstraints', cA: true }, { name: 'subjectAltName', altNames: [{ type: 2, value: 'node-1' }, { type: 7, ip: '127.0.0.1' }] }]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    const certPem = forge.pki.certificateToPem(cert);
    const keyPem = forge.pki.privateKeyToPem(keys.privateKey);
    const l = await n1.listen({ host: '0.0.0.0', port: 2379 }, (s) => {
      const t = new tls.TLSSocket(s, { isServer: true, key: keyPem, cert: certPem });
      t.on('error', () => {});
      t.on('data', (d: Buffer) => t.end(`secure:${d.toString()}`));
    });
    const raw = await n1.connect({ host: '127.0.0.1', port: 2379 });
    const client = tls.connect({ socket: raw, ca: certPem, servername: 'node-1' });
    await new Promise<void>((resolve, reject) => {
      client.once('secureConnect', resolve);
      client.once('error', reject);
    });
    client.write('ping');
    assert.equal(await readAll(client), 'secure:ping');
    const bad = tls.connect({ socket: await n1.connect({ host: '127.0.0.1', port: 2379 }), ca: certPem, servername: 'wrong-name' });
    await assert.rejects(new Promise((resolve, reject) => (bad.once('secureConnect', resolve), bad.once('error', reject))), /altnames|Hostname/);
    await l.close();
  });

  it('serves a virtual internet site by name over http', async () => {
    const { net, n1 } = lab();
    await net.internet.register('github.com', (req, res) => res.end(`release ${req.url}`));
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ path: '/etcd.tar.gz', createConnection: ((_o: unknown, cb: (e: Error | null, s?: Duplex) => void) => void n1.connect({ host: 'github.com', port: 80 }).then((s) => cb(null, s), cb)) as never }, (res) => {
          let b = '';
          res.on('data', (d: Buffer) => (b += d.toString()));
          res.on('end', () => resolve(b));
        })
        .on('error', reject);
    });
    assert.equal(body, 'release /etcd.tar.gz');
  });
});
