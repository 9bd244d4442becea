import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { run, testSandbox } from './testing.ts';

const RELEASE = 'https://github.com/etcd-io/etcd/releases/download/v3.6.4/etcd-v3.6.4-linux-amd64.tar.gz';

/** A host with a small HTTP server on 127.0.0.1:2379 that behaves like etcd's /health and echoes requests. */
async function hostWithServer() {
  const sb = testSandbox();
  const h = sb.host('node-1');
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/health') {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('{"health":"true","reason":""}');
      } else if (req.url === '/down') {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('{"health":"false","reason":"RAFT NO LEADER"}');
      } else if (req.url === '/stream') {
        // Like etcd's /v3/watch: the first event at once, then the response stays open.
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"result":{"created":true}}\n');
      } else if (req.url === '/moved') {
        res.writeHead(302, { Location: '/health' });
        res.end();
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'] ?? '', x: req.headers['x-test'] ?? '' }));
      }
    });
  });
  const net = sb.network.host('node-1')!;
  await net.listen({ host: '127.0.0.1', port: 2379 }, (sock) => server.emit('connection', sock));
  return Object.assign(h, { clock: sb.clock });
}

describe('curl', () => {
  it('prints the body; on a terminal without the progress meter', async () => {
    const h = await hostWithServer();
    const r = await run(h, 'curl http://127.0.0.1:2379/health', { tty: true });
    assert.deepEqual(r, { status: 0, stdout: '{"health":"true","reason":""}', stderr: '' });
  });

  it('shows the progress meter on stderr when the output is not a terminal, and -s hides it', async () => {
    const h = await hostWithServer();
    const r = await run(h, 'curl http://127.0.0.1:2379/health');
    assert.equal(r.stdout, '{"health":"true","reason":""}');
    const lines = r.stderr.split('\n');
    assert.equal(lines[0], '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current');
    assert.match(lines[2]!, /\r100    29  100    29    0     0 /);
    assert.equal((await run(h, 'curl -s http://127.0.0.1:2379/health')).stderr, '');
  });

  it('-f fails with 22 on an HTTP error, -s alone hides it, -sS shows it', async () => {
    const h = await hostWithServer();
    const r = await run(h, 'curl -sf http://127.0.0.1:2379/down');
    assert.deepEqual(r, { status: 22, stdout: '', stderr: '' });
    const s = await run(h, 'curl -sSf http://127.0.0.1:2379/down');
    assert.equal(s.stderr, 'curl: (22) The requested URL returned error: 503\n');
    const plain = await run(h, 'curl -s http://127.0.0.1:2379/down');
    assert.deepEqual(plain, { status: 0, stdout: '{"health":"false","reason":"RAFT NO LEADER"}', stderr: '' });
  });

  it('connection refused is 7 and an unknown host is 6, in curl 7.88 words', async () => {
    const h = await hostWithServer();
    const r = await run(h, 'curl -sS http://127.0.0.1:2380/health');
    assert.deepEqual(r, { status: 7, stdout: '', stderr: "curl: (7) Failed to connect to 127.0.0.1 port 2380 after 0 ms: Couldn't connect to server\n" });
    const n = await run(h, 'curl -sS http://nosuch/');
    assert.deepEqual(n, { status: 6, stdout: '', stderr: 'curl: (6) Could not resolve host: nosuch\n' });
  });

  it('-X, -d (also @file), -H and -w', async () => {
    const h = await hostWithServer();
    const r = await run(h, ['curl', '-s', '-X', 'PUT', '-d', 'a=1', '-d', 'b=2', '-H', 'X-Test: yes', 'http://127.0.0.1:2379/echo']);
    assert.deepEqual(JSON.parse(r.stdout), { method: 'PUT', body: 'a=1&b=2', type: 'application/x-www-form-urlencoded', x: 'yes' });
    h.rootFs.writeFile('/home/learner/req.json', '{"key":\n"Zm9v"}\n');
    const f = await run(h, ['curl', '-s', '--data', '@req.json', '-H', 'Content-Type: application/json', 'http://127.0.0.1:2379/v3/kv/range'], { cwd: '/home/learner' });
    assert.deepEqual(JSON.parse(f.stdout), { method: 'POST', body: '{"key":"Zm9v"}', type: 'application/json', x: '' });
    const w = await run(h, ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}\\n', 'http://127.0.0.1:2379/down']);
    assert.equal(w.stdout, '503\n');
  });

  it('-i includes the response headers, -L follows redirects', async () => {
    const h = await hostWithServer();
    const r = await run(h, 'curl -si http://127.0.0.1:2379/health');
    assert.match(r.stdout, /^HTTP\/1\.1 200 OK\r\nContent-Type: text\/plain; charset=utf-8\r\n(.*\r\n)*\r\n\{"health":"true","reason":""\}$/);
    assert.equal((await run(h, 'curl -s http://127.0.0.1:2379/moved')).stdout, '');
    assert.equal((await run(h, 'curl -sL http://127.0.0.1:2379/moved')).stdout, '{"health":"true","reason":""}');
  });

  it('downloads the etcd release as the course does: curl -fsSLO through the redirect, verified by the CA bundle', async () => {
    const h = testSandbox().host('node-1');
    const r = await run(h, ['curl', '-fsSLO', RELEASE], { cwd: '/home/learner' });
    assert.equal(r.status, 0, r.stderr);
    const data = h.rootFs.readFile('/home/learner/etcd-v3.6.4-linux-amd64.tar.gz');
    assert.deepEqual([data[0], data[1]], [0x1f, 0x8b]);
  });

  it('refuses a certificate it cannot verify (60) unless -k; a bad --cacert is 77', async () => {
    const h = testSandbox().host('node-1');
    h.rootFs.writeFile('/home/learner/empty.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const r = await run(h, ['curl', '-sS', '--cacert', '/nonexistent.pem', 'https://github.com/']);
    assert.equal(r.stderr, 'curl: (77) error setting certificate file: /nonexistent.pem\n');
    assert.equal(r.status, 77);
    const other = testSandbox().host('node-1');
    other.rootFs.writeFile('/etc/ssl/certs/ca-certificates.crt', '');
    const v = await run(other, ['curl', '-sS', 'https://github.com/']);
    assert.equal(v.status, 60);
    assert.ok(v.stderr.startsWith('curl: (60) SSL certificate problem: unable to get local issuer certificate\nMore details here: https://curl.se/docs/sslcerts.html\n'), v.stderr);
    const k = await run(other, ['curl', '-skI', 'https://github.com/']);
    assert.equal(k.status, 0, k.stderr);
  });

  it('rejects unknown options and a missing URL like curl', async () => {
    const h = testSandbox().host('node-1');
    assert.deepEqual(await run(h, 'curl --foo http://x/'), { status: 2, stdout: '', stderr: "curl: option --foo: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n" });
    assert.deepEqual(await run(h, 'curl'), { status: 2, stdout: '', stderr: "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n" });
  });
});

describe('curl with TLS and client certificates', () => {
  it('verifies with --cacert, sends --cert/--key, and names each failure as curl does', async () => {
    const forge = (await import('node-forge')).default;
    const https = await import('node:https');
    const mk = (cn: string, ca?: { cert: import('node-forge').pki.Certificate; key: import('node-forge').pki.rsa.PrivateKey }, alt?: object[]) => {
      const keys = forge.pki.rsa.generateKeyPair(1024);
      const cert = forge.pki.createCertificate();
      cert.publicKey = keys.publicKey;
      cert.serialNumber = '0' + Math.floor(Math.random() * 1e8).toString(16);
      cert.validity.notBefore = new Date(Date.UTC(2026, 0, 1));
      cert.validity.notAfter = new Date(Date.UTC(2036, 0, 1));
      cert.setSubject([{ name: 'commonName', value: cn }]);
      cert.setIssuer(ca ? ca.cert.subject.attributes : [{ name: 'commonName', value: cn }]);
      cert.setExtensions([{ name: 'basicConstraints', cA: !ca }, ...(alt ? [{ name: 'subjectAltName', altNames: alt }] : [])]);
      cert.sign(ca?.key ?? keys.privateKey, forge.md.sha256.create());
      return { cert, key: keys.privateKey, pem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
    };
    const ca = mk('etcd-ca');
    const server = mk('node-1', ca, [{ type: 2, value: 'node-1' }, { type: 7, ip: '127.0.0.1' }]);
    const client = mk('admin', ca);
    const sb = testSandbox();
    const h = sb.host('node-1');
    const srv = https.createServer({ key: server.keyPem, cert: server.pem, ca: ca.pem, requestCert: true, rejectUnauthorized: true }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('{"health":"true","reason":""}');
    });
    await sb.network.host('node-1')!.listen({ host: '0.0.0.0', port: 2379 }, (sock) => srv.emit('connection', sock));
    h.rootFs.writeFile('/home/learner/ca.crt', ca.pem);
    h.rootFs.writeFile('/home/learner/admin.crt', client.pem);
    h.rootFs.writeFile('/home/learner/admin.key', client.keyPem);
    const opts = { cwd: '/home/learner' };

    const ok = await run(h, 'curl -sS --cacert ca.crt --cert admin.crt --key admin.key https://127.0.0.1:2379/health', opts);
    assert.deepEqual(ok, { status: 0, stdout: '{"health":"true","reason":""}', stderr: '' });

    // The server's "certificate required" alert arrives before it closes, as on real TCP.
    const noCert = await run(h, 'curl -sS --cacert ca.crt https://127.0.0.1:2379/health', opts);
    assert.equal(noCert.status, 56, noCert.stderr);
    assert.match(noCert.stderr, /^curl: \(56\) OpenSSL SSL_read: OpenSSL\/3\.0\.19: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0\n/);
    assert.equal(noCert.stdout, '');

    const noCa = await run(h, 'curl -sS https://127.0.0.1:2379/health', opts);
    assert.equal(noCa.status, 60);
    assert.match(noCa.stderr, /^curl: \(60\) SSL certificate problem: unable to get local issuer certificate\n/);

    const wrongName = await run(h, 'curl -sS --cacert ca.crt --cert admin.crt --key admin.key https://10.0.0.11:2379/health', opts);
    assert.equal(wrongName.status, 60);
    assert.match(wrongName.stderr, /^curl: \(60\) SSL: no alternative certificate subject name matches target host name '10\.0\.0\.11'\n/);

    const plain = await run(h, 'curl -sS http://127.0.0.1:2379/health', opts);
    assert.notEqual(plain.status, 0);

    // Client certificate files that cannot be used: the file named, OpenSSL's reason, nothing more.
    h.rootFs.writeFile('/home/learner/other.key', mk('other').keyPem);
    const mismatch = await run(h, 'curl -sS --cacert ca.crt --cert admin.crt --key other.key https://127.0.0.1:2379/health', opts);
    assert.deepEqual(mismatch, { status: 58, stdout: '', stderr: "curl: (58) unable to set private key file: 'other.key' type PEM\n" });
    const noFile = await run(h, 'curl -sS --cacert ca.crt --cert nope.crt --key admin.key https://127.0.0.1:2379/health', opts);
    assert.equal(noFile.stderr, 'curl: (58) could not load PEM client certificate from nope.crt, OpenSSL error error:80000002:system library::No such file or directory, (no key found, wrong pass phrase, or wrong file format?)\n');
    const notPem = await run(h, 'curl -sS --cacert ca.crt --cert admin.key --key admin.key https://127.0.0.1:2379/health', opts);
    assert.equal(notPem.stderr, 'curl: (58) could not load PEM client certificate from admin.key, OpenSSL error error:0480006C:PEM routines::no start line, (no key found, wrong pass phrase, or wrong file format?)\n');
  });
  it('names why the server certificate failed verification: expired, self-signed', async () => {
    const forge = (await import('node-forge')).default;
    const https = await import('node:https');
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const mk = (cn: string, from: Date, to: Date, issuer?: { cert: import('node-forge').pki.Certificate }) => {
      const cert = forge.pki.createCertificate();
      cert.publicKey = keys.publicKey;
      cert.serialNumber = '01' + cn.length;
      cert.validity.notBefore = from;
      cert.validity.notAfter = to;
      cert.setSubject([{ name: 'commonName', value: cn }]);
      cert.setIssuer(issuer ? issuer.cert.subject.attributes : [{ name: 'commonName', value: cn }]);
      cert.setExtensions([{ name: 'basicConstraints', cA: !issuer }, ...(issuer ? [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }] : [])]);
      cert.sign(keys.privateKey, forge.md.sha256.create());
      return { cert, pem: forge.pki.certificateToPem(cert) };
    };
    const day = 24 * 3600_000;
    const ca = mk('etcd', new Date(Date.now() - 10 * day), new Date(Date.now() + 10 * day));
    const expired = mk('server', new Date(Date.now() - 2 * day), new Date(Date.now() - day), ca);
    const sb = testSandbox();
    const h = sb.host('node-1');
    const keyPem = forge.pki.privateKeyToPem(keys.privateKey);
    const serve = async (port: number, cert: string) => {
      const srv = https.createServer({ key: keyPem, cert }, (_q, res) => res.end('ok'));
      await sb.network.host('node-1')!.listen({ host: '127.0.0.1', port }, (sock) => srv.emit('connection', sock));
    };
    await serve(2379, expired.pem);
    await serve(2380, ca.pem);
    h.rootFs.writeFile('/home/learner/ca.crt', ca.pem);
    const r = await run(h, 'curl -sS --cacert ca.crt https://127.0.0.1:2379/health', { cwd: '/home/learner' });
    assert.equal(r.status, 60);
    assert.match(r.stderr, /^curl: \(60\) SSL certificate problem: certificate has expired\nMore details here: /);
    const self = await run(h, 'curl -sS https://127.0.0.1:2380/', { cwd: '/home/learner' });
    assert.match(self.stderr, /^curl: \(60\) SSL certificate problem: self-signed certificate\n/);
  });

});

describe('curl on a streaming response', () => {
  it('writes a streaming body as it arrives (etcd\'s /v3/watch) and -m ends it with error 28', { timeout: 10_000 }, async () => {
    const h = await hostWithServer();
    const done = run(h, ['bash', '-c', 'curl -sS -m 2 http://127.0.0.1:2379/stream > /tmp/watch.out']);
    let finished = false;
    void done.then(() => (finished = true));
    const written = () => (h.rootFs.exists('/tmp/watch.out') ? Buffer.from(h.rootFs.readFile('/tmp/watch.out')).toString() : '');
    // The first event is in the file while curl still runs (the response has not ended).
    for (let i = 0; i < 200 && written() === ''; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(written(), '{"result":{"created":true}}\n');
    assert.equal(finished, false);
    for (let i = 0; i < 100 && !finished; i++) {
      h.clock.advance(100);
      await new Promise((r) => setTimeout(r, 5));
    }
    const r = await done;
    assert.equal(r.status, 28);
    assert.match(r.stderr, /^curl: \(28\) Operation timed out after 2\d\d\d milliseconds with 28 bytes received\n$/);
  });
});
