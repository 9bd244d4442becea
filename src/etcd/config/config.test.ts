import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEtcdConfig, verifyBootstrap, type ParseOutcome } from './config.ts';
import { Logger } from '../log.ts';
import { SimClock } from '../../platform/sim-clock.ts';
import { computeClusterId, computeMemberId } from '../types/id.ts';

function parse(argv: string[], env: Record<string, string> = {}): { out: ParseOutcome; logs: Record<string, unknown>[] } {
  const lines: string[] = [];
  const log = new Logger({ write: (l) => lines.push(l) }, new SimClock());
  const out = parseEtcdConfig(argv, env, log);
  return { out, logs: lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function ok(argv: string[], env: Record<string, string> = {}) {
  const { out } = parse(argv, env);
  assert.equal(out.kind, 'ok', JSON.stringify(out));
  return (out as Extract<ParseOutcome, { kind: 'ok' }>).config;
}

test('defaults match etcd', () => {
  const c = ok([]);
  assert.equal(c.name, 'default');
  assert.equal(c.dataDir, 'default.etcd');
  assert.equal(c.heartbeatMs, 100);
  assert.equal(c.electionMs, 1000);
  assert.equal(c.initialClusterToken, 'etcd-cluster');
  assert.equal(c.listenClientUrls[0]?.text, 'http://localhost:2379');
  assert.equal(c.advertiseClientUrls[0]?.text, 'http://localhost:2379');
});

test('default member and cluster ids are the ones real etcd prints', () => {
  const c = ok([]);
  const urls = (c.initialCluster.get('default') ?? []).map((u) => u.text);
  const id = computeMemberId(urls, c.initialClusterToken);
  assert.equal(id, '8e9e05c52164694d');
  assert.equal(computeClusterId([id]), 'cdf818194e3a8c32');
});

test('--flag=value and --flag value and -flag value all work', () => {
  assert.equal(ok(['--name=a']).name, 'a');
  assert.equal(ok(['--name', 'b']).name, 'b');
  assert.equal(ok(['-name', 'c']).name, 'c');
  assert.equal(ok(['--name', 'c']).dataDir, 'c.etcd');
});

test('a name alone rewrites the default initial cluster, as etcd does', () => {
  const c = ok(['--name', 'node-1']);
  assert.deepEqual([...c.initialCluster.keys()], ['node-1']);
  verifyBootstrap(c);
});

test('ETCD_* variables set flags and are logged', () => {
  const { out, logs } = parse([], { ETCD_NAME: 'x', ETCD_DATA_DIR: '/var/lib/etcd' });
  assert.equal(out.kind, 'ok');
  if (out.kind !== 'ok') return;
  assert.equal(out.config.name, 'x');
  assert.equal(out.config.dataDir, '/var/lib/etcd');
  assert.ok(logs.some((l) => l['msg'] === 'recognized and used environment variable' && l['variable-name'] === 'ETCD_NAME'));
});

test('a flag shadowing an ETCD_* variable is fatal, as in etcd 3.6', () => {
  const { out, logs } = parse(['--name', 'y'], { ETCD_NAME: 'x' });
  assert.equal(out.kind, 'fatal');
  const last = logs.at(-1)!;
  assert.equal(last['level'], 'fatal');
  assert.match(String(last['msg']), /^conflicting environment variable is shadowed by corresponding command-line flag/);
  assert.equal(last['environment-variable'], 'ETCD_NAME');
});

test('unknown and malformed flags give Go flag errors', () => {
  assert.deepEqual(parse(['--foo']).out, { kind: 'usage-error', message: 'flag provided but not defined: -foo' });
  assert.deepEqual(parse(['--name']).out, { kind: 'usage-error', message: 'flag needs an argument: -name' });
  assert.deepEqual(parse(['--heartbeat-interval', 'abc']).out, {
    kind: 'usage-error',
    message: 'invalid value "abc" for flag -heartbeat-interval: parse error',
  });
  assert.deepEqual(parse(['--initial-cluster-state', 'old']).out, {
    kind: 'usage-error',
    message: 'invalid value "old" for flag -initial-cluster-state: invalid value "old"',
  });
  assert.deepEqual(parse(['--listen-client-urls', 'ftp://x:1']).out, {
    kind: 'usage-error',
    message: 'invalid value "ftp://x:1" for flag -listen-client-urls: URL scheme must be http, https, unix, or unixs: ftp://x:1',
  });
  assert.deepEqual(parse(['-h']).out, { kind: 'help' });
  assert.deepEqual(parse(['--version']).out, { kind: 'version' });
  assert.deepEqual(parse(['stray']).out, { kind: 'invalid', message: '"stray" is not a valid flag' });
});

test('validation errors use etcd wording', () => {
  assert.deepEqual(parse(['--heartbeat-interval', '300']).out, {
    kind: 'invalid',
    message: '--election-timeout[1000ms] should be at least as 5 times as --heartbeat-interval[300ms]',
  });
  const missing = parse(['--listen-client-urls', 'http://127.0.0.1:2379']).out;
  assert.equal(missing.kind, 'invalid');
  assert.match((missing as { message: string }).message, /--advertise-client-urls is required when --listen-client-urls is set explicitly/);
  assert.deepEqual(parse(['--listen-peer-urls', 'http://example.com:2380']).out, {
    kind: 'invalid',
    message: 'expected IP in URL for binding (http://example.com:2380)',
  });
});

test('a name missing from --initial-cluster is refused', () => {
  const c = ok(['--name', 'x', '--initial-cluster', 'a=http://10.0.0.1:2380']);
  assert.throws(() => verifyBootstrap(c), /couldn't find local name "x" in the initial cluster configuration/);
});

test('--config-file: YAML keys named like the flags, TLS blocks, flags and env ignored', () => {
  const yaml = `# etcd.conf.yml
name: 'node-1'
data-dir: /var/lib/etcd
listen-client-urls: https://10.0.0.11:2379,https://127.0.0.1:2379
advertise-client-urls: https://10.0.0.11:2379
heartbeat-interval: 200
election-timeout: 2000
initial-cluster-state: 'new'
client-transport-security:
  cert-file: /etc/etcd/server.crt
  key-file: /etc/etcd/server.key
  client-cert-auth: true
  trusted-ca-file: /etc/etcd/ca.crt
peer-transport-security:
  auto-tls: true
unknown-key: ignored
`;
  const lines: string[] = [];
  const log = new Logger({ write: (l) => lines.push(l) }, new SimClock());
  const out = parseEtcdConfig(['--config-file', '/etc/etcd/etcd.conf.yml', '--name', 'ignored'], { ETCD_NAME: 'ignored-too' }, log, () => yaml);
  assert.equal(out.kind, 'ok', JSON.stringify(out));
  if (out.kind !== 'ok') return;
  const c = out.config;
  assert.equal(c.name, 'node-1');
  assert.equal(c.dataDir, '/var/lib/etcd');
  assert.equal(c.heartbeatMs, 200);
  assert.deepEqual(c.listenClientUrls.map((u) => u.text), ['https://10.0.0.11:2379', 'https://127.0.0.1:2379']);
  assert.deepEqual(c.clientTls, { certFile: '/etc/etcd/server.crt', keyFile: '/etc/etcd/server.key', trustedCaFile: '/etc/etcd/ca.crt', clientCertAuth: true, autoTls: false });
  assert.equal(c.peerTls.autoTls, true);
  assert.ok(lines.some((l) => l.includes('loaded server configuration, other configuration command line flags and environment variables will be ignored if provided')));
  const missing = parseEtcdConfig(['--config-file', '/nope.yml'], {}, log, () => {
    throw new Error('open /nope.yml: no such file or directory');
  });
  assert.deepEqual(missing, { kind: 'invalid', message: 'open /nope.yml: no such file or directory' });
  const bad = parseEtcdConfig(['--config-file', '/x.yml'], {}, log, () => 'name: "unterminated\n');
  assert.equal(bad.kind, 'invalid');
});
