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
