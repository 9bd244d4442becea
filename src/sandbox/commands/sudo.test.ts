import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bytesToString } from '../../platform/filesystem.ts';
import { run, testHost } from './testing.ts';

it('sudo runs commands as root without a password for learner, with a reset environment', async () => {
  const h = testHost();
  assert.equal((await run(h, 'sudo whoami')).stdout, 'root\n');
  assert.equal((await run(h, 'sudo id -u')).stdout, '0\n');
  const env = (await run(h, 'sudo env')).stdout;
  assert.match(env, /^SUDO_USER=learner$/m);
  assert.match(env, /^HOME=\/root$/m);
  assert.match(env, /^PATH=\/usr\/local\/sbin:\/usr\/local\/bin:\/usr\/sbin:\/usr\/bin:\/sbin:\/bin$/m);
  assert.match(env, /^SUDO_COMMAND=\/usr\/bin\/env$/m);
  assert.doesNotMatch((await run(h, 'sudo env', { env: { SECRET: 'x' } })).stdout, /SECRET/);
  assert.match((await run(h, 'sudo -E env', { env: { SECRET: 'x' } })).stdout, /^SECRET=x$/m);
});

it('sudo tee writes a root-owned file from stdin (the lessons heredoc pattern)', async () => {
  const h = testHost();
  const r = await run(h, 'sudo tee -a /etc/default/etcd', { stdin: 'ETCD_NAME=node-1\n' });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'ETCD_NAME=node-1\n');
  assert.equal(bytesToString(h.rootFs.readFile('/etc/default/etcd')), 'ETCD_NAME=node-1\n');
  assert.equal(h.rootFs.stat('/etc/default/etcd').uid, 0);
});

it('sudo -u runs as another user; unknown users and commands fail in sudo words', async () => {
  const h = testHost();
  assert.equal((await run(h, 'sudo -u nobody id -un')).stdout, 'nobody\n');
  assert.equal((await run(h, 'sudo -u nosuch true')).stderr, 'sudo: unknown user nosuch\n');
  const nf = await run(h, 'sudo etcd');
  assert.equal(nf.stderr, 'sudo: etcd: command not found\n');
  assert.equal(nf.status, 1);
  assert.match((await run(h, 'sudo -l')).stdout, /User learner may run the following commands on node-1:\n {4}\(ALL : ALL\) ALL\n {4}\(ALL\) NOPASSWD: ALL\n/);
});

it('sudo refuses users outside the sudoers file', async () => {
  const h = testHost();
  h.rootFs.appendFile('/etc/passwd', 'bob:x:1001:1001::/home/bob:/bin/bash\n');
  h.rootFs.appendFile('/etc/group', 'bob:x:1001:\n');
  const r = await run(h, 'sudo id', { as: 'bob' as never });
  assert.equal(r.stderr, 'bob is not in the sudoers file.  This incident will be reported.\n');
  assert.equal(r.status, 1);
});

it('sudo with no command prints the usage', async () => {
  const r = await run(testHost(), 'sudo');
  assert.match(r.stderr, /^usage: sudo -h \| -K \| -k \| -V\n/);
  assert.equal(r.status, 1);
});
