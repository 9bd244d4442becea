// Lab 03: the host as lesson 02 left it (etcd v3.6.4 installed from the release tarball,
// the etcd system user, etcd.service enabled and running, plain HTTP on 127.0.0.1:2379).
// The learner makes a CA, a server certificate with SANs and a client certificate with
// openssl, points etcd at them through /etc/default/etcd, and configures etcdctl with
// ETCDCTL_* variables. The checks read the files, connect to etcd with and without a
// client certificate, and run etcdctl as the learner.
import type { CheckContext } from '../../src/lab/check-context.ts';
import type { LabDefinition } from '../../src/lab/types.ts';
import { formatName, keyMatchesCert, parseCertificatePem } from '../../src/pki/index.ts';
import { fail, ok, unitFacts } from '../common/host-facts.ts';
import { caProblem, chainProblem, describeSans, keyProblem, loadCertificate, readProblem, sanCoverage } from '../common/pki-facts.ts';
import { runAs } from '../common/run-as.ts';
import { tlsProbe } from '../common/tls-probe.ts';
import { installLikeLesson02 } from '../02-install-etcd/lab.ts';

const HOST = 'node-1';
const PKI = '/etc/etcd/pki';
const CA_CRT = `${PKI}/ca.crt`;
const CA_KEY = `${PKI}/ca.key`;
const SERVER_CRT = `${PKI}/server.crt`;
const SERVER_KEY = `${PKI}/server.key`;
const CLIENT_CRT = `${PKI}/client.crt`;
const CLIENT_KEY = `${PKI}/client.key`;
const HOME = '/home/learner';

/** The course's TLS section (shared/seeds/001), one terminal line per entry, heredocs included. */
export const TLS_LINES = [
  'sudo mkdir -p /etc/etcd/pki',
  'cd /etc/etcd/pki',
  'sudo openssl genrsa -out ca.key 4096',
  'sudo openssl req -x509 -new -nodes -key ca.key -out ca.crt -subj "/CN=etcd" -sha256 -days 3650',
  'cat <<EOF | sudo tee server.cnf',
  '[ req ]',
  'default_bits = 2048',
  'distinguished_name = req_distinguished_name',
  'req_extensions = req_ext',
  'prompt = no',
  '[ req_distinguished_name ]',
  'CN = server',
  '[ req_ext ]',
  'subjectAltName = @alt_names',
  '[ alt_names ]',
  'DNS.1 = localhost',
  'DNS.2 = $(hostname)',
  'IP.1 = 127.0.0.1',
  'IP.2 = ::1',
  `IP.3 = $(ip -o -4 addr show | grep 'eth' | awk '{split($4,a,"/"); print a[1]}' | paste -sd,)`,
  'EOF',
  'sudo openssl genrsa -out server.key 2048',
  'sudo openssl req -new -key server.key -out server.csr -config server.cnf',
  'sudo openssl x509 -req -in server.csr -out server.crt \\',
  '-CA ca.crt -CAkey ca.key \\',
  '-days 365 -extfile server.cnf -extensions req_ext',
  'sudo openssl genrsa -out client.key 2048',
  'sudo openssl req -new -key client.key -out client.csr -subj "/CN=etcd/O=etcd"',
  'sudo openssl x509 -req -in client.csr -out client.crt \\',
  '-CA ca.crt -CAkey ca.key \\',
  '-days 365',
  'sudo chown -R etcd:etcd .',
  'sudo chmod 644 client.key',
  'cd',
  'cat <<EOF | sudo tee -a /etc/default/etcd',
  'ETCD_LISTEN_CLIENT_URLS=https://0.0.0.0:2379',
  'ETCD_CLIENT_CERT_AUTH=true',
  'ETCD_CERT_FILE=/etc/etcd/pki/server.crt',
  'ETCD_KEY_FILE=/etc/etcd/pki/server.key',
  'ETCD_TRUSTED_CA_FILE=/etc/etcd/pki/ca.crt',
  'ETCD_NAME=$(hostname)',
  'ETCD_ADVERTISE_CLIENT_URLS=https://$(hostname):2379',
  'EOF',
  'sudo systemctl restart etcd',
  'cat <<EOF | tee -a $HOME/.bashrc $HOME/.profile',
  'export ETCDCTL_CACERT=/etc/etcd/pki/ca.crt',
  'export ETCDCTL_CERT=/etc/etcd/pki/client.crt',
  'export ETCDCTL_KEY=/etc/etcd/pki/client.key',
  'export ETCDCTL_ENDPOINTS=https://127.0.0.1:2379',
  'EOF',
  'bash --login -c "etcdctl endpoint health"',
];

