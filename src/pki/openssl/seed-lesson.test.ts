// The real course's commands, verbatim, against our openssl: CA, server certificate with
// SANs (IPv6 too) from a config file, client certificate from -subj, verify. Where Debian's
// openssl is installed, it must accept what we made, and print the same -text layout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCertificatePem, certificateSans, isCa } from '../certificate.ts';
import { keyMatchesCert } from '../index.ts';
import { OpensslHarness } from './test-helpers.ts';
import { errorQueueShape, haveRealOpenssl, realOpenssl } from './real-openssl.ts';

const SERVER_CNF = `[ req ]
default_bits = 2048
distinguished_name = req_distinguished_name
req_extensions = req_ext
prompt = no
[ req_distinguished_name ]
CN = server
[ req_ext ]
subjectAltName = @alt_names
[ alt_names ]
DNS.1 = localhost
DNS.2 = node-1
IP.1 = 127.0.0.1
IP.2 = ::1
IP.3 = 10.0.0.11
`;

async function lessonPki(caBits = 2048): Promise<OpensslHarness> {
  const h = new OpensslHarness();
  const ok = async (cmd: string) => {
    const r = await h.run(cmd);
    assert.equal(r.code, 0, `${cmd}\n${r.stderr}`);
    return r;
  };
  await ok(`genrsa -out ca.key ${caBits}`);
  await ok('req -x509 -new -nodes -key ca.key -out ca.crt -subj "/CN=etcd" -sha256 -days 3650');
  h.write('server.cnf', SERVER_CNF);
  await ok('genrsa -out server.key 2048');
  await ok('req -new -key server.key -out server.csr -config server.cnf');
  const signed = await ok('x509 -req -in server.csr -out server.crt -CA ca.crt -CAkey ca.key -days 365 -extfile server.cnf -extensions req_ext');
  assert.equal(signed.stderr, 'Certificate request self-signature ok\nsubject=CN = server\n');
  await ok('genrsa -out client.key 2048');
  await ok('req -new -key client.key -out client.csr -subj "/CN=etcd/O=etcd"');
  await ok('x509 -req -in client.csr -out client.crt -CA ca.crt -CAkey ca.key -days 365');
  return h;
}

test('the lesson: CA (4096-bit), server with SANs, client; verify says OK', async () => {
  const h = await lessonPki(4096);
  assert.match(h.read('ca.key'), /^-----BEGIN PRIVATE KEY-----\n/);
  const ca = parseCertificatePem(h.read('ca.crt'))!;
  assert.equal(isCa(ca), true);
  assert.equal(ca.version, 2);
  assert.equal((await h.run('x509 -in ca.crt -noout -text')).stdout.includes('Public-Key: (4096 bit)'), true);
  const server = parseCertificatePem(h.read('server.crt'))!;
  assert.deepEqual(certificateSans(server), { dns: ['localhost', 'node-1'], ip: ['127.0.0.1', '::1', '10.0.0.11'], email: [], uri: [] });
  assert.equal(isCa(server), false);
  // OpenSSL 3.0 signs a CSR without -extfile as a v1 certificate without extensions.
  const client = parseCertificatePem(h.read('client.crt'))!;
  assert.equal(client.version, 0);
  assert.equal(client.extensions.length, 0);
  const v = await h.run('verify -CAfile ca.crt server.crt client.crt');
  assert.deepEqual([v.code, v.stdout, v.stderr], [0, 'server.crt: OK\nclient.crt: OK\n', '']);
  assert.equal(keyMatchesCert(h.read('server.key'), h.read('server.crt')), true);
  assert.equal(keyMatchesCert(h.read('client.key'), h.read('server.crt')), false);
  // No -CAcreateserial: OpenSSL 3 picks a random serial and writes no ca.srl.
  assert.equal(h.fs.exists('/work/ca.srl'), false);
});

