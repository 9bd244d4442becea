// The rest of what learners type: -newkey, prompts without -subj, serial files, EC keys,
// key/certificate match checks through md5, dgst, rand, rsa, unknown commands.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpensslHarness } from './test-helpers.ts';
import { errorQueueShape, haveRealOpenssl, realOpenssl } from './real-openssl.ts';

test('req -x509 -newkey: progress on stderr, a 0600 PKCS#8 key, a CA from the system config', async () => {
  const h = new OpensslHarness();
  const r = await h.run('req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj /CN=lab-ca -days 30');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^\.+\+{64}\n\.+\+{64}\n-----\n$/);
  assert.equal(h.fs.stat('/work/ca.key').mode, 0o600);
  assert.match(h.read('ca.key'), /^-----BEGIN PRIVATE KEY-----\n/);
  const text = (await h.run('x509 -in ca.crt -noout -text')).stdout;
  assert.match(text, /X509v3 Subject Key Identifier: \n.*\n\s+X509v3 Authority Key Identifier: \n.*\n\s+X509v3 Basic Constraints: critical\n\s+CA:TRUE\n/);
  assert.match(text, /Not Before: Nov 21 09:22:32 2026 GMT\n\s+Not After : Dec 21 09:22:32 2026 GMT/);
});

test('req without -subj asks for each field on stderr; EOF ends it with an error', async () => {
  const h = new OpensslHarness();
  await h.run('genrsa -out k.key 2048');
  const answers = 'DE\nBerlin\n\n.\n\nmy cn\n\n\n\n';
  const r = await h.run('req -new -key k.key -out k.csr', answers);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await h.run('req -in k.csr -noout -subject')).stdout, 'subject=C = DE, ST = Berlin, CN = my cn\n');
  if (haveRealOpenssl) {
    const real = realOpenssl(['req', '-new', '-key', 'k.key', '-out', 'k.csr'], { 'k.key': h.read('k.key') }, answers);
    assert.equal(r.stderr, real.stderr);
  }
  const eof = await h.run('req -new -key k.key -out k2.csr', '');
  assert.equal(eof.code, 1);
  assert.match(eof.stderr, /-----\nCountry Name \(2 letter code\) \[AU\]:Error making certificate request\n$/);
  const batch = await h.run('req -new -key k.key -batch -noout -subject');
  assert.equal(batch.stdout, 'subject=C = AU, ST = Some-State, O = Internet Widgits Pty Ltd\n');
});

test('-CAcreateserial writes ca.srl; the next signing uses the following number', async () => {
  const h = new OpensslHarness();
  await h.run('req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj /CN=ca');
  await h.run('req -new -newkey rsa:2048 -nodes -keyout c.key -out c.csr -subj /CN=c');
  assert.equal((await h.run('x509 -req -in c.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out c1.crt')).code, 0);
  const srl = h.read('ca.srl');
  assert.match(srl, /^[0-9A-F]{40}\n$/);
  assert.equal((await h.run('x509 -in c1.crt -noout -serial')).stdout, `serial=${srl}`);
  await h.run('x509 -req -in c.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out c2.crt');
  let next = (BigInt('0x' + srl.trim()) + 1n).toString(16).toUpperCase();
  if (next.length % 2) next = '0' + next;
  assert.equal((await h.run('x509 -in c2.crt -noout -serial')).stdout, `serial=${next}\n`);
  const missing = await h.run('x509 -req -in c.csr -CA ca.crt -CAkey ca.key -CAserial none.srl -out c3.crt');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /none\.srl: No such file or directory\n.*BIO_new_file:No such file or directory:.*calling fopen\(none\.srl, r\)/);
  assert.equal((await h.run('x509 -req -in c.csr -CA ca.crt -CAkey ca.key -set_serial 0x1234567 -out c4.crt')).code, 0);
  assert.match((await h.run('x509 -in c4.crt -noout -text')).stdout, /Serial Number: 19088743 \(0x1234567\)\n/);
});