/** The ETCDCTL_* exports the course appends to ~/.bashrc and ~/.profile. */
const ETCDCTL_EXPORTS: Record<string, string> = {
  ETCDCTL_CACERT: CA_CRT,
  ETCDCTL_CERT: CLIENT_CRT,
  ETCDCTL_KEY: CLIENT_KEY,
  ETCDCTL_ENDPOINTS: 'https://127.0.0.1:2379',
};

/** The CA certificate, when it is a CA; or why not. */
function loadCa(ctx: CheckContext) {
  const ca = loadCertificate(ctx.host(HOST), CA_CRT);
  if (!ca.ok) return ca;
  const p = caProblem(ca.value, CA_CRT);
  return p ? { ok: false as const, problem: p } : ca;
}

/** A certificate signed by the CA whose key is beside it; or why not. */
function loadLeaf(ctx: CheckContext, crt: string, key: string, purpose: 'sslserver' | 'sslclient') {
  const host = ctx.host(HOST);
  const ca = loadCa(ctx);
  if (!ca.ok) return { ok: false as const, problem: `first the CA: ${ca.problem}` };
  const leaf = loadCertificate(host, crt);
  if (!leaf.ok) return leaf;
  const chain = chainProblem(leaf.value, crt, ca.value, CA_CRT, host.clock.now(), purpose);
  if (chain) return { ok: false as const, problem: chain };
  const k = keyProblem(host, key, { text: leaf.text, path: crt });
  if (k) return { ok: false as const, problem: k };
  return leaf;
}

/** The client pair as PEM, read as root (the check's own client identity). */
function clientPair(ctx: CheckContext): { cert: string; key: string } | undefined {
  const c = ctx.file(CLIENT_CRT, { host: HOST });
  const k = ctx.file(CLIENT_KEY, { host: HOST });
  if (!c.content || !k.content) return undefined;
  return { cert: c.content, key: k.content };
}

/** What /etc/default/etcd is missing for TLS, as a sentence; undefined when it has it all. */
function configProblem(ctx: CheckContext): string | undefined {
  const f = ctx.file('/etc/default/etcd', { host: HOST });
  if (!f.exists) return '/etc/default/etcd does not exist';
  const settings = new Map<string, string>();
  for (const line of (f.content ?? '').split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) settings.set(m[1]!, m[2]!.trim().replace(/^"(.*)"$/, '$1'));
  }
  const wanted: [string, (v: string) => boolean, string][] = [
    ['ETCD_LISTEN_CLIENT_URLS', (v) => v.split(',').some((u) => u.startsWith('https://')), 'an https:// URL'],
    ['ETCD_CLIENT_CERT_AUTH', (v) => v === 'true', 'true'],
    ['ETCD_CERT_FILE', (v) => v === SERVER_CRT, SERVER_CRT],
    ['ETCD_KEY_FILE', (v) => v === SERVER_KEY, SERVER_KEY],
    ['ETCD_TRUSTED_CA_FILE', (v) => v === CA_CRT, CA_CRT],
  ];
  const wrong: string[] = [];
  for (const [name, good, want] of wanted) {
    const v = settings.get(name);
    if (v === undefined) wrong.push(`${name} is not set (want ${want})`);
    else if (!good(v)) wrong.push(`${name}=${v} (want ${want})`);
  }
  return wrong.length ? `/etc/default/etcd: ${wrong.join('; ')}` : undefined;
}

/** Why etcd.service is not running, in words. */
function serviceProblem(ctx: CheckContext): string | undefined {
  const u = unitFacts(ctx.host(HOST), 'etcd.service');
  if (u.activeState === 'active') return undefined;
  const log = u.lastLogLines(1)[0];
  return `etcd.service is ${u.activeState} (${u.subState})${u.lastExit ? `; its last run ended with ${u.lastExit}` : ''}${log ? `; its last log line: ${log}` : ''}; see sudo journalctl -u etcd`;
}

