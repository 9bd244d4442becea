// What an installed etcd says about its build: each release's own Git SHA and Go version,
// in `etcd --version` and in the 'starting an etcd server' log line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CollectingOutput, emptyInput } from '../io.ts';
import { installProgram } from '../programs.ts';
import { ETCD_RELEASE_FACTS } from '../../etcd/version/release-facts.ts';
import { etcdReleaseTags } from '../internet/etcd-releases.ts';
import { run, testSandbox } from './testing.ts';

function hostWithEtcd(version: string) {
  const sb = testSandbox();
  const host = sb.host('node-1');
  installProgram(host.rootFs, '/usr/local/bin/etcd', 'etcd', version);
  return { sb, host };
}

test('etcd --version of two installed releases names each release\'s commit and Go', async () => {
  const a = await run(hostWithEtcd('3.6.4').host, 'etcd --version');
  assert.equal(a.status, 0);
  // What the real v3.6.4 linux/amd64 binary prints.
  assert.equal(a.stdout, 'etcd Version: 3.6.4\nGit SHA: 5400cdc\nGo Version: go1.23.11\nGo OS/Arch: linux/amd64\n');
  const b = await run(hostWithEtcd('3.4.13').host, 'etcd --version');
  assert.equal(b.stdout, 'etcd Version: 3.4.13\nGit SHA: ae9734ed2\nGo Version: go1.12.17\nGo OS/Arch: linux/amd64\n');
  const c = await run(hostWithEtcd('3.5.21').host, 'etcd --version');
  const facts = ETCD_RELEASE_FACTS['3.5.21']!;
  assert.equal(c.stdout, `etcd Version: 3.5.21\nGit SHA: ${facts.gitSha}\nGo Version: ${facts.goVersion}\nGo OS/Arch: linux/amd64\n`);
});

test('every release the virtual GitHub serves has its own facts', () => {
  for (const tag of etcdReleaseTags()) {
    const f = ETCD_RELEASE_FACTS[tag.slice(1)];
    assert.ok(f, `${tag} missing from release-facts.ts: rerun scripts/etcd-release-facts.ts`);
    assert.match(f.gitSha, /^[0-9a-f]{7,12}$/, tag);
    assert.match(f.goVersion, /^go1\.\d+\.\d+$/, tag);
  }
});

test('a release missing from the table prints GitNotFound and the Go of the closest older release', async () => {
  const r = await run(hostWithEtcd('3.6.99').host, 'etcd --version');
  assert.equal(r.stdout, `etcd Version: 3.6.99\nGit SHA: GitNotFound\nGo Version: ${ETCD_RELEASE_FACTS['3.6.5']!.goVersion}\nGo OS/Arch: linux/amd64\n`);
});

async function startupLine(version: string): Promise<Record<string, unknown>> {
  const { host } = hostWithEtcd(version);
  const r = host.resolveProgram('etcd', { path: '/usr/local/bin', cwd: '/root', cred: host.users.credentials('root')! });
  if (!r.ok) throw new Error(r.error);
  const out = new CollectingOutput();
  const proc = host.start({
    command: r.command,
    argv: ['etcd', '--data-dir', '/var/lib/etcd'],
    env: {},
    cwd: '/root',
    cred: host.users.credentials('root')!,
    stdin: emptyInput,
    stdout: out,
    stderr: out,
    ppid: 1,
  });
  try {
    for (let i = 0; i < 300 && !out.text().includes('"starting an etcd server"'); i++) await new Promise((res) => setTimeout(res, 10));
    const line = out.text().split('\n').find((l) => l.includes('"starting an etcd server"'));
    assert.ok(line, out.text());
    return JSON.parse(line) as Record<string, unknown>;
  } finally {
    proc.kill('SIGTERM');
    await proc.exited;
  }
}

test('the startup log names the release, its Git SHA and its Go version', { timeout: 20_000 }, async () => {
  const six = await startupLine('3.6.4');
  assert.equal(six['etcd-version'], '3.6.4');
  assert.equal(six['git-sha'], '5400cdc');
  assert.equal(six['go-version'], 'go1.23.11');
  const five = await startupLine('3.5.0');
  assert.equal(five['etcd-version'], '3.5.0');
  assert.equal(five['git-sha'], '946a5a6f2');
  assert.equal(five['go-version'], 'go1.16.3');
});