test('key and certificate match: modulus | md5 gives the same line for both, and differs for another key', async () => {
  const h = new OpensslHarness();
  await h.run('req -x509 -newkey rsa:2048 -nodes -keyout a.key -out a.crt -subj /CN=a');
  await h.run('genrsa -out b.key 2048');
  const md5 = async (cmd: string) => (await h.run('md5', (await h.run(cmd)).stdout)).stdout;
  const cert = await md5('x509 -noout -modulus -in a.crt');
  assert.match(cert, /^MD5\(stdin\)= [0-9a-f]{32}\n$/);
  assert.equal(await md5('rsa -noout -modulus -in a.key'), cert);
  assert.notEqual(await md5('rsa -noout -modulus -in b.key'), cert);
  const check = await h.run('rsa -in a.key -check -noout');
  assert.deepEqual([check.stdout, check.stderr], ['RSA key ok\n', '']);
  const pub = await h.run('rsa -in a.key -pubout');
  assert.equal(pub.stderr, 'writing RSA key\n');
  assert.equal(pub.stdout, (await h.run('x509 -in a.crt -noout -pubkey')).stdout);
});

test('EC and Ed25519 keys from genpkey make certificates that verify', async () => {
  const h = new OpensslHarness();
  assert.equal((await h.run('genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key')).code, 0);
  const r = await h.run('req -x509 -key ec.key -subj /CN=ec -out ec.crt');
  assert.equal(r.code, 0, r.stderr);
  const text = (await h.run('x509 -in ec.crt -noout -text')).stdout;
  assert.match(text, /Public Key Algorithm: id-ecPublicKey\n\s+Public-Key: \(256 bit\)\n\s+pub:\n[\s\S]+ASN1 OID: prime256v1\n\s+NIST CURVE: P-256\n/);
  assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
  assert.equal((await h.run('verify -CAfile ec.crt ec.crt')).stdout, 'ec.crt: OK\n');
  assert.equal((await h.run('genpkey -algorithm ED25519 -out ed.key')).code, 0);
  assert.equal((await h.run('req -x509 -key ed.key -subj /CN=ed -out ed.crt')).code, 0);
  assert.equal((await h.run('verify -CAfile ed.crt ed.crt')).stdout, 'ed.crt: OK\n');
  if (haveRealOpenssl) {
    const files = { 'ec.crt': h.read('ec.crt'), 'ed.crt': h.read('ed.crt') };
    assert.equal(realOpenssl(['verify', '-CAfile', 'ec.crt', 'ec.crt'], files).stdout, 'ec.crt: OK\n');
    assert.equal(realOpenssl(['verify', '-CAfile', 'ed.crt', 'ed.crt'], files).stdout, 'ed.crt: OK\n');
    assert.equal(realOpenssl(['x509', '-in', 'ec.crt', '-noout', '-text'], files).stdout, text);
  }
});

test('dgst, sha256, rand, version, and an unknown command', async () => {
  const h = new OpensslHarness();
  h.write('abc.txt', 'abc');
  assert.equal((await h.run('dgst -sha256 abc.txt')).stdout, 'SHA2-256(abc.txt)= ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n');
  assert.equal((await h.run('md5 abc.txt')).stdout, 'MD5(abc.txt)= 900150983cd24fb0d6963f7d28e17f72\n');
  assert.equal((await h.run('sha256', 'abc')).stdout, 'SHA2-256(stdin)= ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n');
  assert.match((await h.run('rand -hex 16')).stdout, /^[0-9a-f]{32}\n$/);
  const b64 = (await h.run('rand -base64 32')).stdout;
  assert.equal(Buffer.from(b64.trim(), 'base64').length, 32);
  assert.match((await h.run('rand -base64 64')).stdout, /^[A-Za-z0-9+/]{64}\n[A-Za-z0-9+/=]{24}\n$/);
  assert.deepEqual(await h.run('rand -hex x'), { code: 1, stdout: '', stderr: 'rand: Can\'t parse "x" as a number\nrand: Use -help for summary.\n' });
  assert.deepEqual(await h.run('frobnicate'), { code: 1, stdout: '', stderr: 'Invalid command \'frobnicate\'; type "help" for a list.\n' });
});

