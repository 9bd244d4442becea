// etcdctl over https: the chain and the name are really verified, client certificates
// are sent, and failures read as Go words them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import { ctl, memoryFs, HDR } from './test-support.ts';

function makeCert(subject: string, opts: { ca?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }; isCa?: boolean; dns?: string[]; ips?: string[] }) {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = String(Math.floor(Math.random() * 1e9) + 1);
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const attrs = [{ name: 'commonName', value: subject }];
  cert.setSubject(attrs);
  cert.setIssuer(opts.ca ? opts.ca.cert.subject.attributes : attrs);
  const ext: object[] = [{ name: 'basicConstraints', cA: !!opts.isCa }];
  const alt = [...(opts.dns ?? []).map((value) => ({ type: 2, value })), ...(opts.ips ?? []).map((ip) => ({ type: 7, ip }))];
  if (alt.length) ext.push({ name: 'subjectAltName', altNames: alt });
  cert.setExtensions(ext);
  cert.sign(opts.ca?.key ?? keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey, certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

describe('etcdctl over TLS', () => {
  const ca = makeCert('etcd-ca', { isCa: true });
  const otherCa = makeCert('other-ca', { isCa: true });
  const server = makeCert('node-1', { ca, dns: ['node-1'], ips: ['127.0.0.1'] });
  const client = makeCert('learner', { ca });
  let srv: https.Server;
  let port = 0;
  const seenClientCerts: string[] = [];

  before(async () => {
    srv = https.createServer({ key: server.keyPem, cert: server.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      seenClientCerts.push(String(peer?.subject?.CN ?? ''));
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ header: HDR }));
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    port = (srv.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }));

  const files = () =>
    memoryFs({ '/etc/etcd/ca.crt': ca.certPem, '/etc/etcd/other-ca.crt': otherCa.certPem, '/etc/etcd/client.crt': client.certPem, '/etc/etcd/client.key': client.keyPem });

  it('verifies the server against --cacert and presents the client certificate', async () => {
    const r = await ctl([`--endpoints=https://127.0.0.1:${port}`, '--cacert=/etc/etcd/ca.crt', '--cert=/etc/etcd/client.crt', '--key=/etc/etcd/client.key', 'get', 'x', '-w', 'fields'], { fs: files() });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /"ClusterID" : 14841639068965178418/);
    assert.equal(seenClientCerts.at(-1), 'learner');
  });

  it('takes the TLS files from ETCDCTL_* variables', async () => {
    const env = { ETCDCTL_ENDPOINTS: `https://127.0.0.1:${port}`, ETCDCTL_CACERT: '/etc/etcd/ca.crt', ETCDCTL_CERT: '/etc/etcd/client.crt', ETCDCTL_KEY: '/etc/etcd/client.key' };
    const r = await ctl(['endpoint', 'health'], { fs: files(), env });
    assert.match(r.stdout, new RegExp(`^https://127\\.0\\.0\\.1:${port} is healthy: successfully committed proposal: took = `));
  });

  it('a foreign CA fails with x509: certificate signed by unknown authority', async () => {
    const r = await ctl([`--endpoints=https://127.0.0.1:${port}`, '--cacert=/etc/etcd/other-ca.crt', '--command-timeout=300ms', 'get', 'x'], { fs: files() });
    assert.equal(r.status, 1);
    assert.ok(r.stderr.includes('transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority'), r.stderr);
    assert.ok(r.stderr.endsWith('Error: context deadline exceeded\n'));
  });

  it('a name the certificate does not cover fails with Go\'s hostname error', async () => {
    const r = await ctl([`--endpoints=https://localhost:${port}`, '--cacert=/etc/etcd/ca.crt', '--command-timeout=300ms', 'endpoint', 'health'], { fs: files() });
    assert.equal(r.status, 1);
    assert.ok(r.stderr.includes('x509: certificate is valid for node-1, not localhost'), r.stderr);
    assert.ok(r.stderr.includes(`https://localhost:${port} is unhealthy: failed to commit proposal: context deadline exceeded\n`));
    assert.ok(r.stderr.endsWith('Error: unhealthy cluster\n'));
  });

  it('--insecure-skip-tls-verify connects without checking', async () => {
    const r = await ctl([`--endpoints=https://localhost:${port}`, '--insecure-skip-tls-verify', 'get', 'x'], { fs: files() });
    assert.equal(r.status, 0, r.stderr);
  });

  it('a missing --cacert file is an open error with status 128', async () => {
    const r = await ctl([`--endpoints=https://127.0.0.1:${port}`, '--cacert=/etc/etcd/nope.crt', 'get', 'x'], { fs: files() });
    assert.equal(r.stderr, 'Error: open /etc/etcd/nope.crt: no such file or directory\n');
    assert.equal(r.status, 128);
  });
});

describe('etcdctl speaking plain HTTP to a TLS port', () => {
  it('gets no answer it understands and times out, as grpc does', async () => {
    const http = await import('node:http');
    // What Go's TLS server answers to plain HTTP.
    const srv = http.createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('Client sent an HTTP request to an HTTPS server.\n');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    try {
      const r = await ctl([`--endpoints=127.0.0.1:${port}`, '--command-timeout=300ms', 'get', 'x']);
      assert.equal(r.status, 1);
      assert.ok(r.stderr.includes('"error":"rpc error: code = DeadlineExceeded desc = latest balancer error: last connection error: connection error: desc = \\"error reading server preface: http2: frame too large\\""'), r.stderr);
      assert.ok(r.stderr.endsWith('Error: context deadline exceeded\n'));
    } finally {
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});

describe('etcdctl refused after the TLS handshake (TLS 1.3)', () => {
  it('a server that requires a client certificate: grpc reads its alert while waiting for the server preface', async () => {
    const ca = makeCert('etcd-ca', { isCa: true });
    const server = makeCert('node-1', { ca, ips: ['127.0.0.1'] });
    const srv = https.createServer({ key: server.keyPem, cert: server.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (_req, res) => res.end('{}'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    try {
      const r = await ctl([`--endpoints=https://127.0.0.1:${port}`, '--cacert=/ca.crt', '--command-timeout=2s', 'get', 'x'], { fs: memoryFs({ '/ca.crt': ca.certPem }) });
      assert.equal(r.status, 1);
      assert.ok(r.stderr.includes('last connection error: connection error: desc = \\"error reading server preface: remote error: tls: certificate required\\""'), r.stderr);
      assert.ok(r.stderr.endsWith('Error: context deadline exceeded\n'));
    } finally {
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  it('a plain-HTTP endpoint on a port that hangs up: "error reading server preface: EOF"', async () => {
    const net = await import('node:net');
    // What etcd's TLS listener does with bytes that are not a TLS handshake: it closes.
    const srv = net.createServer((s) => s.once('data', () => s.end()));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    try {
      const r = await ctl([`--endpoints=http://127.0.0.1:${port}`, '--command-timeout=300ms', 'get', 'x']);
      assert.equal(r.status, 1);
      assert.ok(r.stderr.includes('last connection error: connection error: desc = \\"error reading server preface: EOF\\""'), r.stderr);
    } finally {
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});
