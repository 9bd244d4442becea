// The course's install commands (shared/seeds/001), run verbatim through the shell on a
// fresh host: download, unpack, install, a system user, the unit from labs.iximiuz.com,
// systemd — then etcd is active, runs as etcd, and reports the version installed.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bash } from '../commands/bash.ts';
import { makeEtcdCommand } from '../commands/etcd.ts';
import { run } from '../commands/testing.ts';
import { createRegistry } from '../programs.ts';
import { builtinPrograms } from '../registry.ts';
import { createSandbox } from '../sandbox.ts';
import { provisionEtcd } from './provision.ts';

function sandbox() {
  // bash and etcd may not be in commands/index.ts yet (shell and etcd engineers): add them here.
  const programs = createRegistry([...builtinPrograms.values(), bash, makeEtcdCommand()]);
  return createSandbox({ hosts: [{ name: 'node-1', ip: '10.0.0.11' }], programs });
}

const INSTALL = (download: string) => `set -e
ETCD_VERSION=v3.6.4
${download}
tar xzvof etcd-\${ETCD_VERSION?}-linux-amd64.tar.gz
sudo install -m 755 etcd-\${ETCD_VERSION?}-linux-amd64/{etcd,etcdctl,etcdutl} /usr/local/bin
sudo adduser \\
--system \\
--group \\
--disabled-login \\
--disabled-password \\
--home /var/lib/etcd \\
etcd
sudo wget -O /etc/systemd/system/etcd.service https://labs.iximiuz.com/content/files/courses/kubernetes-the-very-hard-way-0cbfd997/03-control-plane/01-etcd/__static__/etcd.service?v=1770643331
sudo systemctl daemon-reload
sudo systemctl enable --now etcd
`;

const CURL = 'curl -fsSLO https://github.com/etcd-io/etcd/releases/download/${ETCD_VERSION?}/etcd-${ETCD_VERSION?}-linux-amd64.tar.gz';
const WGET = 'wget -q https://github.com/etcd-io/etcd/releases/download/${ETCD_VERSION?}/etcd-${ETCD_VERSION?}-linux-amd64.tar.gz';

