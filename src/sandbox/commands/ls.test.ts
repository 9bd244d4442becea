import assert from 'node:assert/strict';
import { it } from 'node:test';
import { columns } from './ls.ts';
import { run, testHost } from './testing.ts';

it('ls lists names one per line when not a terminal, hiding dot files unless -a/-A', async () => {
  const h = testHost();
  assert.equal((await run(h, 'ls')).stdout, '');
  assert.equal((await run(h, 'ls -A')).stdout, '.bash_logout\n.bashrc\n.profile\n');
  assert.equal((await run(h, 'ls -a')).stdout, '.\n..\n.bash_logout\n.bashrc\n.profile\n');
});

it('ls -l prints mode, links, owner, group, size, date and name, with the total', async () => {
  const h = testHost();
  h.fsFor(h.users.credentials('learner')!).writeFile('/home/learner/notes.txt', 'hello\n');
  h.rootFs.mkdir('/home/learner/dir');
  const r = await run(h, 'ls -l');
  assert.equal(r.stdout, 'total 8\ndrwxr-xr-x 2 root    root    4096 Nov 21 09:00 dir\n-rw-r--r-- 1 learner learner    6 Nov 21 09:00 notes.txt\n');
});

it('ls -l shows symlinks with their target and -d lists a directory itself', async () => {
  const h = testHost();
  assert.equal((await run(h, 'ls -l /bin')).stdout, 'lrwxrwxrwx 1 root root 7 Nov 21 09:00 /bin -> usr/bin\n');
  assert.equal((await run(h, 'ls -ld /tmp')).stdout, 'drwxrwxrwt 2 root root 4096 Nov 21 09:00 /tmp\n');
});

it('ls -h shows human sizes and -n numeric ids', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/big', new Uint8Array(1536 * 1024));
  assert.match((await run(h, 'ls -lh /tmp/big')).stdout, /^-rw-r--r-- 1 root root 1\.5M Nov 21 09:00 \/tmp\/big\n$/);
  assert.match((await run(h, 'ls -n /tmp/big')).stdout, /^-rw-r--r-- 1 0 0 1572864 /);
});

it('ls reports a missing operand and an unreadable directory with exit status 2', async () => {
  const h = testHost();
  const r = await run(h, 'ls /nope /root');
  assert.equal(r.stderr, "ls: cannot access '/nope': No such file or directory\nls: cannot open directory '/root': Permission denied\n");
  assert.equal(r.status, 2);
});

it('ls with several operands lists files first, then each directory under a header; -R recurses', async () => {
  const h = testHost();
  h.rootFs.mkdir('/tmp/d/sub', { recursive: true });
  h.rootFs.writeFile('/tmp/d/f', '');
  h.rootFs.writeFile('/tmp/d/sub/g', '');
  h.rootFs.writeFile('/tmp/x', '');
  assert.equal((await run(h, 'ls /tmp/d /tmp/x')).stdout, '/tmp/x\n\n/tmp/d:\nf\nsub\n');
  assert.equal((await run(h, 'ls -R /tmp/d')).stdout, '/tmp/d:\nf\nsub\n\n/tmp/d/sub:\ng\n');
});

it('ls fills columns top to bottom on a terminal', async () => {
  assert.deepEqual(columns(['a', 'bb', 'c', 'dd', 'e'], 12), ['a   c   e', 'bb  dd']);
  const h = testHost();
  h.rootFs.mkdir('/tmp/c');
  for (const n of ['one', 'two', 'three']) h.rootFs.writeFile(`/tmp/c/${n}`, '');
  assert.equal((await run(h, 'ls /tmp/c', { tty: true })).stdout, 'one  three  two\n');
  assert.equal((await run(h, 'ls -F /usr/bin/ls /tmp/c/one')).stdout, '/tmp/c/one\n/usr/bin/ls*\n');
});

it('ls rejects a bad option with status 2', async () => {
  const r = await run(testHost(), 'ls --al');
  assert.equal(r.stderr, "ls: option '--al' is ambiguous; possibilities: '--all' '--almost-all'\nTry 'ls --help' for more information.\n");
  assert.equal(r.status, 2);
});
