// The bash program: -c, --login -c, scripts with arguments, stdin scripts, bad options.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CollectingOutput, inputFrom, emptyInput } from '../io.ts';
import { FakeHost } from '../shell/testing/fake-host.ts';
import type { Host } from '../types.ts';

async function run(host: Host, argv: string[], stdin = ''): Promise<{ status: number; stdout: string; stderr: string }> {
  const cred = host.users.credentials('learner')!;
  const r = host.resolveProgram(argv[0]!, { path: '/usr/bin:/bin', cwd: '/home/learner', cred });
  assert.ok(r.ok);
  const stdout = new CollectingOutput();
  const stderr = new CollectingOutput();
  const p = host.start({ command: r.command, argv, env: { PATH: '/usr/bin:/bin', HOME: '/home/learner', USER: 'learner' }, cwd: '/home/learner', cred, stdin: stdin ? inputFrom(stdin) : emptyInput, stdout, stderr, ppid: 1 });
  const status = await p.exited;
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

test('bash -c runs a command line with $0 and positional arguments', async () => {
  const host = new FakeHost();
  assert.deepEqual(await run(host, ['bash', '-c', 'echo "$0 $1 $#"; exit 4', 'name', 'a', 'b']), { status: 4, stdout: 'name a 2\n', stderr: '' });
  assert.deepEqual(await run(host, ['bash', '-c', 'nosuch']), { status: 127, stdout: '', stderr: 'bash: line 1: nosuch: command not found\n' });
  assert.deepEqual(await run(host, ['bash', '-c', 'echo (']), { status: 2, stdout: '', stderr: "bash: -c: line 1: syntax error near unexpected token `newline'\nbash: -c: line 1: `echo ('\n" });
  assert.deepEqual(await run(host, ['bash', '-c']), { status: 2, stdout: '', stderr: 'bash: -c: option requires an argument\n' });
});

test('bash --login -c reads /etc/profile and ~/.profile first', async () => {
  const host = new FakeHost();
  host.rootFs.writeFile('/etc/profile', 'export SITE=lab\n');
  host.rootFs.writeFile('/home/learner/.profile', 'export ETCDCTL_ENDPOINTS=https://127.0.0.1:2379\n');
  const r = await run(host, ['bash', '--login', '-c', 'echo $SITE $ETCDCTL_ENDPOINTS; env | grep ETCDCTL']);
  assert.equal(r.stdout, 'lab https://127.0.0.1:2379\nETCDCTL_ENDPOINTS=https://127.0.0.1:2379\n');
  const plain = await run(host, ['bash', '-c', 'echo "[$ETCDCTL_ENDPOINTS]"']);
  assert.equal(plain.stdout, '[]\n');
  assert.equal((await run(host, ['bash', '-l', '-c', 'echo $SITE'])).stdout, 'lab\n');
});

test('bash script.sh args; errors name the script and line', async () => {
  const host = new FakeHost();
  host.rootFs.writeFile('/home/learner/s.sh', 'echo "args: $@"\nshift\necho "now $1"\nnosuch\n');
  const r = await run(host, ['bash', 's.sh', 'x', 'y']);
  assert.deepEqual(r, { status: 127, stdout: 'args: x y\nnow y\n', stderr: 's.sh: line 4: nosuch: command not found\n' });
  assert.deepEqual(await run(host, ['bash', 'missing.sh']), { status: 127, stdout: '', stderr: 'bash: missing.sh: No such file or directory\n' });
});

test('a script on stdin, set -e from the command line, EXIT traps', async () => {
  const host = new FakeHost();
  assert.deepEqual(await run(host, ['bash'], 'echo from stdin\n'), { status: 0, stdout: 'from stdin\n', stderr: '' });
  assert.deepEqual(await run(host, ['bash', '-e', '-c', 'fail 3; echo no']), { status: 3, stdout: '', stderr: '' });
  assert.deepEqual(await run(host, ['bash', '-c', "trap 'echo bye $?' EXIT; echo hi; exit 5"]), { status: 5, stdout: 'hi\nbye 5\n', stderr: '' });
  assert.equal((await run(host, ['bash', '--version'])).stdout.split('\n')[0], 'GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)');
  assert.equal((await run(host, ['bash', '-Z'])).status, 2);
});

test('sudo through the Spawner runs as root; bash -c as a child of a program', async () => {
  const host = new FakeHost();
  const r = await run(host, ['bash', '-c', 'echo secret | sudo tee /root/file >/dev/null; sudo bash -c "whoami; cat /root/file"']);
  assert.deepEqual(r, { status: 0, stdout: 'root\nsecret\n', stderr: '' });
});