async function installAndCheck(download: string) {
  const sb = sandbox();
  const h = sb.host('node-1');
  try {
    const before = await run(h, ['bash', '-c', 'etcd --version']);
    assert.match(before.stderr, /etcd: command not found\n$/);
    const r = await run(h, ['bash', '-c', INSTALL(download)]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^etcd-v3\.6\.4-linux-amd64\/\n/);
    assert.match(r.stdout, /Adding system user `etcd' \(UID \d+\) \.\.\./);
    assert.match(r.stderr, /Created symlink \/etc\/systemd\/system\/multi-user\.target\.wants\/etcd\.service \u2192 \/etc\/systemd\/system\/etcd\.service\./);
    const active = await run(h, ['bash', '-c', 'systemctl is-active etcd']);
    assert.equal(active.stdout, 'active\n');
    const p = h.processes().find((x) => x.unit === 'etcd.service');
    assert.equal(p?.cred.user, 'etcd');
    const v = await run(h, ['bash', '-c', 'etcd --version']);
    assert.match(v.stdout, /^etcd Version: 3\.6\.4\n/);
    const st = h.rootFs.stat('/usr/local/bin/etcdctl');
    assert.equal(st.mode & 0o777, 0o755);
    if (builtinPrograms.has('etcdctl')) {
      // The service really serves: the lesson's next commands.
      const kv = await run(h, ['bash', '-c', 'etcdctl put foo bar && etcdctl get foo --print-value-only']);
      assert.equal(kv.stdout, 'OK\nbar\n', kv.stderr);
    }
    const ipPipe = await run(h, ['bash', '-c', `ip -o -4 addr show | grep 'eth' | awk '{split($4,a,"/"); print a[1]}' | paste -sd,`]);
    assert.equal(ipPipe.stdout, '10.0.0.11\n');
  } finally {
    await sb.dispose();
  }
}

it("the seed's install commands work verbatim (download with wget)", { timeout: 60_000 }, () => installAndCheck(WGET));

it("the seed's install commands work verbatim (curl -fsSLO)", { timeout: 60_000 }, () => installAndCheck(CURL));

it(
  'etcdctl completion bash | sudo tee /etc/bash_completion.d/etcdctl',
  { skip: builtinPrograms.has('etcdctl') ? false : 'waiting for etcdctl in the registry (etcdctl engineer)' },
  async () => {
    const sb = sandbox();
    const h = sb.host('node-1');
    const r = await run(h, ['bash', '-c', 'wget -q https://github.com/etcd-io/etcd/releases/download/v3.6.4/etcd-v3.6.4-linux-amd64.tar.gz && tar xzof etcd-v3.6.4-linux-amd64.tar.gz && sudo install -m 755 etcd-v3.6.4-linux-amd64/{etcd,etcdctl,etcdutl} /usr/local/bin && etcdctl completion bash | sudo tee /etc/bash_completion.d/etcdctl >/dev/null']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(h.rootFs.exists('/etc/bash_completion.d/etcdctl'));
    await sb.dispose();
  },
);

it('provisionEtcd puts etcd on several hosts the way the lesson does', { timeout: 60_000 }, async () => {
  const programs = createRegistry([...builtinPrograms.values(), bash, makeEtcdCommand()]);
  const sb = createSandbox({ hosts: [{ name: 'node-1' }, { name: 'node-2' }], programs });
  try {
    await Promise.all([provisionEtcd(sb.host('node-1')), provisionEtcd(sb.host('node-2'), { start: false, version: 'v3.5.21' })]);
    assert.equal((await run(sb.host('node-1'), ['systemctl', 'is-active', 'etcd'])).stdout, 'active\n');
    assert.equal((await run(sb.host('node-2'), ['systemctl', 'is-active', 'etcd'])).stdout, 'inactive\n');
    assert.equal((await run(sb.host('node-2'), ['systemctl', 'is-enabled', 'etcd'])).stdout, 'enabled\n');
    assert.match((await run(sb.host('node-2'), ['etcd', '--version'])).stdout, /^etcd Version: 3\.5\.21\n/);
    await assert.rejects(provisionEtcd(sb.host('node-1'), { version: 'v9.9.9' }), /provisionEtcd on node-1 failed/);
  } finally {
    await sb.dispose();
  }
});

/** The lesson's second half, verbatim: a CA, server and client certificates, /etc/default/etcd, restart, mTLS. */
const TLS_PART = "set -e\nsudo mkdir -p /etc/etcd/pki\ncd /etc/etcd/pki\nsudo openssl genrsa -out ca.key 4096\nsudo openssl req -x509 -new -nodes -key ca.key -out ca.crt -subj \"/CN=etcd\" -sha256 -days 3650\ncat <<EOF | sudo tee server.cnf\n[ req ]\ndefault_bits = 2048\ndistinguished_name = req_distinguished_name\nreq_extensions = req_ext\nprompt = no\n[ req_distinguished_name ]\nCN = server\n[ req_ext ]\nsubjectAltName = @alt_names\n[ alt_names ]\nDNS.1 = localhost\nDNS.2 = $(hostname)\nIP.1 = 127.0.0.1\nIP.2 = ::1\nIP.3 = $(ip -o -4 addr show | grep 'eth' | awk '{split($4,a,\"/\"); print a[1]}' | paste -sd,)\nEOF\nsudo openssl genrsa -out server.key 2048\nsudo openssl req -new -key server.key -out server.csr -config server.cnf\nsudo openssl x509 -req -in server.csr -out server.crt \\\n-CA ca.crt -CAkey ca.key \\\n-days 365 -extfile server.cnf -extensions req_ext\nsudo openssl genrsa -out client.key 2048\nsudo openssl req -new -key client.key -out client.csr -subj \"/CN=etcd/O=etcd\"\nsudo openssl x509 -req -in client.csr -out client.crt \\\n-CA ca.crt -CAkey ca.key \\\n-days 365\nsudo chown -R etcd:etcd .\nsudo chmod 644 client.key\ncd\ncat <<EOF | sudo tee -a /etc/default/etcd\nETCD_LISTEN_CLIENT_URLS=https://0.0.0.0:2379\nETCD_CLIENT_CERT_AUTH=true\nETCD_CERT_FILE=/etc/etcd/pki/server.crt\nETCD_KEY_FILE=/etc/etcd/pki/server.key\nETCD_TRUSTED_CA_FILE=/etc/etcd/pki/ca.crt\nETCD_NAME=$(hostname)\nETCD_ADVERTISE_CLIENT_URLS=https://$(hostname):2379\nEOF\nsudo systemctl restart etcd\ncat <<EOF | tee -a $HOME/.bashrc $HOME/.profile\nexport ETCDCTL_CACERT=/etc/etcd/pki/ca.crt\nexport ETCDCTL_CERT=/etc/etcd/pki/client.crt\nexport ETCDCTL_KEY=/etc/etcd/pki/client.key\nexport ETCDCTL_ENDPOINTS=https://127.0.0.1:2379\nEOF\nbash --login -c \"etcdctl endpoint health\"\n";

it(
  "the seed's TLS commands work verbatim: restart with /etc/default/etcd, etcdctl over mTLS",
  { timeout: 120_000, skip: builtinPrograms.has('etcdctl') && builtinPrograms.has('openssl') ? false : 'waiting for etcdctl and openssl' },
  async () => {
    const sb = sandbox();
    const h = sb.host('node-1');
    try {
      const r1 = await run(h, ['bash', '-c', INSTALL(WGET)]);
      assert.equal(r1.status, 0, r1.stderr);
      const r = await run(h, ['bash', '-c', TLS_PART]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /https:\/\/127\.0\.0\.1:2379 is healthy: successfully committed proposal: took = /);
      assert.equal((await run(h, ['systemctl', 'is-active', 'etcd'])).stdout, 'active\n');
      const log = (await run(h, ['journalctl', '-u', 'etcd', '--no-pager'], { as: 'root' })).stdout;
      assert.match(log, /Stopping etcd\.service - etcd\.\.\.\n[^]*Stopped etcd\.service - etcd\.\n[^]*Starting etcd\.service - etcd\.\.\.\n/);
      assert.equal(h.processes().find((p) => p.unit === 'etcd.service')?.cred.user, 'etcd');
    } finally {
      await sb.dispose();
    }
  },
);
