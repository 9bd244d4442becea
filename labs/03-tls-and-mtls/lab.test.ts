// Lab 03 on a real sandbox: setup leaves etcd installed and serving plain HTTP as lesson
// 02 does; every check fails there with what it found; the course's TLS commands, typed
// into a terminal, pass them; broken certificates and permissions are named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCheckContext } from '../../src/lab/check-context.ts';
import { checkAll, checkOne, labSandbox, missingPrograms, typeLines, withLabTerminal } from '../common/lab-testing.ts';
import lab, { TLS_LINES } from './lab.ts';

const waitingFor = (names: string[]) => {
  const missing = missingPrograms(names);
  return missing.length ? `waiting for ${missing.join(', ')} in the program registry (etcdctl/curl engineer)` : false;
};

/** The TLS section up to (not including) the final etcdctl call, which needs etcdctl. */
const TLS_WITHOUT_ETCDCTL = TLS_LINES.filter((l) => !l.includes('etcdctl endpoint health'));

test('after setup etcd serves plain HTTP as a service, and every task fails with what it found', { timeout: 60_000 }, async () => {
  const sandbox = await labSandbox(lab);
  try {
    const ctx = createCheckContext(sandbox);
    const health = await ctx.http('http://127.0.0.1:2379/health');
    assert.ok(health.ok && health.response.status === 200, 'lesson 02 left etcd serving plain HTTP');
    const svc = sandbox.host('node-1')!.processes().find((p) => p.unit === 'etcd.service');
    assert.equal(svc?.cred.user, 'etcd');

    const results = await checkAll(lab, ctx);
    for (const [id, r] of results) assert.equal(r.ok, false, `${id} must fail before the lesson: ${r.message}`);
    assert.equal(results.get('ca')!.message, '/etc/etcd/pki/ca.crt does not exist');
    assert.equal(results.get('server-cert')!.message, 'first the CA: /etc/etcd/pki/ca.crt does not exist');
    assert.equal(results.get('key-permissions')!.message, '/etc/etcd/pki/ca.crt does not exist');
    assert.match(results.get('etcd-serves-tls')!.message, /^etcd on 127\.0\.0\.1:2379 still speaks plain HTTP \(GET \/health answered 200\); \/etc\/default\/etcd does not exist$/);
    assert.match(results.get('mtls-enforced')!.message, /still speaks plain HTTP/);
    assert.match(results.get('etcdctl-env')!.message, /^\/home\/learner\/\.profile lacks export ETCDCTL_CACERT=\/etc\/etcd\/pki\/ca\.crt, /);
  } finally {
    sandbox.dispose();
  }
});