test('the files we make are accepted by the real openssl, which prints the same -text', { skip: !haveRealOpenssl && 'no /usr/bin/openssl' }, async () => {
  const h = await lessonPki();
  const files = Object.fromEntries(['ca.crt', 'ca.key', 'server.crt', 'server.csr', 'server.key', 'client.crt', 'client.key'].map((f) => [f, h.read(f)]));
  const real = realOpenssl(['verify', '-CAfile', 'ca.crt', 'server.crt', 'client.crt'], files);
  assert.equal(real.stdout, 'server.crt: OK\nclient.crt: OK\n', real.stderr);
  for (const f of ['ca.crt', 'server.crt', 'client.crt']) {
    const ours = (await h.run(`x509 -in ${f} -noout -text`)).stdout;
    assert.equal(ours, realOpenssl(['x509', '-in', f, '-noout', '-text'], files).stdout, `${f} -text differs`);
  }
  const csrReal = realOpenssl(['req', '-in', 'server.csr', '-noout', '-text', '-verify'], files);
  assert.equal((await h.run('req -in server.csr -noout -text')).stdout, csrReal.stdout);
  assert.equal((await h.run('rsa -in server.key -noout -text')).stdout, realOpenssl(['rsa', '-in', 'server.key', '-noout', '-text'], files).stdout);
  for (const q of [['-subject', '-issuer', '-dates', '-serial', '-hash', '-issuer_hash'], ['-fingerprint', '-sha256'], ['-ext', 'subjectAltName'], ['-modulus'], ['-pubkey']]) {
    const args = ['x509', '-in', 'server.crt', '-noout', ...q];
    assert.equal((await h.run(args)).stdout, realOpenssl(args, files).stdout, args.join(' '));
  }
});

