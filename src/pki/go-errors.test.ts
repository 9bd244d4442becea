// Go's crypto/x509 words for the failures the lesson provokes (wrong name, foreign CA,
// expired, client certificate used to serve), checked against the texts Go prints.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCertificatePem } from './certificate.ts';
import { goVerifyError } from './go-errors.ts';
import { OpensslHarness } from './openssl/test-helpers.ts';

test('Go wording: names, unknown authority, expiry, key usage', async () => {
  const h = new OpensslHarness();
  h.write('s.cnf', '[e]\nsubjectAltName=DNS:localhost,DNS:node-1,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n[c]\nextendedKeyUsage=clientAuth\n');
  for (const cmd of [
    'req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj /CN=etcd -days 3650',
    'req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -subj /CN=other -days 3650',
    'req -new -newkey rsa:2048 -nodes -keyout s.key -out s.csr -subj /CN=server',
    'x509 -req -in s.csr -CA ca.crt -CAkey ca.key -out s.crt -days 365 -extfile s.cnf -extensions e',
    'x509 -req -in s.csr -CA ca.crt -CAkey ca.key -out nosan.crt -days 365',
    'x509 -req -in s.csr -CA ca.crt -CAkey ca.key -out client.crt -days 365 -extfile s.cnf -extensions c',
  ]) {
    assert.equal((await h.run(cmd)).code, 0, cmd);
  }
  const pem = (f: string) => parseCertificatePem(h.read(f))!;
  const ca = pem('ca.crt');
  const now = h.clock.now();
  assert.equal(goVerifyError(pem('s.crt'), [ca], { now, serverName: 'node-1', usage: 'serverAuth' }), undefined);
  assert.equal(goVerifyError(pem('s.crt'), [ca], { now, serverName: '::1' }), undefined);
  assert.equal(goVerifyError(pem('s.crt'), [ca], { now, serverName: 'node-2' }), 'x509: certificate is valid for localhost, node-1, not node-2');
  assert.equal(goVerifyError(pem('s.crt'), [ca], { now, serverName: '10.0.0.12' }), 'x509: certificate is valid for 127.0.0.1, ::1, not 10.0.0.12');
  assert.equal(goVerifyError(pem('nosan.crt'), [ca], { now, serverName: '10.0.0.11' }), "x509: cannot validate certificate for 10.0.0.11 because it doesn't contain any IP SANs");
  assert.equal(goVerifyError(pem('nosan.crt'), [ca], { now, serverName: 'server' }), 'x509: certificate relies on legacy Common Name field, use SANs instead');
  assert.equal(goVerifyError(pem('s.crt'), [pem('other.crt')], { now, serverName: 'localhost' }), 'x509: certificate signed by unknown authority');
  assert.equal(goVerifyError(pem('client.crt'), [ca], { now, usage: 'serverAuth' }), 'x509: certificate specifies an incompatible key usage');
  const later = Date.UTC(2028, 0, 1);
  assert.equal(
    goVerifyError(pem('s.crt'), [ca], { now: later, serverName: 'localhost' }),
    'x509: certificate has expired or is not yet valid: current time 2028-01-01T00:00:00Z is after 2027-11-21T09:22:32Z',
  );
});