test('-subj escapes and multi-valued RDNs; -nameopt styles', async () => {
  const h = new OpensslHarness();
  await h.run('genrsa -out k.key 2048');
  await h.run(['req', '-new', '-key', 'k.key', '-out', 'k.csr', '-subj', '/C=US/O=A\\/B, Inc./CN=x+OU=y']);
  const csr = (await h.run('req -in k.csr -noout -subject')).stdout;
  assert.equal(csr, 'subject=C = US, O = "A/B, Inc.", CN = x + OU = y\n');
  assert.equal((await h.run('req -in k.csr -noout -subject -nameopt RFC2253')).stdout, 'subject=OU=y+CN=x,O=A/B\\, Inc.,C=US\n');
  await h.run(['req', '-new', '-key', 'k.key', '-out', 'q.csr', '-subj', '/CN= lead"q;<x> #']);
  assert.equal((await h.run('req -in q.csr -noout -subject')).stdout, 'subject=CN = " lead\\"q;<x> #"\n');
  const bad = await h.run(['req', '-new', '-key', 'k.key', '-subj', 'CN=x']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, "req: subject name is expected to be in the format /type0=value0/type1=value1/type2=... where characters may be escaped by \\. This name is not in that format: 'CN=x'\n");
});

test('DER in and out: -outform DER writes the same bytes the PEM holds, and DER reads back', async () => {
  const h = new OpensslHarness();
  await h.run('req -x509 -newkey rsa:2048 -nodes -keyout k.key -out c.pem -subj /CN=der');
  assert.equal((await h.run('x509 -in c.pem -outform DER -out c.der')).code, 0);
  const der = Buffer.from(h.fs.readFile('/work/c.der'));
  assert.equal(der[0], 0x30);
  assert.equal(der.toString('base64'), h.read('c.pem').replace(/-----[A-Z ]+-----|\n/g, ''));
  assert.equal((await h.run('x509 -in c.der -inform DER -noout -subject')).stdout, 'subject=CN = der\n');
  assert.equal((await h.run('rsa -in k.key -outform DER -out k.der')).code, 0);
  assert.equal((await h.run('rsa -in k.der -inform DER -noout -check')).stdout, 'RSA key ok\n');
});

test('-addext replaces the config\'s extension in place; a repeated -addext is refused', async () => {
  const h = new OpensslHarness();
  await h.run('genrsa -out k.key 2048');
  assert.equal((await h.run(['req', '-x509', '-key', 'k.key', '-subj', '/CN=z', '-addext', 'basicConstraints=CA:FALSE', '-out', 'z.crt'])).code, 0);
  const text = (await h.run('x509 -in z.crt -noout -text')).stdout;
  assert.match(text, /X509v3 Subject Key Identifier: \n.*\n\s+X509v3 Authority Key Identifier: \n.*\n\s+X509v3 Basic Constraints: \n\s+CA:FALSE\n    Signature Algorithm/);
  const dup = await h.run(['req', '-new', '-key', 'k.key', '-subj', '/CN=z', '-addext', 'subjectAltName=DNS:a', '-addext', 'subjectAltName=DNS:b']);
  assert.deepEqual([dup.code, dup.stderr], [1, 'Duplicate extension: subjectAltName=DNS:b\nreq: Use -help for summary.\n']);
});

test('ecparam -genkey and req -newkey ec with -pkeyopt', async () => {
  const h = new OpensslHarness();
  const r = await h.run('ecparam -genkey -name prime256v1 -out ec.key');
  assert.equal(r.code, 0);
  assert.match(h.read('ec.key'), /^-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n-----BEGIN EC PRIVATE KEY-----\n/);
  assert.equal((await h.run('req -x509 -key ec.key -subj /CN=ec -out ec.crt')).code, 0);
  const n = await h.run('req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp384r1 -nodes -keyout e2.key -subj /CN=e2 -out e2.crt');
  assert.equal(n.code, 0, n.stderr);
  assert.match((await h.run('x509 -in e2.crt -noout -text')).stdout, /Public-Key: \(384 bit\)[\s\S]*NIST CURVE: P-384/);
  const bad = await h.run('ecparam -genkey -name foo');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^unable to generate key\n.*:error:0800008D:elliptic curve routines:group_new_from_name:invalid curve:/);
});

