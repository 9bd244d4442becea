import assert from 'node:assert/strict';
import { it } from 'node:test';
import { compile } from '../regex/index.ts';
import { run, testHost } from './testing.ts';

const TEXT = 'b 2\na 10\nc 1\na 10\n';

it('reads POSIX BRE and ERE as GNU grep does', () => {
  const m = (p: string, syntax: 'basic' | 'extended', text: string) => compile(p, { syntax }).exec(text)?.groups[0] ?? null;
  assert.equal(m('\\(a\\)\\{2\\}', 'basic', 'xaay'), 'aa');
  assert.equal(m('(a)+|b?', 'basic', 'x(a)+|b?'), '(a)+|b?');
  assert.equal(m('(a)+|b?', 'extended', 'aab'), 'aa');
  assert.equal(m('*x', 'basic', 'a*x'), '*x');
  assert.equal(m('a[[:digit:]]', 'basic', 'ba7'), 'a7');
  assert.equal(m('a^b$', 'basic', 'a^b'), 'a^b');
  assert.equal(m('[]a]', 'basic', ']'), ']');
});

it('grep selects lines with -n, -c, -v, -i, -o, -w, -x and several files', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/s.txt', TEXT);
  assert.equal((await run(h, 'grep -n a /tmp/s.txt')).stdout, '2:a 10\n4:a 10\n');
  assert.equal((await run(h, 'grep -c a /tmp/s.txt')).stdout, '2\n');
  assert.equal((await run(h, 'grep -v a /tmp/s.txt')).stdout, 'b 2\nc 1\n');
  assert.equal((await run(h, 'grep -i A /tmp/s.txt')).stdout, 'a 10\na 10\n');
  assert.equal((await run(h, ['grep', '-o', '[0-9]*', '/tmp/s.txt'])).stdout, '2\n10\n1\n10\n');
  assert.equal((await run(h, 'grep -w 1 /tmp/s.txt')).stdout, 'c 1\n');
  assert.equal((await run(h, ['grep', '-x', 'c 1', '/tmp/s.txt'])).stdout, 'c 1\n');
  assert.equal((await run(h, 'grep b /tmp/s.txt /tmp/s.txt')).stdout, '/tmp/s.txt:b 2\n/tmp/s.txt:b 2\n');
  assert.equal((await run(h, ['grep', '-E', 'b|c', '/tmp/s.txt'])).stdout, 'b 2\nc 1\n');
  assert.equal((await run(h, ['grep', '-F', 'a.', '/tmp/s.txt'])).status, 1);
  assert.equal((await run(h, 'grep -q a /tmp/s.txt')).stdout, '');
  assert.equal((await run(h, 'grep -l a /tmp/s.txt')).stdout, '/tmp/s.txt\n');
});

it('grep reads stdin, recurses with -r, and exits 1 on no match, 2 on errors', async () => {
  const h = testHost();
  assert.equal((await run(h, 'grep ready', { stdin: 'starting\nready to serve\n' })).stdout, 'ready to serve\n');
  h.rootFs.mkdir('/tmp/r/sub', { recursive: true });
  h.rootFs.writeFile('/tmp/r/sub/f', 'needle\n');
  assert.equal((await run(h, 'grep -r needle /tmp/r')).stdout, '/tmp/r/sub/f:needle\n');
  assert.equal((await run(h, 'grep -r needle', { cwd: '/tmp/r' })).stdout, 'sub/f:needle\n');
  assert.equal((await run(h, 'grep zzz', { stdin: 'a\n' })).status, 1);
  const missing = await run(h, 'grep a /nope /tmp');
  assert.equal(missing.stderr, 'grep: /nope: No such file or directory\ngrep: /tmp: Is a directory\n');
  assert.equal(missing.status, 2);
  assert.equal((await run(h, ['grep', 'a\\{1', '/tmp'])).stderr, 'grep: Unmatched \\{\n');
  assert.equal((await run(h, 'grep')).stderr, "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
  h.rootFs.writeFile('/tmp/bin', 'x\0y');
  assert.equal((await run(h, 'grep x /tmp/bin')).stdout, 'grep: /tmp/bin: binary file matches\n');
});

it('grep prints context with -A/-B and group separators', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/c', '1\n2\nX\n4\n5\n6\n7\nX\n9\n');
  assert.equal((await run(h, 'grep -A1 X /tmp/c')).stdout, 'X\n4\n--\nX\n9\n');
  assert.equal((await run(h, 'grep -B1 X /tmp/c')).stdout, '2\nX\n--\n7\nX\n');
});
