// Chain checks as lab checks and etcd call them, and as `openssl verify` reports them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCertificateDer, parseCertificatePem, certificatePem } from './certificate.ts';
import { verifyChain, verifyCertificate } from './verify.ts';
import { isSelfSigned, keyMatchesCert, tlsSecureContextOptions, verifyPem } from './index.ts';
import { OpensslHarness } from './openssl/test-helpers.ts';
import { haveRealOpenssl, realOpenssl } from './openssl/real-openssl.ts';

async function chain(): Promise<OpensslHarness> {
  const h = new OpensslHarness();
  h.write('int.cnf', '[e]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign\n[leaf]\nsubjectAltName=DNS:etcd.local,IP:10.0.0.11\nextendedKeyUsage=serverAuth\n');
  for (const cmd of [
    'req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj /CN=root -days 3650',
    'req -new -newkey rsa:2048 -nodes -keyout int.key -out int.csr -subj /CN=intermediate',
    'x509 -req -in int.csr -CA ca.crt -CAkey ca.key -out int.crt -extfile int.cnf -extensions e -days 365',
    'req -new -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj /CN=leaf',
    'x509 -req -in leaf.csr -CA int.crt -CAkey int.key -out leaf.crt -extfile int.cnf -extensions leaf -days 30',
    'req -new -newkey rsa:2048 -nodes -keyout other.key -out other.csr -subj /CN=other',
    'x509 -req -in other.csr -CA leaf.crt -CAkey leaf.key -out byleaf.crt -days 30',
  ]) {
    const r = await h.run(cmd);
    assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
  }
  return h;
}

test('an intermediate: needed as -untrusted, then the chain is OK', async () => {
  const h = await chain();
  const noInt = await h.run('verify -CAfile ca.crt leaf.crt');
  assert.equal(noInt.stderr, 'CN = leaf\nerror 20 at 0 depth lookup: unable to get local issuer certificate\nerror leaf.crt: verification failed\n');
  const ok = await h.run('verify -CAfile ca.crt -untrusted int.crt -show_chain leaf.crt');
  assert.equal(ok.stdout, 'leaf.crt: OK\nChain:\ndepth=0: CN = leaf (untrusted)\ndepth=1: CN = intermediate (untrusted)\ndepth=2: CN = root\n');
  const ca = parseCertificatePem(h.read('ca.crt'))!;
  const int = parseCertificatePem(h.read('int.crt'))!;
  const leaf = parseCertificatePem(h.read('leaf.crt'))!;
  assert.deepEqual(verifyChain(leaf, [ca, int], h.clock.now()), { ok: true, error: undefined });
  assert.deepEqual(verifyChain(leaf, [ca], h.clock.now()), { ok: false, error: 'unable to get local issuer certificate' });
  const r = verifyCertificate(leaf, [ca], { untrusted: [int], now: h.clock.now(), hostname: 'etcd.local', ip: '10.0.0.11', purpose: 'sslserver' });
  assert.equal(r.ok, true);
  assert.equal(verifyCertificate(leaf, [ca], { untrusted: [int], now: h.clock.now(), hostname: 'other.local' }).error, 'hostname mismatch');
  assert.equal(verifyCertificate(leaf, [ca], { untrusted: [int], now: h.clock.now(), ip: '10.0.0.12' }).error, 'IP address mismatch');
  assert.equal(verifyCertificate(leaf, [ca], { untrusted: [int], now: h.clock.now(), purpose: 'sslclient' }).code, 26);
  if (haveRealOpenssl) {
    const files = { 'ca.crt': h.read('ca.crt'), 'int.crt': h.read('int.crt'), 'leaf.crt': h.read('leaf.crt') };
    assert.equal(realOpenssl(['verify', '-CAfile', 'ca.crt', '-untrusted', 'int.crt', '-show_chain', 'leaf.crt'], files).stdout, ok.stdout);
    assert.equal(realOpenssl(['verify', '-CAfile', 'ca.crt', 'leaf.crt'], files).stderr, noInt.stderr);
  }
});

