// s_client against a node:tls server on 127.0.0.1 (our Network implemented with node:net
// for the test): handshake report, verification, mutual TLS, refused connections. Where
// Debian's openssl is installed, its s_client's report on the same server is the reference.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createServer, type Server } from 'node:tls';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { NetError, type Network } from '../../platform/network.ts';
import { OpensslHarness } from './test-helpers.ts';
import { errorQueueShape, haveRealOpenssl, realOpensslAsync } from './real-openssl.ts';

const tcp: Network = {
  resolve: (h) => (h === 'localhost' ? '127.0.0.1' : undefined),
  listen: () => Promise.reject(new Error('not used')),
  connect: (addr) =>
    new Promise((resolve, reject) => {
      const s = netConnect({ host: addr.host === 'localhost' ? '127.0.0.1' : addr.host, port: addr.port });
      s.once('connect', () => resolve(s));
      s.once('error', (e: NodeJS.ErrnoException) => reject(new NetError(e.code === 'ECONNREFUSED' ? 'ECONNREFUSED' : 'ECONNRESET', 'connect', addr)));
    }),
};

/** The output without TLS 1.3 ticket blocks, which arrive whenever the server sends them. */
const withoutTickets = (s: string) => s.replace(/---\nPost-Handshake New Session Ticket arrived:\n[\s\S]*?read R BLOCK\n/g, '');

/** A ticket block with its values blanked: what must match the real s_client. */
const ticketShape = (s: string) =>
  /---\nPost-Handshake New Session Ticket arrived:\n[\s\S]*?read R BLOCK\n/
    .exec(s)?.[0]
    .replace(/[0-9A-F]{64,}/g, 'HEX')
    .replace(/^ {4}[0-9a-f]{4} - .*$/gm, 'DUMP')
    .replace(/(DUMP\n)+/g, 'DUMP\n')
    .replace(/\d+/g, 'N');

let h: OpensslHarness;
let mtls: Server;
let mtlsPort = 0;
let closedPort = 0;
let byeServer: Server;
let plain: HttpServer;
let plainPort = 0;
let byePort = 0;

before(async () => {
  h = new OpensslHarness(Date.now());
  h.net = tcp;
  for (const cmd of [
    'genrsa -out ca.key 2048',
    'req -x509 -new -nodes -key ca.key -out ca.crt -subj /CN=etcd -days 3650',
    'req -new -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=server -addext subjectAltName=DNS:localhost,IP:127.0.0.1',
    'x509 -req -in server.csr -out server.crt -CA ca.crt -CAkey ca.key -days 365 -copy_extensions copy',
    'req -new -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=etcd/O=etcd',
    'x509 -req -in client.csr -out client.crt -CA ca.crt -CAkey ca.key -days 365',
  ]) {
    const r = await h.run(cmd);
    assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
  }
  // An etcd-like server: sends only its leaf certificate, requires a client certificate, says hello.
  mtls = createServer({ cert: h.read('server.crt'), key: h.read('server.key'), ca: h.read('ca.crt'), requestCert: true, rejectUnauthorized: true }, (s) => {
    s.write('hello from server\n');
    s.on('data', (d) => s.write(`echo:${d}`));
    s.on('end', () => s.end());
    s.on('error', () => undefined);
  });
  mtls.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => mtls.listen(0, '127.0.0.1', r));
  mtlsPort = (mtls.address() as AddressInfo).port;
  // A server that answers and hangs up at once.
  byeServer = createServer({ cert: h.read('server.crt'), key: h.read('server.key') }, (s) => {
    s.end('bye\n');
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => byeServer.listen(0, '127.0.0.1', r));
  byePort = (byeServer.address() as AddressInfo).port;
  plain = createHttpServer((_q, res) => res.end('ok'));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  plainPort = (plain.address() as AddressInfo).port;
  const probe = createServer({});
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
});

after(async () => {
  await new Promise<void>((r) => mtls.close(() => r()));
  await new Promise<void>((r) => byeServer.close(() => r()));
  await new Promise<void>((r) => plain.close(() => r()));
});

