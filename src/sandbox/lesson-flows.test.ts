// The course's command shapes, typed into a real terminal session on a real sandbox host:
// the shell (src/sandbox/shell) with this directory's programs, users and processes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToString } from '../platform/filesystem.ts';
import { testSandbox } from './commands/testing.ts';
import { installProgram } from './programs.ts';
import { TermHarness } from './shell/testing/term-harness.ts';

async function terminal() {
  const sb = testSandbox();
  const host = sb.host('node-1');
  const t = new TermHarness(host);
  await t.session.ready;
  await t.waitFor(/learner@node-1:~\$ $/);
  return { sb, host, t };
}

test('install the release binaries the hard way: brace expansion, sudo install, PATH', async () => {
  const { host, t } = await terminal();
  const dir = '/home/learner/rel';
  host.rootFs.mkdir(dir);
  host.rootFs.chown(dir, 1000, 1000);
  for (const b of ['etcd', 'etcdctl', 'etcdutl']) installProgram(host.rootFs, `${dir}/${b}`, b, '3.6.4');
  assert.equal(await t.run('which etcdctl; echo $?'), '1');
  assert.equal(await t.run('cd rel'), '');
  assert.equal(await t.run('install -m 755 {etcd,etcdctl,etcdutl} /usr/local/bin'), "install: cannot create regular file '/usr/local/bin/etcd': Permission denied\ninstall: cannot create regular file '/usr/local/bin/etcdctl': Permission denied\ninstall: cannot create regular file '/usr/local/bin/etcdutl': Permission denied");
  assert.equal(await t.run('sudo install -m 755 {etcd,etcdctl,etcdutl} /usr/local/bin'), '');
  assert.equal(await t.run('ls -l /usr/local/bin | wc -l'), '4');
  assert.equal(await t.run('which etcdctl'), '/usr/local/bin/etcdctl');
  assert.equal(await t.run("stat -c '%a %U' /usr/local/bin/etcd"), '755 root');
  t.session.close();
});

test('a heredoc piped into sudo tee writes a root-owned config file', async () => {
  const { host, t } = await terminal();
  t.send("cat <<EOF | sudo tee -a /etc/default/etcd > /dev/null\nETCD_NAME=$(hostname)\nETCD_DATA_DIR=/var/lib/etcd\nEOF\n");
  await t.waitFor(/EOF\n.*learner@node-1:~\$ $/s);
  assert.equal(bytesToString(host.rootFs.readFile('/etc/default/etcd')), 'ETCD_NAME=node-1\nETCD_DATA_DIR=/var/lib/etcd\n');
  assert.equal(await t.run('grep -c ETCD_ /etc/default/etcd'), '2');
  assert.equal(await t.run('sudo mkdir -p /var/lib/etcd'), '');
  assert.equal(await t.run('sudo chmod 700 /var/lib/etcd'), '');
  assert.equal(await t.run('ls -ld /var/lib/etcd'), 'drwx------ 2 root root 4096 Nov 21 09:00 /var/lib/etcd');
  assert.equal(await t.run('ls /var/lib/etcd'), "ls: cannot open directory '/var/lib/etcd': Permission denied");
  t.session.close();
});

test('processes: ps, pgrep, kill, and nohup surviving the end of the session', async () => {
  const { host, t } = await terminal();
  const started = await t.run('nohup sleep 500 > sleep.log 2>&1 &');
  assert.match(started, /^\[1\] \d+$/);
  const pid = started.split(' ')[1]!;
  assert.equal(await t.run('sleep 600 &'), `[2] ${Number(pid) + 1}`);
  assert.equal(await t.run('pgrep -a sleep'), `${pid} sleep 500\n${Number(pid) + 1} sleep 600`);
  assert.match(await t.run('ps -ef | grep "sleep 5[0]0"'), new RegExp(`^learner +${pid} +\\d+ +0 09:00 pts/0 +00:00:00 sleep 500$`));
  assert.equal(await t.run('kill 999999'), '-bash: kill: (999999) - No such process');
  t.session.close();
  await t.session.exited;
  for (let i = 0; i < 20 && host.processes().some((p) => p.argv.join(' ') === 'sleep 600'); i++) await new Promise((r) => setTimeout(r, 10));
  const left = host.processes().map((p) => p.argv.join(' '));
  assert.ok(left.includes('sleep 500'), 'the nohup-ed job survives the hangup');
  assert.ok(!left.includes('sleep 600'), 'the plain job ends with the session');
});

test('sudo -i opens a root login shell on the same terminal, exit returns', async () => {
  const { t } = await terminal();
  const from = t.raw.length;
  t.send('sudo -i\r');
  await t.waitFor(/root@node-1:~# $/, from);
  const inner = t.raw.length;
  t.send('whoami; pwd; ps -o args= -p $PPID\r');
  assert.match(await t.waitFor(/root@node-1:~# $/, inner), /^whoami; pwd; ps -o args= -p \$PPID\nroot\n\/root\n-bash\nroot@node-1:~# $/);
  const back = t.raw.length;
  t.send('exit\r');
  await t.waitFor(/learner@node-1:~\$ $/, back);
  assert.equal(await t.run('whoami'), 'learner');
  t.session.close();
});