test('certificates made by the real openssl are read and verified by ours', { skip: !haveRealOpenssl && 'no /usr/bin/openssl' }, async () => {
  // The real tool makes a CA and a server certificate; we verify and print them.
  const script = [
    'openssl genrsa -out ca.key 2048 2>/dev/null',
    'openssl req -x509 -new -nodes -key ca.key -out ca.crt -subj /CN=real-ca -days 10 2>/dev/null',
    'openssl req -new -newkey rsa:2048 -nodes -keyout s.key -out s.csr -subj /CN=s -addext subjectAltName=DNS:s,IP:::1 2>/dev/null',
    'openssl x509 -req -in s.csr -CA ca.crt -CAkey ca.key -out s.crt -copy_extensions copyall 2>/dev/null',
    'for f in ca.crt ca.key s.crt s.key; do echo "=== $f"; cat $f; done',
  ].join(' && ');
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/pki-real-`);
  let dump: string;
  try {
    dump = execFileSync('/bin/sh', ['-c', script], { cwd: dir }).toString();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const h = new OpensslHarness(Date.now() + 1000);
  for (const part of dump.split('=== ').slice(1)) {
    const nl = part.indexOf('\n');
    h.write(part.slice(0, nl), part.slice(nl + 1));
  }
  const v = await h.run('verify -CAfile ca.crt s.crt');
  assert.equal(v.stdout, 's.crt: OK\n', v.stderr);
  const real = realOpenssl(['x509', '-in', 's.crt', '-noout', '-text'], { 's.crt': h.read('s.crt') });
  assert.equal((await h.run('x509 -in s.crt -noout -text')).stdout, real.stdout);
  assert.equal(keyMatchesCert(h.read('s.key'), h.read('s.crt')), true);
});

test('IP.3 with two comma-joined addresses fails as OpenSSL does', async () => {
  const h = new OpensslHarness();
  await h.run('genrsa -out server.key 2048');
  h.write('server.cnf', SERVER_CNF.replace('IP.3 = 10.0.0.11', 'IP.3 = 10.0.0.11,10.0.0.12'));
  const r = await h.run('req -new -key server.key -out server.csr -config server.cnf');
  assert.equal(r.code, 1);
  const lines = r.stderr.split('\n');
  assert.equal(lines[0], 'Error checking request extension section req_ext');
  assert.match(lines[1]!, /:error:11000076:X509 V3 routines:a2i_GENERAL_NAME:bad ip address:.*:value=10\.0\.0\.11,10\.0\.0\.12$/);
  assert.match(lines[2]!, /:error:11000080:X509 V3 routines:X509V3_EXT_nconf_int:error in extension:.*:section=req_ext, name=subjectAltName, value=@alt_names$/);
  assert.equal(h.fs.exists('/work/server.csr'), false);
});

test('a wrong path, a mismatched CA key, and a foreign CA each fail with openssl\'s words', async () => {
  const h = await lessonPki();
  const missing = await h.run('x509 -req -in server.csr -CA ca.crt -CAkey nope.key -out x.crt');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Could not open file or uri for loading CA private key from nope\.key\n.*:error:16000069:STORE routines:ossl_store_get0_loader_int:unregistered scheme:.*scheme=file\n.*:error:80000002:system library:file_open:No such file or directory:.*calling stat\(nope\.key\)\n$/);

  const noCert = await h.run('x509 -in nothere.crt -noout -text');
  assert.equal(noCert.code, 1);
  assert.match(noCert.stderr, /^Could not open file or uri for loading certificate from nothere\.crt\n[\s\S]*Unable to load certificate\n$/);

  const mismatch = await h.run('x509 -req -in client.csr -CA ca.crt -CAkey server.key -out x.crt');
  assert.equal(mismatch.code, 1);
  assert.match(mismatch.stderr, /CA certificate and CA private key do not match\n.*:error:05800074:x509 certificate routines:X509_check_private_key:key values mismatch:/);

  await h.run('genrsa -out other.key 2048');
  await h.run('req -x509 -new -key other.key -out other.crt -subj /CN=other -days 30');
  const foreign = await h.run('verify -CAfile other.crt server.crt');
  assert.equal(foreign.code, 2);
  assert.equal(foreign.stdout, '');
  assert.equal(foreign.stderr, 'CN = server\nerror 20 at 0 depth lookup: unable to get local issuer certificate\nerror server.crt: verification failed\n');
});

test('an expired certificate: verify reports error 10, -checkend says it will expire', async () => {
  const h = await lessonPki();
  await h.run('x509 -req -in client.csr -out short.crt -CA ca.crt -CAkey ca.key -days 1');
  h.clock.jumpWallClock(2 * 86_400_000);
  const v = await h.run('verify -CAfile ca.crt short.crt');
  assert.equal(v.code, 2);
  assert.equal(v.stderr, 'CN = etcd, O = etcd\nerror 10 at 0 depth lookup: certificate has expired\nerror short.crt: verification failed\n');
  const c = await h.run('x509 -in short.crt -noout -checkend 0');
  assert.deepEqual([c.code, c.stdout], [1, 'Certificate will expire\n']);
  const s = await h.run('x509 -in server.crt -noout -checkend 86400');
  assert.deepEqual([s.code, s.stdout], [0, 'Certificate will not expire\n']);
});

test('a malformed config: the line and reason openssl gives', async () => {
  const h = new OpensslHarness();
  await h.run('genrsa -out k.key 2048');
  h.write('bad1.cnf', '[ req\nprompt = no\n');
  const a = await h.run('req -new -key k.key -config bad1.cnf -out x.csr');
  assert.equal(a.code, 1);
  assert.match(a.stderr, /^req: Error on line 1 of config file "bad1\.cnf"\n.*:error:07000064:configuration file routines:def_load_bio:missing close square bracket:.*:line 1\n$/);
  h.write('bad2.cnf', '[req]\nprompt = no\nthis line has no equals\n');
  const b = await h.run('req -new -key k.key -config bad2.cnf -out x.csr');
  assert.match(b.stderr, /^req: Error on line 3 of config file "bad2\.cnf"\n.*:error:07000065:configuration file routines:def_load_bio:missing equal sign:.*:HERE-->line has no equalsline 3\n$/);
  h.write('bad3.cnf', '[req]\nprompt = no\ndistinguished_name = dn\n[dn]\nCN = $ENV::NOPE\n');
  const c = await h.run('req -new -key k.key -config bad3.cnf -out x.csr');
  assert.match(c.stderr, /^req: Error on line 5 of config file "bad3\.cnf"\n.*:error:07000068:configuration file routines:str_copy:variable has no value:.*:line 5\n$/);
  const u = await h.run('req -foo');
  assert.deepEqual([u.code, u.stderr], [1, 'req: Unknown option or message digest: foo\nreq: Use -help for summary.\n']);
});

test('the same error output as the real openssl for the common mistakes', { skip: !haveRealOpenssl && 'no /usr/bin/openssl' }, async () => {
  const h = await lessonPki();
  const files = Object.fromEntries(['ca.crt', 'ca.key', 'server.crt', 'server.csr', 'server.key', 'client.csr'].map((f) => [f, h.read(f)]));
  for (const cmd of [
    ['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'nope.key', '-out', 'x.crt'],
    ['x509', '-in', 'nothere.crt', '-noout'],
    ['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'server.key', '-out', 'x.crt'],
    ['req', '-new', '-key', 'missing.key', '-subj', '/CN=x'],
    ['req', '-in', 'missing.csr', '-noout'],
    ['verify', '-CAfile', 'server.crt', 'server.crt'],
    ['verify', '-CAfile', 'nofile.crt', 'server.crt'],
    ['req', '-out'],
    ['genrsa', '-zzz'],
  ]) {
    const real = realOpenssl(cmd, files);
    const ours = await h.run(cmd);
    assert.equal(errorQueueShape(ours.stderr), errorQueueShape(real.stderr), cmd.join(' '));
    assert.equal(ours.code, real.status, cmd.join(' '));
  }
});