/** etcd on 127.0.0.1:2379 does a TLS handshake and presents server.crt; why not, in words. */
async function tlsServingProblem(ctx: CheckContext): Promise<string | undefined> {
  const host = ctx.host(HOST);
  // With the client pair when there is one: a probe without it would leave a "rejected
  // connection" warning in etcd's journal at every check, where the learner reads it.
  const pair = clientPair(ctx);
  const usable = pair && keyMatchesCert(pair.key, pair.cert) ? pair : undefined;
  const probe = await tlsProbe(host, { host: '127.0.0.1', port: 2379, ...(usable ?? {}) });
  if (!probe.connected) {
    const svc = serviceProblem(ctx);
    return `nothing accepts connections on 127.0.0.1:2379 (${probe.error})${svc ? `; ${svc}` : ''}`;
  }
  if (!probe.handshake) {
    const plain = await ctx.http('http://127.0.0.1:2379/health', { host: HOST });
    if (plain.ok) {
      const cfg = configProblem(ctx);
      return `etcd on 127.0.0.1:2379 still speaks plain HTTP (GET /health answered ${plain.response.status}); ${cfg ? `${cfg}` : '/etc/default/etcd looks right: restart etcd so it reads it (sudo systemctl restart etcd)'}`;
    }
    return `a TLS handshake with 127.0.0.1:2379 failed: ${probe.error}`;
  }
  const served = probe.peerCertificateDer;
  const onDisk = loadCertificate(host, SERVER_CRT);
  if (!served) return 'etcd finished a TLS handshake but presented no certificate';
  if (!onDisk.ok) return `etcd serves TLS, but ${onDisk.problem}`;
  if (!served.equals(onDisk.value.der)) {
    const other = parseCertificatePem(`-----BEGIN CERTIFICATE-----\n${served.toString('base64')}\n-----END CERTIFICATE-----\n`);
    return `etcd on 127.0.0.1:2379 presents a different certificate than ${SERVER_CRT}${other ? ` (subject ${formatName(other.subject)})` : ''}: restart etcd after making the certificate`;
  }
  return undefined;
}

