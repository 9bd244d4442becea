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

describe('HostNetwork.sockets (what ss lists)', () => {
  const settle = () => new Promise((r) => setImmediate(r));

  it('lists a connection between two hosts on both; the accepted end belongs to the listener process; fds are the lowest free', async () => {
    const { n1, n2 } = lab();
    const server = n1.forProcess({ uid: 0, gid: 0, groups: [0], user: 'root' }, 1000);
    const client = n2.forProcess({ uid: 1000, gid: 1000, groups: [1000], user: 'learner' }, 1001);
    const accepted: Duplex[] = [];
    await server.listen({ host: '10.0.0.11', port: 2380 }, (s) => accepted.push(s));
    await server.listen({ host: '0.0.0.0', port: 2379 }, (s) => accepted.push(s));
    const a = await client.connect({ host: 'node-1', port: 2380 });
    const b = await client.connect({ host: 'node-1', port: 2379 });
    await settle();
    assert.deepEqual(n1.sockets(), [
      { state: 'LISTEN', local: { host: '10.0.0.11', port: 2380 }, remote: { host: '0.0.0.0', port: 0 }, ipv6: false, pid: 1000, fd: 3, recvQ: 0, sendQ: 4096 },
      { state: 'LISTEN', local: { host: '::', port: 2379 }, remote: { host: '::', port: 0 }, ipv6: true, pid: 1000, fd: 4, recvQ: 0, sendQ: 4096 },
      { state: 'ESTAB', local: { host: '10.0.0.11', port: 2380 }, remote: { host: '10.0.0.12', port: 32768 }, ipv6: false, pid: 1000, fd: 5, recvQ: 0, sendQ: 0 },
      { state: 'ESTAB', local: { host: '::ffff:10.0.0.11', port: 2379 }, remote: { host: '::ffff:10.0.0.12', port: 32769 }, ipv6: true, pid: 1000, fd: 6, recvQ: 0, sendQ: 0 },
    ]);
    assert.deepEqual(n2.sockets(), [
      { state: 'ESTAB', local: { host: '10.0.0.12', port: 32768 }, remote: { host: '10.0.0.11', port: 2380 }, ipv6: false, pid: 1001, fd: 3, recvQ: 0, sendQ: 0 },
      { state: 'ESTAB', local: { host: '10.0.0.12', port: 32769 }, remote: { host: '10.0.0.11', port: 2379 }, ipv6: false, pid: 1001, fd: 4, recvQ: 0, sendQ: 0 },
    ]);
    // Closing frees the descriptor; the next socket takes the lowest free one again.
    a.destroy();
    for (let i = 0; i < 10 && n2.sockets().length > 1; i++) await settle();
    assert.deepEqual(n2.sockets().map((s) => [s.remote.port, s.fd]), [[2379, 4]]);
    const c = await client.connect({ host: 'node-1', port: 2380 });
    assert.deepEqual(n2.sockets().map((s) => [s.remote.port, s.fd]), [[2379, 4], [2380, 3]]);
    // Unread bytes are the receiver's Recv-Q.
    b.write('hello');
    for (let i = 0; i < 10 && !n1.sockets().some((s) => s.recvQ); i++) await settle();
    assert.equal(n1.sockets().find((s) => s.local.port === 2379 && s.state === 'ESTAB')!.recvQ, 5);
    // The process ends: every socket and listener it had goes, on both hosts.
    server.close();
    client.close();
    for (let i = 0; i < 10 && (n1.sockets().length || n2.sockets().length); i++) await settle();
    assert.deepEqual([n1.sockets(), n2.sockets()], [[], []]);
    c.destroy();
  });

  it('a partition: held bytes are Send-Q, and a new connect waits in SYN-SENT until it gives up', async () => {
    const { net, n1, n2 } = lab();
    const l = await n1.listen({ host: '10.0.0.11', port: 2380 }, () => {});
    const c = await n2.connect({ host: 'node-1', port: 2380 });
    net.partition(['node-1'], ['node-2']);
    c.write('raft heartbeat');
    assert.equal(n2.sockets()[0]!.sendQ, 14);
    const ac = new AbortController();
    const pending = n2.forProcess({ uid: 0, gid: 0, groups: [0], user: 'root' }, 1200).connect({ host: 'node-1', port: 2380 }, { signal: ac.signal });
    assert.deepEqual(
      n2.sockets().map((s) => [s.state, `${s.local.host}:${s.local.port}`, `${s.remote.host}:${s.remote.port}`, s.pid, s.fd]),
      [
        ['ESTAB', '10.0.0.12:32768', '10.0.0.11:2380', undefined, undefined],
        ['SYN-SENT', '10.0.0.12:32769', '10.0.0.11:2380', 1200, 3],
      ],
    );
    ac.abort();
    await assert.rejects(pending, code('ETIMEDOUT'));
    assert.deepEqual(n2.sockets().map((s) => s.state), ['ESTAB']);
    // A process that ends while connecting takes its SYN-SENT socket with it.
    const dying = n2.forProcess({ uid: 0, gid: 0, groups: [0], user: 'root' }, 1201);
    const lost = dying.connect({ host: 'node-1', port: 2380 });
    assert.deepEqual(n2.sockets().map((s) => [s.state, s.pid]), [['ESTAB', undefined], ['SYN-SENT', 1201]]);
    dying.close();
    await assert.rejects(lost, code('ETIMEDOUT'));
    assert.deepEqual(n2.sockets().map((s) => s.state), ['ESTAB']);
    net.heal();
    assert.equal(n2.sockets()[0]!.sendQ, 0);
    c.destroy();
    await l.close();
  });
});