test('encrypted keys: -aes256 with -passout, read back with -passin or a typed pass phrase; a wrong one fails', async () => {
  const h = new OpensslHarness();
  assert.equal((await h.run('genrsa -aes256 -passout pass:secret -out k.key 2048')).code, 0);
  assert.match(h.read('k.key'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
  assert.equal((await h.run('rsa -in k.key -passin pass:secret -check -noout')).stdout, 'RSA key ok\n');
  const typed = await h.run('rsa -in k.key -check -noout', 'secret\n');
  assert.deepEqual([typed.stdout, typed.stderr], ['RSA key ok\n', 'Enter pass phrase for k.key:']);
  const wrong = await h.run('rsa -in k.key -passin pass:wrong -check -noout');
  assert.equal(wrong.code, 1);
  if (haveRealOpenssl) {
    const files = { 'k.key': h.read('k.key') };
    assert.equal(realOpenssl(['rsa', '-in', 'k.key', '-passin', 'pass:secret', '-check', '-noout'], files).stdout, 'RSA key ok\n');
    const real = realOpenssl(['rsa', '-in', 'k.key', '-passin', 'pass:wrong', '-check', '-noout'], files);
    assert.equal(errorQueueShape(wrong.stderr), errorQueueShape(real.stderr));
  }
});

test('-ext that finds nothing says "No extensions in certificate" and still succeeds', async () => {
  const h = new OpensslHarness();
  await h.run('req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj /CN=ca');
  await h.run('req -new -newkey rsa:2048 -nodes -keyout c.key -out c.csr -subj /CN=c');
  await h.run('x509 -req -in c.csr -CA ca.crt -CAkey ca.key -out v1.crt');
  for (const [f, ext] of [['v1.crt', 'subjectAltName'], ['ca.crt', 'nosuch'], ['ca.crt', 'subjectAltName']] as const) {
    assert.deepEqual(await h.run(['x509', '-in', f, '-noout', '-ext', ext]), { code: 0, stdout: '', stderr: 'No extensions in certificate\n' });
  }
  assert.equal((await h.run('x509 -in ca.crt -noout -ext basicConstraints,nosuch')).stdout, 'X509v3 Basic Constraints: critical\n    CA:TRUE\n');
});

test('req -x509 without -subj asks only for the name, not for request attributes', async () => {
  const h = new OpensslHarness();
  await h.run('genrsa -out k.key 2048');
  const r = await h.run('req -x509 -new -key k.key -out c.crt', 'DE\n\n\n\n\nx\n\n');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Email Address \[\]:$/);
  assert.equal((await h.run('x509 -in c.crt -noout -subject')).stdout, 'subject=C = DE, ST = Some-State, O = Internet Widgits Pty Ltd, CN = x\n');
});

test('-help lists the options this openssl understands, on stderr, status 0', async () => {
  const h = new OpensslHarness();
  const r = await h.run('req -help');
  assert.equal(r.code, 0);
  assert.match(r.stderr, /^Usage: req \[options\]\n\nGeneral options:\n -help +Display this summary\n/);
  for (const opt of ['-addext val', '-x509', '-newkey val', '-subj val', '-config infile']) assert.ok(r.stderr.includes(` ${opt} `), opt);
});

test('pkey -text for EC and Ed25519 keys prints what openssl prints', { skip: !haveRealOpenssl && 'no /usr/bin/openssl' }, async () => {
  const h = new OpensslHarness();
  await h.run('genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key');
  await h.run('genpkey -algorithm ED25519 -out ed.key');
  const files = { 'ec.key': h.read('ec.key'), 'ed.key': h.read('ed.key') };
  for (const args of [['pkey', '-in', 'ec.key', '-noout', '-text'], ['pkey', '-in', 'ed.key', '-noout', '-text'], ['pkey', '-in', 'ec.key', '-noout', '-text_pub']]) {
    assert.equal((await h.run(args)).stdout, realOpenssl(args, files).stdout, args.join(' '));
  }
});