test('a plain-HTTP port: "wrong version number", no peer certificate, status 1', async () => {
  const r = await h.run(`s_client -connect 127.0.0.1:${plainPort}`, '\n');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^[0-9A-F]{16}:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:..\/ssl\/record\/ssl3_record.c:350:\n$/);
  assert.match(r.stdout, /^CONNECTED\(00000003\)\n---\nno peer certificate available\n---\nNo client certificate CA names sent\n---\nSSL handshake has read 5 bytes and written \d+ bytes\nVerification: OK\n---\nNew, \(NONE\), Cipher is \(NONE\)\n/);
  if (haveRealOpenssl) {
    const real = await realOpensslAsync(['s_client', '-connect', `127.0.0.1:${plainPort}`], {}, '\n');
    assert.equal(real.status, 1);
    assert.equal(errorQueueShape(r.stderr), errorQueueShape(real.stderr));
    assert.equal(r.stdout.replace(/written \d+ bytes/, 'written N bytes'), real.stdout.replace(/written \d+ bytes/, 'written N bytes'));
  }
});

test('a server that hangs up first: its bytes, then "unexpected eof while reading", status 1', async () => {
  const open = { isTTY: true, read: () => new Promise<Uint8Array | null>(() => undefined) };
  const r = await h.run(`s_client -connect 127.0.0.1:${byePort} -CAfile ca.crt`, open);
  assert.equal(r.code, 1);
  assert.match(withoutTickets(r.stdout), /Verify return code: 0 \(ok\)\n---\nbye\n$/);
  assert.match(r.stdout, /\n---\nPost-Handshake New Session Ticket arrived:\nSSL-Session:\n    Protocol  : TLSv1\.3\n    Cipher    : TLS_AES_256_GCM_SHA384\n    Session-ID: [0-9A-F]{64}\n/);
  if (haveRealOpenssl) {
    const real = await realOpensslAsync(['s_client', '-connect', `127.0.0.1:${byePort}`, '-CAfile', 'ca.crt'], { 'ca.crt': h.read('ca.crt') }, null);
    assert.equal(ticketShape(r.stdout), ticketShape(real.stdout));
    assert.equal(errorQueueShape(r.stderr), errorQueueShape(real.stderr));
  }
  assert.match(r.stderr, /verify return:1\n[0-9A-F]{16}:error:0A000126:SSL routines:ssl3_read_n:unexpected eof while reading:..\/ssl\/record\/rec_layer_s3.c:318:\n$/);
});

test('mutual TLS: the report, verification OK, and the server\'s bytes on stdout', async () => {
  const r = await h.run(`s_client -connect 127.0.0.1:${mtlsPort} -CAfile ca.crt -cert client.crt -key client.key`, 'ping\n');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^CONNECTED\(00000003\)\n---\nCertificate chain\n 0 s:CN = server\n   i:CN = etcd\n   a:PKEY: rsaEncryption, 2048 \(bit\); sigalg: RSA-SHA256\n   v:NotBefore: \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT; NotAfter: /);
  assert.match(r.stdout, /\nServer certificate\n-----BEGIN CERTIFICATE-----\n[\s\S]+\nsubject=CN = server\nissuer=CN = etcd\n---\n/);
  assert.match(r.stdout, /\nVerification: OK\n---\nNew, TLSv1\.3, Cipher is TLS_AES_256_GCM_SHA384\nServer public key is 2048 bit\n/);
  assert.match(r.stdout, /Verify return code: 0 \(ok\)\n---\n/);
  assert.match(r.stdout, /hello from server\n/);
  assert.match(r.stderr, /^Can't use SSL_get_servername\ndepth=1 CN = etcd\nverify return:1\ndepth=0 CN = server\nverify return:1\n/);
  assert.match(r.stderr, /DONE\n$/);
});