test('the TLS commands pass the certificate and server tasks; mistakes are named', { timeout: 90_000 }, async () => {
  await withLabTerminal(lab, async (term, sandbox) => {
    // The CA alone: the server task names the next file it needs.
    await typeLines(term, TLS_WITHOUT_ETCDCTL.slice(0, TLS_WITHOUT_ETCDCTL.indexOf('sudo openssl genrsa -out server.key 2048')));
    const caOnly = await checkOne(lab, sandbox, 'server-cert');
    assert.equal(caOnly.message, '/etc/etcd/pki/server.crt does not exist');
    assert.ok((await checkOne(lab, sandbox, 'ca')).ok);

    await typeLines(term, TLS_WITHOUT_ETCDCTL.slice(TLS_WITHOUT_ETCDCTL.indexOf('sudo openssl genrsa -out server.key 2048')));
    assert.match(term.output, /IP\.3 = 10\.0\.0\.11\n/);
    assert.match(term.output, /Certificate request self-signature ok\nsubject=CN = server\n/);
    assert.match(term.output, /ETCD_ADVERTISE_CLIENT_URLS=https:\/\/node-1:2379\n/);
    for (const id of ['ca', 'server-cert', 'client-cert', 'key-permissions', 'etcd-serves-tls', 'mtls-enforced']) {
      const r = await checkOne(lab, sandbox, id);
      assert.ok(r.ok, `${id}: ${r.message}`);
    }
    assert.match((await checkOne(lab, sandbox, 'server-cert')).message, /DNS:localhost, DNS:node-1, IP Address:127\.0\.0\.1, IP Address:::1, IP Address:10\.0\.0\.11/);

    // The client key back at 600: the learner's etcdctl could not read it.
    await typeLines(term, ['sudo chmod 600 /etc/etcd/pki/client.key']);
    assert.equal(
      (await checkOne(lab, sandbox, 'key-permissions')).message,
      'learner cannot read /etc/etcd/pki/client.key (mode 600, owner etcd:etcd): etcdctl, run as learner, could not load it',
    );
    await typeLines(term, ['sudo chmod 644 /etc/etcd/pki/client.key']);

    // A server certificate without the host name and IP in its SANs.
    await typeLines(term, [
      'cd /etc/etcd/pki',
      'sudo openssl req -new -key server.key -out narrow.csr -subj "/CN=server" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1"',
      'sudo openssl x509 -req -in narrow.csr -out server.crt -CA ca.crt -CAkey ca.key -days 365 -copy_extensions copyall',
    ]);
    assert.equal(
      (await checkOne(lab, sandbox, 'server-cert')).message,
      '/etc/etcd/pki/server.crt chains to the CA, but its SANs (DNS:localhost, IP Address:127.0.0.1) lack DNS:node-1, IP:10.0.0.11',
    );
    // etcd still serves the certificate it loaded at start, not the new file.
    assert.match((await checkOne(lab, sandbox, 'etcd-serves-tls')).message, /presents a different certificate than \/etc\/etcd\/pki\/server\.crt \(subject CN = server\): restart etcd/);

    // A fresh server key that does not belong to the certificate.
    await typeLines(term, ['sudo openssl genrsa -out server.key 2048']);
    assert.equal((await checkOne(lab, sandbox, 'server-cert')).message, '/etc/etcd/pki/server.key is not the key of /etc/etcd/pki/server.crt: the certificate carries a different public key');

    // A client certificate from another CA.
    await typeLines(term, [
      'sudo openssl req -x509 -new -nodes -newkey rsa:2048 -keyout other-ca.key -out other-ca.crt -subj "/CN=other" -days 30',
      'sudo openssl x509 -req -in client.csr -out client.crt -CA other-ca.crt -CAkey other-ca.key -days 365',
      'cd',
    ]);
    assert.match((await checkOne(lab, sandbox, 'client-cert')).message, /^\/etc\/etcd\/pki\/client\.crt does not verify against \/etc\/etcd\/pki\/ca\.crt: unable to get local issuer certificate \(issuer CN = other, CA subject CN = etcd\)$/);
    // etcd refuses that certificate inside the handshake, with the alert and log line Go gives.
    const before = term.output.length;
    await typeLines(term, [
      'curl -sS --cacert /etc/etcd/pki/ca.crt --cert /etc/etcd/pki/client.crt --key /etc/etcd/pki/client.key https://127.0.0.1:2379/health',
      'sudo journalctl -u etcd --no-pager | grep -c "x509: certificate signed by unknown authority"',
      'openssl s_client -connect 127.0.0.1:2379 -CAfile /etc/etcd/pki/ca.crt < /dev/null 2>/dev/null | grep -c " s:"',
    ]);
    const seen = term.output.slice(before);
    assert.match(seen, /curl: \(56\) OpenSSL SSL_read: OpenSSL\/3\.0\.19: error:0A000418:SSL routines::tlsv1 alert unknown ca, errno 0\r?\n/);
    assert.match(seen, /grep -c "x509: certificate signed by unknown authority"\r?\n1\r?\n/);
    // The server sends its own certificate, not the CA with it.
    assert.match(seen, /" s:"\r?\n1\r?\n/);
  });
});

test('the reference solution, typed into a terminal, passes every check', { timeout: 120_000, skip: waitingFor(['etcdctl', 'curl']) }, async () => {
  await withLabTerminal(lab, async (term, sandbox) => {
    await typeLines(term, lab.solution);
    const out = term.output;
    // What the lesson says the learner will see.
    assert.match(out, /https:\/\/127\.0\.0\.1:2379 is healthy: successfully committed proposal/);
    assert.match(out, /curl: \(52\) Empty reply from server\n/);
    assert.match(out, /curl: \(60\) SSL certificate problem: unable to get local issuer certificate\n/);
    assert.match(out, /\{"health":"true"/);
    assert.match(out, /curl: \(60\) SSL: no alternative certificate subject name matches target host name '127\.0\.0\.2'\n/);
    assert.match(out, /\nfoo\nbar\n/);
    assert.match(out, /https:\/\/node-1:2379 is healthy/);
    const results = await checkAll(lab, createCheckContext(sandbox));
    for (const [id, r] of results) assert.ok(r.ok, `${id} failed after the solution: ${r.message}`);
  });
});

// On a real host etcd (Go) answers a TLS 1.3 client without a certificate with alert 116
// (certificate_required), and curl 7.88 reports it as below; the lesson shows that text.
test(
  'a client without a certificate gets the certificate_required alert, as the lesson shows',
  {
    timeout: 90_000,
    skip: waitingFor(['etcdctl', 'curl']),
  },
  async () => {
    await withLabTerminal(lab, async (term) => {
      await typeLines(term, TLS_WITHOUT_ETCDCTL);
      const r = await term.run('curl --cacert /etc/etcd/pki/ca.crt https://127.0.0.1:2379/health');
      assert.match(r.output, /curl: \(56\) OpenSSL SSL_read: OpenSSL\/3\.0\.\d+: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0\n/);
      // etcd's log names the client's address, as Go's does from the TCP connection.
      const log = await term.run('sudo journalctl -u etcd -n 20 --no-pager -o cat | grep "rejected connection"');
      assert.match(log.output, /"remote-addr":"127\.0\.0\.1:\d+".*tls: client didn't provide a certificate/);
    });
  },
);
