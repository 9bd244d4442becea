// The gate refuses client certificates inside the TLS 1.3 handshake with Go's alerts, so
// OpenSSL clients (node's, and the real openssl and curl when installed) read the alert
// instead of an unexplained EOF; good certificates still get through.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import forge from 'node-forge';
import { ClientCertGate, type CertificateVerdict } from './client-cert-gate.ts';

interface Issued { cert: string; key: string; obj: forge.pki.Certificate; k: forge.pki.PrivateKey }

function issue(cn: string, o: { ca?: Issued; isCa?: boolean; sans?: string[]; expired?: boolean } = {}): Issued {
  // Native key generation (fast); forge builds and signs the certificate.
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const k = forge.pki.privateKeyFromPem(rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const c = forge.pki.createCertificate();
  c.publicKey = forge.pki.publicKeyFromPem(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  c.serialNumber = crypto.randomBytes(8).toString('hex').replace(/^[89a-f]/, '1');
  const now = Date.now();
  c.validity.notBefore = new Date(now - (o.expired ? 48 : 1) * 3600_000);
  c.validity.notAfter = new Date(now + (o.expired ? -24 : 24) * 3600_000);
  c.setSubject([{ name: 'commonName', value: cn }]);
  c.setIssuer(o.ca ? o.ca.obj.subject.attributes : [{ name: 'commonName', value: cn }]);
  const exts: object[] = [{ name: 'basicConstraints', cA: !!o.isCa }];
  if (o.sans) exts.push({ name: 'subjectAltName', altNames: o.sans.map((ip) => ({ type: 7, ip })) });
  c.setExtensions(exts);
  c.sign((o.ca?.k ?? k) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(c), key: forge.pki.privateKeyToPem(k as forge.pki.rsa.PrivateKey), obj: c, k };
}

describe('TLS 1.3 client-certificate gate', () => {
  const ca = issue('etcd-ca', { isCa: true });
  const otherCa = issue('other-ca', { isCa: true });
  const server = issue('etcd-server', { ca, sans: ['127.0.0.1'] });
  const good = issue('learner', { ca });
  const foreign = issue('stranger', { ca: otherCa });
  const expired = issue('old', { ca, expired: true });
  const caDer = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(ca.obj)).getBytes(), 'binary');
  const caX509 = new crypto.X509Certificate(caDer);
  const refusals: CertificateVerdict[] = [];
  const served: string[] = [];
  const clientErrors: string[] = [];
  let port = 0;
  let listener: net.Server;

  // A verifier in the spirit of Go's: expiry first, then the issuer.
  const verify = (chain: Buffer[]): CertificateVerdict | undefined => {
    if (chain.length === 0) return { alert: 'certificate_required', error: "tls: client didn't provide a certificate" };
    const leaf = new crypto.X509Certificate(chain[0]!);
    if (Date.parse(leaf.validTo) < Date.now()) return { alert: 'certificate_expired', error: 'x509: certificate has expired or is not yet valid' };
    if (!leaf.checkIssued(caX509) || !leaf.verify(caX509.publicKey)) return { alert: 'unknown_ca', error: 'x509: certificate signed by unknown authority' };
    return undefined;
  };

  before(async () => {
    const tlsServer = tls.createServer({ cert: server.cert, key: server.key, requestCert: true, rejectUnauthorized: false }, (t) => {
      served.push(String(t.getPeerCertificate().subject?.CN));
      t.end('hello\n');
    });
    tlsServer.on('tlsClientError', (e) => clientErrors.push(e.message));
    const gate = new ClientCertGate(tlsServer);
    listener = net.createServer((raw) => tlsServer.emit('connection', gate.wrap(raw, verify, (v) => refusals.push(v))));
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    port = (listener.address() as net.AddressInfo).port;
  });
  after(() => new Promise<void>((r) => listener.close(() => r())));

  function connect(who: Issued | undefined, extra: tls.ConnectionOptions = {}): Promise<{ data: string; error?: string; code?: string }> {
    return new Promise((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port, ca: ca.cert, ...(who ? { cert: who.cert, key: who.key } : {}), ...extra });
      let data = '';
      s.on('data', (d) => (data += d));
      s.on('end', () => resolve({ data }));
      s.on('error', (e: Error & { code?: string }) => resolve({ data, error: e.message, ...(e.code ? { code: e.code } : {}) }));
    });
  }

  it('lets a certificate from the trusted CA through, with the handshake unchanged', async () => {
    for (const ciphers of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
      const r = await connect(good, { ciphers });
      assert.deepEqual(r, { data: 'hello\n' }, ciphers);
    }
    assert.deepEqual(served.slice(-3), ['learner', 'learner', 'learner']);
  });

  it('answers a foreign CA with "unknown ca", an expired one with "certificate expired", none with "certificate required", under every suite', async () => {
    for (const ciphers of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
      const before = refusals.length;
      assert.equal((await connect(foreign, { ciphers })).code, 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', ciphers);
      assert.equal((await connect(expired, { ciphers })).code, 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', ciphers);
      assert.equal((await connect(undefined, { ciphers })).code, 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', ciphers);
      assert.deepEqual(refusals.slice(before).map((v) => v.alert), ['unknown_ca', 'certificate_expired', 'certificate_required']);
    }
    assert.ok(!served.includes('stranger') && !served.includes('old'));
  });

  it('leaves TLS 1.2 alone (the caller checks after the handshake)', async () => {
    const r = await connect(foreign, { maxVersion: 'TLSv1.2' });
    assert.deepEqual(r, { data: 'hello\n' });
    assert.equal(served.at(-1), 'stranger');
  });

  it('the real openssl s_client reads the same alert', { skip: spawnSync('openssl', ['version']).status !== 0 && 'no openssl installed' }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-'));
    try {
      for (const [n, v] of Object.entries({ 'ca.crt': ca.cert, 'f.crt': foreign.cert, 'f.key': foreign.key })) fs.writeFileSync(path.join(dir, n), v);
      // Asynchronously: the server under test runs in this process's event loop.
      const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', 'ca.crt', '-cert', 'f.crt', '-key', 'f.key', '-ign_eof'], { cwd: dir, timeout: 10_000 });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.stdin.on('error', () => undefined); // s_client may be gone before it reads: EPIPE
      child.stdin.end('x\n');
      await new Promise((r) => child.on('close', r));
      assert.match(out, /error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:.*SSL alert number 48/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