test('without -CAfile the chain ends in an untrusted self-signed CA (error 19), as openssl reports it', async () => {
  // node:tls servers send their CA along with the leaf (OpenSSL builds the chain from `ca`).
  const r = await h.run(`s_client -connect 127.0.0.1:${mtlsPort} -cert client.crt -key client.key`);
  assert.match(r.stderr, /^Can't use SSL_get_servername\ndepth=1 CN = etcd\nverify error:num=19:self-signed certificate in certificate chain\nverify return:1\ndepth=1 CN = etcd\nverify return:1\ndepth=0 CN = server\nverify return:1\n/);
  assert.match(r.stdout, / 1 s:CN = etcd\n   i:CN = etcd\n/);
  assert.match(r.stdout, /Verification error: self-signed certificate in certificate chain\n[\s\S]*Verify return code: 19 \(self-signed certificate in certificate chain\)\n/);
  if (haveRealOpenssl) {
    const files = { 'client.crt': h.read('client.crt'), 'client.key': h.read('client.key') };
    const real = await realOpensslAsync(['s_client', '-connect', `127.0.0.1:${mtlsPort}`, '-cert', 'client.crt', '-key', 'client.key'], files);
    const grab = (s: string) => s.split('\n').filter((l) => /^(depth=|verify |Verify return code|Verification| \d s:|   i:|   a:)/.test(l));
    assert.deepEqual(grab(r.stderr + r.stdout).sort(), grab(real.stderr + real.stdout).sort());
  }
});

test('no client certificate for an mTLS server: the TLS 1.3 alert, as openssl prints it', async () => {
  const open = { isTTY: true, read: () => new Promise<Uint8Array | null>(() => undefined) };
  const r = await h.run(`s_client -connect 127.0.0.1:${mtlsPort} -CAfile ca.crt`, open);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\n[0-9A-F]{16}:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:..\/ssl\/record\/rec_layer_s3.c:1601:SSL alert number 116\n$/);
  if (haveRealOpenssl) {
    const real = await realOpensslAsync(['s_client', '-connect', `127.0.0.1:${mtlsPort}`, '-CAfile', 'ca.crt'], { 'ca.crt': h.read('ca.crt') }, null);
    assert.equal(real.status, 1);
    assert.equal(errorQueueShape(r.stderr), errorQueueShape(real.stderr));
  }
});

test('-brief prints the short summary only', async () => {
  const r = await h.run(`s_client -brief -connect 127.0.0.1:${mtlsPort} -CAfile ca.crt -cert client.crt -key client.key`);
  assert.equal(r.stdout.includes('CONNECTED'), false);
  assert.match(r.stderr, /^Can't use SSL_get_servername\nCONNECTION ESTABLISHED\nProtocol version: TLSv1\.3\nCiphersuite: TLS_AES_256_GCM_SHA384\nPeer certificate: CN = server\nHash used: SHA256\nSignature type: RSA-PSS\nVerification: OK\n/);
});

test('a closed port: connect errno=111, exit status 1', async () => {
  const r = await h.run(`s_client -connect 127.0.0.1:${closedPort}`);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /:error:8000006F:system library:BIO_connect:Connection refused:.*calling connect\(\)\n.*:error:10000067:BIO routines:BIO_connect:connect error:.*\nconnect:errno=111\n$/);
  if (haveRealOpenssl) {
    const real = spawnSync('/usr/bin/openssl', ['s_client', '-connect', `127.0.0.1:${closedPort}`], { input: '' });
    assert.equal(real.status, 1);
    assert.equal(errorQueueShape(r.stderr), errorQueueShape(real.stderr.toString()));
  }
});

