// The real curl, etcdctl and openssl against our etcd (real TCP) with client certificates it
// must refuse: each reads the TLS alert a Go server sends and prints what it prints against
// the real etcd v3.6, and our etcd logs Go's reason. Also: our server sends its leaf alone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeCert } from '../../src/etcd/api/test-helpers.ts';
import { freePort, missingRealTools, runTool, startOurEtcd, type OurEtcd } from './support.ts';

const TOOLS = ['/usr/bin/curl', '/usr/bin/etcdctl', '/usr/bin/openssl'];
const missing = missingRealTools(TOOLS);

/**
 * Runs a real tool (SIGTERM after 20 s) and gives what it printed as one text, stdout then
 * stderr. The OpenSSL patch release curl names is masked: it is whatever Debian ships on the
 * day CI installs.
 */
async function tool(cmd: string, args: string[], cwd: string, stdin = ''): Promise<{ status: number; out: string }> {
  const o = await runTool(cmd, args, { cwd, stdin, boundMs: 20_000, boundSignal: 'SIGTERM' });
  return { status: o.status, out: `${o.stdout}${o.stderr}`.replace(/OpenSSL\/3\.0\.\d+/g, 'OpenSSL/3.0.N') };
}

describe('real clients refused by our etcd with --client-cert-auth', { skip: missing.length ? `not installed: ${missing.join(', ')}` : false }, () => {
  let dir = '';
  let ep = '';
  let port = 0;
  let etcd: OurEtcd | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refused-'));
    const ca = makeCert('etcd-ca', { isCa: true });
    const other = makeCert('other-ca', { isCa: true });
    const files: Record<string, string> = { 'ca.crt': ca.cert };
    const add = (name: string, c: { cert: string; key: string }) => {
      files[`${name}.crt`] = c.cert;
      files[`${name}.key`] = c.key;
    };
    add('server', makeCert('etcd-server', { ca, sans: ['localhost', '127.0.0.1'] }));
    add('client', makeCert('etcd-client', { ca }));
    add('foreign', makeCert('stranger', { ca: other }));
    add('expired', makeCert('old-client', { ca, expired: true }));
    for (const [n, v] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), v, { mode: 0o600 });
    port = await freePort();
    const peer = await freePort();
    ep = `https://127.0.0.1:${port}`;
    etcd = await startOurEtcd([`--data-dir=${dir}/data`, `--listen-client-urls=${ep}`, `--advertise-client-urls=${ep}`, `--listen-peer-urls=http://127.0.0.1:${peer}`,
      '--cert-file=server.crt', '--key-file=server.key', '--trusted-ca-file=ca.crt', '--client-cert-auth'], dir);
  });

  after(async () => {
    await etcd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rejections = () => (etcd?.logs ?? []).join('').split('\n').filter((l) => l.includes('rejected connection on client endpoint')).map((l) => JSON.parse(l) as Record<string, string>);

  it('curl: a good certificate is served; foreign, expired and missing ones get the alert', async () => {
    const good = await tool('curl', ['-sS', '--cacert', 'ca.crt', '--cert', 'client.crt', '--key', 'client.key', `${ep}/health`], dir);
    assert.deepEqual(good, { status: 0, out: '{"health":"true","reason":""}' });
    const foreign = await tool('curl', ['-sS', '--cacert', 'ca.crt', '--cert', 'foreign.crt', '--key', 'foreign.key', `${ep}/health`], dir);
    assert.deepEqual(foreign, { status: 56, out: 'curl: (56) OpenSSL SSL_read: OpenSSL/3.0.N: error:0A000418:SSL routines::tlsv1 alert unknown ca, errno 0\n' });
    const expired = await tool('curl', ['-sS', '--cacert', 'ca.crt', '--cert', 'expired.crt', '--key', 'expired.key', `${ep}/health`], dir);
    assert.deepEqual(expired, { status: 56, out: 'curl: (56) OpenSSL SSL_read: OpenSSL/3.0.N: error:0A000415:SSL routines::sslv3 alert certificate expired, errno 0\n' });
    const none = await tool('curl', ['-sS', '--cacert', 'ca.crt', `${ep}/health`], dir);
    assert.deepEqual(none, { status: 56, out: 'curl: (56) OpenSSL SSL_read: OpenSSL/3.0.N: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0\n' });
    const errors = rejections().map((r) => r['error']);
    assert.ok(errors.includes('tls: failed to verify certificate: x509: certificate signed by unknown authority'), errors.join('\n'));
    assert.ok(errors.some((e) => /^tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time \S+Z is after \S+Z$/.test(e ?? '')), errors.join('\n'));
    assert.ok(errors.includes("tls: client didn't provide a certificate"), errors.join('\n'));
    assert.ok(rejections().every((r) => /^127\.0\.0\.1:\d+$/.test(r['remote-addr'] ?? '')));
  });

  it('etcdctl: refused, with no answer before its deadline', async () => {
    // Debian's etcdctl 3.4 uses an older grpc that does not name the cause ("all SubConns are
    // in TransientFailure"); etcdctl 3.6 names the alert, which src/etcdctl/tls.test.ts covers.
    const r = await tool('etcdctl', [`--endpoints=${ep}`, '--cacert=ca.crt', '--cert=foreign.crt', '--key=foreign.key', '--command-timeout=2s', 'get', 'x'], dir);
    assert.equal(r.status, 1);
    assert.match(r.out, /"error":"rpc error: code = DeadlineExceeded desc = latest balancer error: /);
    assert.match(r.out, /Error: context deadline exceeded\n$/);
    const good = await tool('etcdctl', [`--endpoints=${ep}`, '--cacert=ca.crt', '--cert=client.crt', '--key=client.key', 'put', 'x', '1'], dir);
    assert.deepEqual(good, { status: 0, out: 'OK\n' });
  });

  it('openssl s_client: the chain is the server certificate alone, and the alert is read', async () => {
    const r = await tool('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', 'ca.crt', '-cert', 'foreign.crt', '-key', 'foreign.key', '-ign_eof'], dir, 'x\n');
    assert.match(r.out, /Certificate chain\n 0 s:CN = etcd-server\n   i:CN = etcd-ca\n[^\n]*\n[^\n]*\n---\n/);
    assert.doesNotMatch(r.out, / 1 s:/);
    assert.match(r.out, /tlsv1 alert unknown ca:.*SSL alert number 48/);
  });
});
