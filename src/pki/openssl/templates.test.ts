// certs-templates/: every config works as its comments say, with our openssl and with
// Debian's; key usages do what they claim (a client certificate cannot serve).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { certificateSans, parseCertificatePem } from '../certificate.ts';
import { DEFAULT_OPENSSL_CNF } from './default-config.ts';
import { OpensslHarness } from './test-helpers.ts';
import { haveRealOpenssl, realOpenssl } from './real-openssl.ts';

const template = (name: string) => readFileSync(new URL(`../../../certs-templates/${name}`, import.meta.url), 'utf8');

async function issueAll(): Promise<OpensslHarness> {
  const h = new OpensslHarness();
  h.env = { ...h.env, NODE_NAME: 'node-1', NODE_IP: '10.0.0.11' };
  for (const f of ['ca.cnf', 'server.cnf', 'peer.cnf', 'client.cnf']) h.write(f, template(f));
  const ok = async (cmd: string) => {
    const r = await h.run(cmd);
    assert.equal(r.code, 0, `${cmd}\n${r.stderr}`);
  };
  await ok('genrsa -out ca.key 2048');
  await ok('req -x509 -new -nodes -key ca.key -out ca.crt -days 3650 -config ca.cnf');
  for (const n of ['server', 'peer', 'client']) {
    await ok(`genrsa -out ${n}.key 2048`);
    await ok(`req -new -key ${n}.key -out ${n}.csr -config ${n}.cnf`);
    await ok(`x509 -req -in ${n}.csr -out ${n}.crt -CA ca.crt -CAkey ca.key -days 365 -extfile ${n}.cnf -extensions req_ext`);
  }
  return h;
}

test('the built-in system config is the template learners can read', () => {
  assert.equal(DEFAULT_OPENSSL_CNF, template('openssl.cnf'));
});

test('ca, server, peer and client templates give the certificates their comments promise', async () => {
  const h = await issueAll();
  const server = parseCertificatePem(h.read('server.crt'))!;
  assert.deepEqual(certificateSans(server).dns, ['localhost', 'node-1']);
  assert.deepEqual(certificateSans(server).ip, ['127.0.0.1', '::1', '10.0.0.11']);
  const check = async (cmd: string) => (await h.run(cmd)).stdout + (await h.run(cmd)).stderr;
  assert.equal(await check('verify -CAfile ca.crt -purpose sslserver server.crt peer.crt'), 'server.crt: OK\npeer.crt: OK\n');
  assert.equal(await check('verify -CAfile ca.crt -purpose sslclient client.crt peer.crt'), 'client.crt: OK\npeer.crt: OK\n');
  const wrong = await h.run('verify -CAfile ca.crt -purpose sslserver client.crt');
  assert.equal(wrong.code, 2);
  assert.equal(wrong.stderr, 'CN = etcd-client, O = etcd\nerror 26 at 0 depth lookup: unsuitable certificate purpose\nerror client.crt: verification failed\n');
  const ext = await h.run('x509 -in client.crt -noout -ext extendedKeyUsage,keyUsage');
  assert.equal(ext.stdout, 'X509v3 Key Usage: critical\n    Digital Signature, Key Encipherment\nX509v3 Extended Key Usage: \n    TLS Web Client Authentication\n');
});

test('without NODE_NAME exported, server.cnf stops at the line that needs it', async () => {
  const h = new OpensslHarness();
  h.write('server.cnf', template('server.cnf'));
  await h.run('genrsa -out server.key 2048');
  const r = await h.run('req -new -key server.key -out server.csr -config server.cnf');
  assert.equal(r.code, 1);
  const line = template('server.cnf').split('\n').findIndex((l) => l.includes('$ENV::NODE_NAME') && l.startsWith('CN')) + 1;
  assert.match(r.stderr, new RegExp(`^req: Error on line ${line} of config file "server.cnf"\\n.*variable has no value`));
});

test('the templates mean the same to the real openssl', { skip: !haveRealOpenssl && 'no /usr/bin/openssl' }, async () => {
  const h = await issueAll();
  const names = ['ca', 'server', 'peer', 'client'];
  const files: Record<string, string> = {};
  for (const n of names) for (const ext of ['crt', 'key', 'cnf']) files[`${n}.${ext}`] = h.read(`${n}.${ext}`);
  const real = realOpenssl(['verify', '-CAfile', 'ca.crt', '-purpose', 'sslserver', 'server.crt', 'peer.crt', 'client.crt'], files);
  assert.equal(real.stdout, 'server.crt: OK\npeer.crt: OK\n');
  assert.match(real.stderr, /error 26 at 0 depth lookup: unsuitable certificate purpose\nerror client.crt: verification failed/);
  for (const n of names) {
    const ours = (await h.run(`x509 -in ${n}.crt -noout -text`)).stdout;
    assert.equal(ours, realOpenssl(['x509', '-in', `${n}.crt`, '-noout', '-text'], files).stdout, n);
  }
});