test('piped into a reader that quits (| head): ends as a broken pipe, no stray rejection', async () => {
  const stray: unknown[] = [];
  const onStray = (e: unknown) => stray.push(e);
  process.on('unhandledRejection', onStray);
  try {
    let writes = 0;
    const { runOpenssl } = await import('./main.ts');
    const code = await runOpenssl({
      argv: ['s_client', '-connect', `127.0.0.1:${mtlsPort}`, '-CAfile', 'ca.crt', '-cert', 'client.crt', '-key', 'client.key'],
      env: h.env,
      cwd: h.cwd,
      fs: h.fsView,
      net: h.net,
      clock: h.clock,
      stdin: { isTTY: false, read: async () => null },
      // The report is the first write; everything after it finds the pipe closed.
      stdout: { isTTY: false, write: async () => { if (writes++ > 1) throw Object.assign(new Error('write error: Broken pipe'), { code: 'EPIPE' }); } },
      stderr: { isTTY: false, write: async () => undefined },
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(code, 1);
    assert.deepEqual(stray, []);
  } finally {
    process.off('unhandledRejection', onStray);
  }
});

test('-verify_hostname: the name check fails first; -brief shows only the errors; a match is "Verified peername"', async () => {
  const base = `s_client -connect 127.0.0.1:${mtlsPort} -CAfile ca.crt -cert client.crt -key client.key`;
  const bad = await h.run(`${base} -brief -verify_hostname etcd.local`);
  assert.match(bad.stderr, /^Can't use SSL_get_servername\ndepth=0 CN = server\nverify error:num=62:hostname mismatch\nCONNECTION ESTABLISHED\n/);
  assert.match(bad.stderr, /\nVerification error: hostname mismatch\n/);
  const good = await h.run(`${base} -brief -verify_hostname localhost`);
  assert.match(good.stderr, /^Can't use SSL_get_servername\nCONNECTION ESTABLISHED\n[\s\S]*\nVerification: OK\nVerified peername: localhost\n/);
  const full = await h.run(`${base} -verify_hostname etcd.local`);
  assert.match(full.stderr, /^Can't use SSL_get_servername\ndepth=0 CN = server\nverify error:num=62:hostname mismatch\nverify return:1\ndepth=1 CN = etcd\nverify return:1\ndepth=0 CN = server\nverify return:1\n/);
  assert.match(full.stdout, /\nVerification error: hostname mismatch\n[\s\S]*Verify return code: 62 \(hostname mismatch\)\n/);
  if (haveRealOpenssl) {
    const files = { 'ca.crt': h.read('ca.crt'), 'client.crt': h.read('client.crt'), 'client.key': h.read('client.key') };
    for (const extra of [['-brief', '-verify_hostname', 'etcd.local'], ['-brief', '-verify_hostname', 'localhost'], ['-verify_hostname', 'etcd.local']]) {
      const real = await realOpensslAsync(['s_client', '-connect', `127.0.0.1:${mtlsPort}`, '-CAfile', 'ca.crt', '-cert', 'client.crt', '-key', 'client.key', ...extra], files);
      const ours = await h.run([...base.split(' '), ...extra]);
      const grab = (s: string) => s.split('\n').filter((l) => /^(depth=|verify |Verif|notAfter|issuer=)/.test(l));
      assert.deepEqual(grab(ours.stderr + ours.stdout), grab(real.stderr + real.stdout), extra.join(' '));
    }
  }
});

test('an expired server certificate: error 10 with its notAfter on each call while the error stands', async () => {
  const r0 = await h.run('x509 -req -in server.csr -out expired.crt -CA ca.crt -CAkey ca.key -days -1 -copy_extensions copy');
  assert.equal(r0.code, 0, r0.stderr);
  const srv = createServer({ cert: h.read('expired.crt'), key: h.read('server.key') }, (s) => {
    s.end();
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  try {
    const notAfter = (await h.run('x509 -in expired.crt -noout -enddate')).stdout.trim();
    const full = await h.run(`s_client -connect 127.0.0.1:${port} -CAfile ca.crt`);
    assert.match(full.stderr, new RegExp(`^Can't use SSL_get_servername\\ndepth=1 CN = etcd\\nverify return:1\\ndepth=0 CN = server\\nverify error:num=10:certificate has expired\\n${notAfter}\\nverify return:1\\ndepth=0 CN = server\\n${notAfter}\\nverify return:1\\n`));
    const brief = await h.run(`s_client -connect 127.0.0.1:${port} -CAfile ca.crt -brief`);
    assert.match(brief.stderr, new RegExp(`^Can't use SSL_get_servername\\ndepth=0 CN = server\\nverify error:num=10:certificate has expired\\n${notAfter}\\n${notAfter}\\nCONNECTION ESTABLISHED\\n`));
    assert.match(brief.stderr, /\nVerification error: certificate has expired\n/);
  } finally {
    await new Promise<void>((r) => srv.close(() => r()));
  }
});
