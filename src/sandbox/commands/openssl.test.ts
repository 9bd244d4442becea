// openssl on a virtual host: installed in /usr/bin, files owned by whoever ran it, and a
// root-only key unreadable for the learner with OpenSSL's own words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run, testHost } from './testing.ts';

test('openssl is on the PATH and reports its version like Debian 12', async () => {
  const host = testHost();
  const r = await run(host, 'openssl version');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^OpenSSL 3\.0\.\d+ .*\(Library: OpenSSL 3\.0\.\d+ /);
});

test('a root-only CA key cannot be used by the learner; root can sign', async () => {
  const host = testHost();
  host.rootFs.mkdir('/etc/etcd/pki', { recursive: true });
  const asRoot = { as: 'root' as const, cwd: '/etc/etcd/pki' };
  assert.equal((await run(host, 'openssl genrsa -out ca.key 2048', asRoot)).status, 0);
  assert.equal((await run(host, ['openssl', 'req', '-x509', '-new', '-nodes', '-key', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=etcd', '-days', '3650'], asRoot)).status, 0);
  assert.equal(host.rootFs.stat('/etc/etcd/pki/ca.key').mode, 0o600);
  assert.equal(host.rootFs.stat('/etc/etcd/pki/ca.key').uid, 0);

  const opts = { cwd: '/home/learner' };
  assert.equal((await run(host, 'openssl genrsa -out client.key 2048', opts)).status, 0);
  assert.equal((await run(host, ['openssl', 'req', '-new', '-key', 'client.key', '-out', 'client.csr', '-subj', '/CN=etcd/O=etcd'], opts)).status, 0);
  const denied = await run(host, 'openssl x509 -req -in client.csr -out client.crt -CA /etc/etcd/pki/ca.crt -CAkey /etc/etcd/pki/ca.key -days 365', opts);
  assert.equal(denied.status, 1);
  assert.match(denied.stderr, /^Certificate request self-signature ok\nsubject=CN = etcd, O = etcd\n/);
  assert.match(denied.stderr, /Could not open file or uri for loading CA private key from \/etc\/etcd\/pki\/ca\.key\n/);
  assert.match(denied.stderr, /:error:8000000D:system library:BIO_new_file:Permission denied:.*calling fopen\(\/etc\/etcd\/pki\/ca\.key, rb\)/);
  assert.equal(host.rootFs.exists('/home/learner/client.crt'), false);

  const ok = await run(host, 'openssl x509 -req -in /home/learner/client.csr -out /home/learner/client.crt -CA ca.crt -CAkey ca.key -days 365', asRoot);
  assert.equal(ok.status, 0, ok.stderr);
  const v = await run(host, 'openssl verify -CAfile /etc/etcd/pki/ca.crt client.crt', opts);
  assert.equal(v.stdout, 'client.crt: OK\n');
});

test('s_client over the virtual network: a TLS server on the host, in-memory sockets', async () => {
  const { createServer } = await import('node:tls');
  const host = testHost();
  const opts = { cwd: '/home/learner' };
  for (const argv of [
    ['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=etcd'],
    ['openssl', 'req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 's.key', '-out', 's.csr', '-subj', '/CN=server', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ['openssl', 'x509', '-req', '-in', 's.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-out', 's.crt', '-copy_extensions', 'copy'],
  ]) {
    const r = await run(host, argv, opts);
    assert.equal(r.status, 0, r.stderr);
  }
  const read = (f: string) => Buffer.from(host.rootFs.readFile(`/home/learner/${f}`)).toString();
  const server = createServer({ cert: read('s.crt'), key: read('s.key') }, (s) => {
    s.on('data', (d) => s.write(`echo:${d}`));
    s.on('error', () => undefined);
  });
  const listener = await host.network.listen({ host: '0.0.0.0', port: 2379 }, (sock) => server.emit('connection', sock));
  try {
    const r = await run(host, ['openssl', 's_client', '-connect', '127.0.0.1:2379', '-CAfile', 'ca.crt'], { ...opts, stdin: 'hi\n' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^CONNECTED\(00000003\)\n---\nCertificate chain\n 0 s:CN = server\n   i:CN = etcd\n/);
    assert.match(r.stdout, /SSL handshake has read [1-9]\d* bytes and written [1-9]\d* bytes\nVerification: OK\n/);
    const withoutTickets = r.stdout.replace(/---\nPost-Handshake New Session Ticket arrived:\n[\s\S]*?read R BLOCK\n/g, '');
    assert.match(withoutTickets, /Verify return code: 0 \(ok\)\n---\necho:hi\n$/);
    assert.match(r.stderr, /depth=0 CN = server\nverify return:1\nDONE\n$/);
    const refused = await run(host, ['openssl', 's_client', '-connect', '127.0.0.1:2380'], opts);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /connect:errno=111\n$/);
  } finally {
    await listener.close();
  }
});

test('forgetting sudo in a root-owned directory: openssl cannot write, in its own words', async () => {
  const host = testHost();
  host.rootFs.mkdir('/etc/etcd/pki', { recursive: true });
  const opts = { cwd: '/etc/etcd/pki' };
  const g = await run(host, 'openssl genrsa -out ca.key 2048', opts);
  assert.deepEqual([g.status, g.stdout, g.stderr], [1, '', 'genrsa: Can\'t open "ca.key" for writing, Permission denied\n']);
  const key = await run(host, 'openssl genrsa 2048', opts);
  assert.equal(key.status, 0);
  const r = await run(host, ['openssl', 'req', '-x509', '-new', '-nodes', '-key', '/dev/stdin', '-out', 'ca.crt', '-subj', '/CN=etcd'], { ...opts, stdin: key.stdout });
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    /^Can't open "ca\.crt" for writing, Permission denied\n[0-9A-F]{16}:error:8000000D:system library:BIO_new_file:Permission denied:\.\.\/crypto\/bio\/bss_file\.c:67:calling fopen\(ca\.crt, w\)\n[0-9A-F]{16}:error:10080002:BIO routines:BIO_new_file:system lib:\.\.\/crypto\/bio\/bss_file\.c:77:\n$/,
  );
  assert.equal(host.rootFs.exists('/etc/etcd/pki/ca.key'), false);
});
