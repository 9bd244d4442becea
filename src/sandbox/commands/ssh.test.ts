import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createRegistry } from '../programs.ts';
import { builtinPrograms } from '../registry.ts';
import { createSandbox } from '../sandbox.ts';
import { createTerminalSession } from '../shell/terminal-session.ts';
import { bash } from './bash.ts';
import { run } from './testing.ts';

function lab() {
  const programs = createRegistry([...builtinPrograms.values(), bash]);
  return createSandbox({ hosts: [{ name: 'node-1' }, { name: 'node-2' }, { name: 'node-3' }], programs });
}

it('ssh node-2 CMD runs the command there as the same user and brings back output and status', async () => {
  const sb = lab();
  const h1 = sb.host('node-1');
  let r = await run(h1, ['ssh', 'node-2', 'hostname; whoami; echo $SSH_CONNECTION']);
  assert.equal(r.stdout, 'node-2\nlearner\n10.0.0.11 50022 10.0.0.12 22\n');
  assert.equal(r.status, 0);
  r = await run(h1, ['ssh', 'node-3', 'exit 7']);
  assert.equal(r.status, 7);
  r = await run(h1, ['ssh', 'node-2', 'cat', '/etc/hostname']);
  assert.equal(r.stdout, 'node-2\n');
  await sb.dispose();
});

it('ssh errors in OpenSSH words', async () => {
  const sb = lab();
  const h1 = sb.host('node-1');
  let r = await run(h1, ['ssh', 'node-9']);
  assert.equal(r.stderr, 'ssh: Could not resolve hostname node-9: Name or service not known\n');
  assert.equal(r.status, 255);
  r = await run(h1, ['ssh', 'root@node-2', 'true']);
  assert.equal(r.stderr, 'root@node-2: Permission denied (publickey).\n');
  assert.equal(r.status, 255);
  sb.network.partition(['node-1'], ['node-2', 'node-3']);
  r = await run(h1, ['ssh', 'node-2', 'true']);
  assert.equal(r.stderr, 'ssh: connect to host node-2 port 22: Connection timed out\n');
  assert.equal(r.status, 255);
  r = await run(h1, ['ssh', '-p', '2222', 'node-1', 'true']);
  assert.equal(r.stderr, 'ssh: connect to host node-1 port 2222: Connection refused\n');
  await sb.dispose();
});

it('interactive ssh opens a login shell on node-2; exit comes back; its background job gets SIGHUP', async () => {
  const sb = lab();
  let screen = '';
  const term = createTerminalSession({ host: sb.host('node-1'), user: 'learner', cols: 80, rows: 24, ttyName: 'pts/0', onOutput: (d) => (screen += d), historyFile: null });
  await term.ready;
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 400 && !re.test(screen); i++) await new Promise((r) => setTimeout(r, 5));
    assert.match(screen, re);
  };
  term.input('ssh node-2\r');
  await waitFor(/Linux node-2 .* x86_64\r\n/);
  await waitFor(/learner@node-2:~\$ $/);
  term.input('sleep 1000 &\r');
  await waitFor(/\[1\] \d+\r\n.*learner@node-2:~\$ $/s);
  const h2 = sb.host('node-2');
  assert.ok(h2.processes().some((p) => p.argv[0] === 'sleep'));
  term.input('exit\r');
  await waitFor(/Connection to node-2 closed\.\r\n/);
  await waitFor(/learner@node-1:~\$ $/);
  assert.doesNotMatch(screen, /Last login/);
  term.input('ssh node-2\r');
  await waitFor(/Last login: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} from 10\.0\.0\.11\r\n/);
  await waitFor(/learner@node-2:~\$ $/);
  term.input('exit\r');
  await waitFor(/Connection to node-2 closed\.\r\n(.|\n|\r)*Connection to node-2 closed\.\r\n/);
  await waitFor(/learner@node-1:~\$ $/);
  for (let i = 0; i < 100 && h2.processes().some((p) => p.argv[0] === 'sleep'); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(!h2.processes().some((p) => p.argv[0] === 'sleep'), 'the background job ended with the session');
  term.close();
  await sb.dispose();
});

it('scp copies files between hosts with the remote user’s permissions', async () => {
  const sb = lab();
  const h1 = sb.host('node-1');
  const h2 = sb.host('node-2');
  h1.rootFs.writeFile('/home/learner/ca.crt', 'CERT\n');
  h1.rootFs.chown('/home/learner/ca.crt', 1000, 1000);
  let r = await run(h1, ['scp', 'ca.crt', 'node-2:/tmp/']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(new TextDecoder().decode(h2.rootFs.readFile('/tmp/ca.crt')), 'CERT\n');
  assert.equal(h2.rootFs.stat('/tmp/ca.crt').uid, 1000);
  r = await run(h1, ['scp', 'node-2:/etc/hostname', 'from2']);
  assert.equal(new TextDecoder().decode(h1.rootFs.readFile('/home/learner/from2')), 'node-2\n');
  r = await run(h1, ['scp', 'ca.crt', 'node-2:/etc/']);
  assert.equal(r.stderr, 'scp: /etc/ca.crt: Permission denied\n');
  assert.equal(r.status, 1);
  r = await run(h1, ['scp', 'node-2:/nope', '.']);
  assert.equal(r.stderr, 'scp: /nope: No such file or directory\n');
  r = await run(h1, ['scp', 'x', 'node-9:/tmp']);
  assert.equal(r.stderr, 'ssh: Could not resolve hostname node-9: Name or service not known\nscp: Connection closed\n');
  assert.equal(r.status, 255);
  await sb.dispose();
});

it('ssh carries stdin to the remote command: tar czf - dir | ssh node-2 "tar xzf - -C /tmp"', async () => {
  const sb = lab();
  const h1 = sb.host('node-1');
  await run(h1, ['mkdir', '-p', 'pki']);
  h1.rootFs.writeFile('/home/learner/pki/ca.crt', 'CERT\n');
  const r = await run(h1, ['bash', '-c', "tar czf - pki | ssh node-2 'tar xzvf - -C /tmp'"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'pki/\npki/ca.crt\n');
  assert.equal(new TextDecoder().decode(sb.host('node-2').rootFs.readFile('/tmp/pki/ca.crt')), 'CERT\n');
  await sb.dispose();
});
