// Lab 02 on a real sandbox: a fresh host fails every check and says what it found; the
// course's commands, typed into a terminal, pass them all; a few broken states get the
// words a learner needs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCheckContext } from '../../src/lab/check-context.ts';
import { TerminalDriver } from '../../src/lab/terminal-driver.ts';
import { checkAll, checkOne, labSandbox, missingPrograms, typeLines, withLabTerminal } from '../common/lab-testing.ts';
import lab, { INSTALL_LINES } from './lab.ts';

const waitingFor = (names: string[]) => {
  const missing = missingPrograms(names);
  return missing.length ? `waiting for ${missing.join(', ')} in the program registry (etcdctl/curl engineer)` : false;
};

/** The install lines with the tarball fetched by wget while curl has not landed (same file, same place). */
const installLines = () =>
  INSTALL_LINES.map((l) => (l.startsWith('curl -fsSLO ') && missingPrograms(['curl']).length ? l.replace('curl -fsSLO ', 'wget -q ') : l));

test('on a fresh host every task fails and says what it found', async () => {
  const sandbox = await labSandbox(lab);
  try {
    const term = new TerminalDriver(sandbox, { host: 'node-1' });
    assert.ok(await term.ready());
    const r = await term.run('etcd --version');
    assert.match(r.output, /etcd: command not found/);
    term.close();
    const results = await checkAll(lab, createCheckContext(sandbox));
    for (const [id, res] of results) assert.equal(res.ok, false, `${id} must fail on a fresh host: ${res.message}`);
    assert.equal(results.get('install-binaries')!.message, '/usr/local/bin/etcd does not exist');
    assert.equal(results.get('bash-completion')!.message, '/etc/bash_completion.d/etcdctl does not exist');
    assert.equal(results.get('etcd-user')!.message, 'there is no user etcd in /etc/passwd');
    assert.equal(results.get('unit-file')!.message, '/etc/systemd/system/etcd.service does not exist');
    assert.match(results.get('service-running')!.message, /systemd finds no etcd\.service/);
    assert.match(results.get('service-healthy')!.message, /GET http:\/\/127\.0\.0\.1:2379\/health failed: dial tcp 127\.0\.0\.1:2379: connect: connection refused/);
    assert.match(results.get('put-foo')!.message, /connection refused/);
  } finally {
    sandbox.dispose();
  }
});

test('the install commands pass the install tasks; broken states are named', { timeout: 60_000 }, async () => {
  await withLabTerminal(lab, async (term, sandbox) => {
    await typeLines(term, installLines());
    assert.match(term.output, /Created symlink \/etc\/systemd\/system\/multi-user\.target\.wants\/etcd\.service/);
    for (const id of ['install-binaries', 'etcd-user', 'unit-file', 'service-running', 'service-healthy']) {
      const r = await checkOne(lab, sandbox, id);
      assert.ok(r.ok, `${id}: ${r.message}`);
    }
    assert.match((await checkOne(lab, sandbox, 'service-running')).message, /main process pid \d+ runs as etcd/);
    assert.match((await checkOne(lab, sandbox, 'put-foo')).message, /the key foo does not exist in etcd/);

    // A binary without its execute bits.
    await typeLines(term, ['sudo chmod 644 /usr/local/bin/etcdctl']);
    assert.equal((await checkOne(lab, sandbox, 'install-binaries')).message, '/usr/local/bin/etcd is fine; /usr/local/bin/etcdctl has mode 644; it must be 755');
    await typeLines(term, ['sudo chmod 755 /usr/local/bin/etcdctl']);

    // The service stopped: enabled, but inactive.
    await typeLines(term, ['sudo systemctl stop etcd']);
    const stopped = await checkOne(lab, sandbox, 'service-running');
    assert.equal(stopped.ok, false);
    assert.match(stopped.message, /^etcd\.service is enabled and inactive \(dead\).*; see sudo journalctl -u etcd$/);
    const health = await checkOne(lab, sandbox, 'service-healthy');
    assert.match(health.message, /connection refused; etcd\.service is enabled and inactive \(dead\)/);

    // etcd started by hand (lesson 01's way) answers, but it is not the service.
    await typeLines(term, ['etcd > etcd.log 2>&1 &', 'sleep 1']);
    const byHand = await checkOne(lab, sandbox, 'service-healthy');
    assert.equal(byHand.ok, false);
    assert.match(byHand.message, /etcd\.service is enabled and inactive \(dead\)/);
    await typeLines(term, ['kill %1', 'sleep 1', 'sudo systemctl start etcd']);
    assert.ok((await checkOne(lab, sandbox, 'service-healthy')).ok);
  });
});

test('the reference solution, typed into a terminal, passes every check', { timeout: 90_000, skip: waitingFor(['etcdctl', 'curl']) }, async () => {
  await withLabTerminal(lab, async (term, sandbox) => {
    await typeLines(term, lab.solution);
    const out = term.output;
    assert.match(out, /etcd-v3\.6\.4-linux-amd64\/etcd\n/);
    assert.match(out, /Active: active \(running\)/);
    assert.match(out, /\{"health":"true"/);
    assert.match(out, /127\.0\.0\.1:2379 is healthy: successfully committed proposal/);
    assert.match(out, /\nfoo\nbar\n/);
    assert.match(out, /\n\/foo\n\n\/foo\/bar\n\n\/foo\/bar\/baz\n/);
    const results = await checkAll(lab, createCheckContext(sandbox));
    for (const [id, r] of results) assert.ok(r.ok, `${id} failed after the solution: ${r.message}`);
  });
});