test('a certificate that is not a CA cannot issue (error 79); a tampered signature fails (error 7)', async () => {
  const h = await chain();
  const ca = parseCertificatePem(h.read('ca.crt'))!;
  const int = parseCertificatePem(h.read('int.crt'))!;
  const leaf = parseCertificatePem(h.read('leaf.crt'))!;
  const byLeaf = parseCertificatePem(h.read('byleaf.crt'))!;
  const r = verifyCertificate(byLeaf, [ca], { untrusted: [int, leaf], now: h.clock.now() });
  assert.deepEqual([r.code, r.depth, r.error], [79, 1, 'invalid CA certificate']);
  const der = Buffer.from(leaf.der);
  der[der.length - 5] = der[der.length - 5]! ^ 0xff;
  const tampered = parseCertificateDer(der);
  const t = verifyCertificate(tampered, [ca], { untrusted: [int], now: h.clock.now() });
  assert.deepEqual([t.code, t.depth, t.error], [7, 0, 'certificate signature failure']);
  h.write('tampered.crt', certificatePem(tampered));
  h.write('chain.pem', h.read('int.crt') + h.read('leaf.crt'));
  const cmd = await h.run('verify -CAfile ca.crt -untrusted chain.pem byleaf.crt tampered.crt');
  assert.equal(cmd.code, 2);
  assert.equal(
    cmd.stderr,
    'CN = leaf\nerror 79 at 1 depth lookup: invalid CA certificate\nerror byleaf.crt: verification failed\n' +
      'CN = leaf\nerror 7 at 0 depth lookup: certificate signature failure\nerror tampered.crt: verification failed\n',
  );
  if (haveRealOpenssl) {
    const files = { 'ca.crt': h.read('ca.crt'), 'chain.pem': h.read('chain.pem'), 'byleaf.crt': h.read('byleaf.crt'), 'tampered.crt': h.read('tampered.crt') };
    const real = realOpenssl(['verify', '-CAfile', 'ca.crt', '-untrusted', 'chain.pem', 'byleaf.crt', 'tampered.crt'], files);
    assert.equal(real.stderr.replace(/^[0-9A-F]{16}:error:.*\n/gm, ''), cmd.stderr);
  }
});

test('not yet valid is error 9; helpers for lab checks and TLS setup', async () => {
  const h = await chain();
  const ca = parseCertificatePem(h.read('ca.crt'))!;
  assert.equal(verifyChain(ca, [ca], h.clock.now() - 86_400_000).error, 'certificate is not yet valid');
  assert.equal(isSelfSigned(ca), true);
  assert.equal(isSelfSigned(parseCertificatePem(h.read('int.crt'))!), false);
  assert.equal(keyMatchesCert(h.read('leaf.key'), h.read('leaf.crt')), true);
  assert.equal(keyMatchesCert(h.read('int.key'), h.read('leaf.crt')), false);
  assert.equal(keyMatchesCert('garbage', h.read('leaf.crt')), false);
  const bad = tlsSecureContextOptions({ certPem: h.read('leaf.crt'), keyPem: h.read('int.key') });
  assert.deepEqual(bad, { ok: false, error: 'private key does not match public key' });
  const good = tlsSecureContextOptions({ certPem: h.read('leaf.crt'), keyPem: h.read('leaf.key'), caPem: h.read('ca.crt') });
  assert.equal(good.ok, true);
  const v = verifyPem(h.read('leaf.crt'), h.read('ca.crt'), { now: h.clock.now(), untrustedPem: h.read('int.crt') });
  assert.equal(v.ok, true);
});

test('a CA:TRUE certificate without keyCertSign: errors 79 and 32, as openssl 3.0 lists them', async () => {
  const h = await chain();
  h.write('k.cnf', '[k]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=digitalSignature\n');
  for (const cmd of ['x509 -req -in int.csr -CA ca.crt -CAkey ca.key -out ik.crt -extfile k.cnf -extensions k', 'x509 -req -in other.csr -CA ik.crt -CAkey int.key -out ok.crt']) {
    assert.equal((await h.run(cmd)).code, 0);
  }
  const r = await h.run('verify -CAfile ca.crt -untrusted ik.crt ok.crt');
  const expected = 'CN = intermediate\nerror 79 at 1 depth lookup: invalid CA certificate\nCN = intermediate\nerror 32 at 1 depth lookup: key usage does not include certificate signing\nerror ok.crt: verification failed\n';
  assert.equal(r.stderr, expected);
  if (haveRealOpenssl) {
    assert.equal(realOpenssl(['verify', '-CAfile', 'ca.crt', '-untrusted', 'ik.crt', 'ok.crt'], { 'ca.crt': h.read('ca.crt'), 'ik.crt': h.read('ik.crt'), 'ok.crt': h.read('ok.crt') }).stderr, expected);
  }
});

test('-CApath and the system store (/etc/ssl/certs) hold trusted CAs too', async () => {
  const h = await chain();
  h.fs.mkdir('/etc/ssl/certs', { recursive: true });
  h.fs.writeFile('/etc/ssl/certs/root.pem', h.read('ca.crt'));
  assert.equal((await h.run('verify -untrusted int.crt leaf.crt')).stdout, 'leaf.crt: OK\n');
  assert.equal((await h.run('verify -no-CApath -untrusted int.crt leaf.crt')).code, 2);
  h.fs.mkdir('/work/cas', { recursive: true });
  h.fs.writeFile('/work/cas/9a1b2c3d.0', h.read('int.crt'));
  const notAnchor = await h.run('verify -no-CApath -CApath cas leaf.crt');
  assert.equal(notAnchor.stderr, 'CN = intermediate\nerror 2 at 1 depth lookup: unable to get issuer certificate\nerror leaf.crt: verification failed\n');
  assert.equal((await h.run('verify -no-CApath -CApath cas -partial_chain leaf.crt')).stdout, 'leaf.crt: OK\n');
});