const lab: LabDefinition = {
  id: '03-tls-and-mtls',
  title: 'Secure etcd with TLS and mutual TLS',
  topology: { hosts: [{ name: HOST, ip: '10.0.0.11' }] },

  async setup(sandbox) {
    await installLikeLesson02(sandbox.host(HOST), 'lab 03');
  },

  tasks: [
    {
      id: 'ca',
      title: 'Make a certificate authority: ca.key and a self-signed ca.crt',
      async check(ctx) {
        const ca = loadCa(ctx);
        if (!ca.ok) return fail(ca.problem);
        const k = keyProblem(ctx.host(HOST), CA_KEY, { text: ca.text, path: CA_CRT });
        if (k) return fail(k);
        const c = ca.value;
        return ok(`${CA_CRT} is a self-signed CA (CA:TRUE), valid until ${c.notAfter.toISOString().slice(0, 10)}, and ${CA_KEY} is its key`);
      },
    },
    {
      id: 'server-cert',
      title: 'Issue the server certificate, with SANs for every name etcd is reached by',
      async check(ctx) {
        const host = ctx.host(HOST);
        const leaf = loadLeaf(ctx, SERVER_CRT, SERVER_KEY, 'sslserver');
        if (!leaf.ok) return fail(leaf.problem);
        const cov = sanCoverage(leaf.value, { dns: ['localhost', host.hostname], ip: ['127.0.0.1', host.ip] });
        if (cov.missing.length) return fail(`${SERVER_CRT} chains to the CA, but its SANs (${describeSans(cov)}) lack ${cov.missing.join(', ')}`);
        return ok(`${SERVER_CRT} is signed by the CA, ${SERVER_KEY} is its key, and its SANs are ${describeSans(cov)}`);
      },
    },
    {
      id: 'client-cert',
      title: 'Issue a client certificate signed by the same CA',
      async check(ctx) {
        const leaf = loadLeaf(ctx, CLIENT_CRT, CLIENT_KEY, 'sslclient');
        if (!leaf.ok) return fail(leaf.problem);
        const subject = formatName(leaf.value.subject);
        return ok(`${CLIENT_CRT} (${subject}) is signed by the CA and ${CLIENT_KEY} is its key`);
      },
    },
    {
      id: 'key-permissions',
      title: 'etcd can read its certificates and key; you can read the client pair',
      async check(ctx) {
        const host = ctx.host(HOST);
        for (const f of [CA_CRT, SERVER_CRT, SERVER_KEY, CLIENT_CRT, CLIENT_KEY]) {
          if (!ctx.file(f, { host: HOST }).exists) return fail(`${f} does not exist`);
        }
        for (const f of [CA_CRT, SERVER_CRT, SERVER_KEY]) {
          const p = readProblem(host, 'etcd', f);
          if (p) return fail(`${p}: the etcd service, which runs as etcd, could not load it`);
        }
        for (const f of [CA_CRT, CLIENT_CRT, CLIENT_KEY]) {
          const p = readProblem(host, 'learner', f);
          if (p) return fail(`${p}: etcdctl, run as learner, could not load it`);
        }
        const sk = ctx.file(SERVER_KEY, { host: HOST });
        const serverKeyMode = ((sk.stat?.mode ?? 0) & 0o777).toString(8).padStart(3, '0');
        return ok(`etcd reads ca.crt, server.crt and server.key (mode ${serverKeyMode}, owner ${sk.owner}); learner reads ca.crt, client.crt and client.key`);
      },
    },
    {
      id: 'etcd-serves-tls',
      title: 'etcd serves TLS on port 2379 with the server certificate',
      async check(ctx) {
        const problem = await tlsServingProblem(ctx);
        if (problem) return fail(problem);
        const svc = serviceProblem(ctx);
        if (svc) return fail(`a TLS server answers on 2379, but ${svc}`);
        return ok(`a TLS handshake with 127.0.0.1:2379 gets ${SERVER_CRT} from etcd.service`);
      },
    },
    {
      id: 'mtls-enforced',
      title: 'etcd refuses clients without a certificate, and plain HTTP',
      async check(ctx) {
        const host = ctx.host(HOST);
        const serving = await tlsServingProblem(ctx);
        if (serving) return fail(serving);
        const pair = clientPair(ctx);
        if (!pair) return fail(`${CLIENT_CRT} or ${CLIENT_KEY} is missing or empty`);
        // With the client certificate the request must work: the refusals below are then about the certificate.
        const withCert = await tlsProbe(host, { host: '127.0.0.1', port: 2379, cert: pair.cert, key: pair.key, request: { path: '/health' } });
        if (!withCert.response || withCert.response.status !== 200) {
          return fail(`even with ${CLIENT_CRT} etcd did not answer GET /health (${withCert.response ? withCert.response.statusLine : withCert.error}); is ETCD_TRUSTED_CA_FILE the CA that signed it?`);
        }
        const anonymous = await tlsProbe(host, { host: '127.0.0.1', port: 2379, request: { path: '/health' } });
        if (anonymous.response) {
          return fail(`a TLS client without a certificate got "${anonymous.response.statusLine}" for GET /health: client certificates are not required (ETCD_CLIENT_CERT_AUTH=true, then restart etcd)`);
        }
        const plain = await ctx.http('http://127.0.0.1:2379/health', { host: HOST });
        if (plain.ok && plain.response.status === 200) return fail('plain HTTP GET http://127.0.0.1:2379/health still answers 200');
        const plainWords = plain.ok ? `"${plain.response.status} ${plain.response.body.trim()}"` : /socket hang up/.test(plain.error) ? 'an empty reply' : plain.error;
        return ok(`GET /health over TLS answers 200 with the client certificate; without one etcd ends the connection unanswered; plain HTTP gets ${plainWords}`);
      },
    },
    {
      id: 'etcdctl-env',
      title: 'etcdctl finds the certificates through ETCDCTL_* in your login shell',
      async check(ctx) {
        const host = ctx.host(HOST);
        for (const file of [`${HOME}/.profile`, `${HOME}/.bashrc`]) {
          const f = ctx.file(file, { host: HOST });
          const text = f.content ?? '';
          const missing = Object.entries(ETCDCTL_EXPORTS)
            .filter(([k, v]) => !new RegExp(`^\\s*export\\s+${k}=["']?${v.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}["']?\\s*$`, 'm').test(text))
            .map(([k, v]) => `export ${k}=${v}`);
          if (!f.exists) return fail(`${file} does not exist`);
          if (missing.length) return fail(`${file} lacks ${missing.join(', ')}`);
        }
        const r = await runAs(host, 'learner', ['bash', '--login', '-c', 'etcdctl endpoint health']);
        const said = `${r.stdout}${r.stderr}`.trim().split('\n').filter(Boolean);
        if (r.error) return fail(`could not run bash --login -c "etcdctl endpoint health" as learner: ${r.error}`);
        if (r.timedOut) return fail(`bash --login -c "etcdctl endpoint health" as learner did not finish within 6 s${said.length ? `; it printed: ${said.slice(-2).join(' / ')}` : ''}`);
        const healthy = said.find((l) => /^https:\/\/127\.0\.0\.1:2379 is healthy/.test(l));
        if (r.status !== 0 || !healthy) return fail(`bash --login -c "etcdctl endpoint health" as learner exited ${r.status} and printed: ${said.slice(-3).join(' / ') || '(nothing)'}`);
        return ok(`bash --login -c "etcdctl endpoint health" as learner: ${healthy}`);
      },
    },
  ],

  solution: [
    ...TLS_LINES,
    'openssl x509 -in /etc/etcd/pki/server.crt -noout -ext subjectAltName',
    'curl http://127.0.0.1:2379/health',
    'curl https://127.0.0.1:2379/health',
    'curl --cacert /etc/etcd/pki/ca.crt https://127.0.0.1:2379/health',
    'curl --cacert /etc/etcd/pki/ca.crt --cert /etc/etcd/pki/client.crt --key /etc/etcd/pki/client.key https://127.0.0.1:2379/health',
    'curl --cacert /etc/etcd/pki/ca.crt --cert /etc/etcd/pki/client.crt --key /etc/etcd/pki/client.key https://127.0.0.2:2379/health',
    'source ~/.bashrc',
    'etcdctl put foo bar',
    'etcdctl get foo',
    'env -u ETCDCTL_ENDPOINTS etcdctl --endpoints=https://node-1:2379 endpoint health',
  ],
};

export default lab;
