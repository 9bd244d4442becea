// sed, cut, tr, paste, base64, hexdump, xargs compared with the real GNU tools on this
// machine (a case is skipped when the real tool is missing), plus sandbox-only checks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { run, testHost } from './testing.ts';

const CASES: [string[], string][] = [
  [['sed', 's/a/b/'], 'aaa\nxax\n'],
  [['sed', 's/a/b/g'], 'aaa\nxax\n'],
  [['sed', 's/a/b/2g'], 'aaaa\n'],
  [['sed', '-n', '/b/p'], 'a\nb\nc\nb2\n'],
  [['sed', '-n', '2,3p'], 'l1\nl2\nl3\nl4\n'],
  [['sed', '/start/,/end/d'], 'a\nstart\nx\nend\nb\n'],
  [['sed', '-E', 's/([a-z]+) ([a-z]+)/\\2 \\1/'], 'hello world\n'],
  [['sed', 's/\\(he\\)llo/[\\1&]/'], 'hello\n'],
  [['sed', '-e', 's/a/A/', '-e', 's/b/B/'], 'ab\n'],
  [['sed', 's/a/A/;s/b/B/;2d'], 'ab\nab\nab\n'],
  [['sed', '$d'], '1\n2\n3\n'],
  [['sed', '1!G;h;$!d'], '1\n2\n3\n'],
  [['sed', '=' ], 'a\nb\n'],
  [['sed', '2i\\\ninserted'], 'l1\nl2\nl3\n'],
  [['sed', '1a appended'], 'l1\nl2\n'],
  [['sed', '$c changed'], 'l1\nl2\n'],
  [['sed', 'y/abc/xyz/'], 'aabbcc\n'],
  [['sed', 's/[[:digit:]]\\+/N/g'], 'a1b22c333\n'],
  [['sed', '2q'], '1\n2\n3\n'],
  [['sed', 's/x/y/'], 'no newline at end'],
  [['sed', '-n', '$='], 'a\nb\nc\n'],
  [['sed', ':a;N;$!ba;s/\\n/,/g'], 'a\nb\nc\n'],
  [['sed', 's/.*/\\U&/'], 'shout\n'],
  [['sed', 's/a/b'], 'a\n'],
  [['sed', 'k'], 'a\n'],
  [['sed', '/a/{p'], 'a\n'],
  [['sed', 's/a/b/q'], 'a\n'],
  [['sed', '-n', '/BEGIN/,/END/p'], 'junk\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\nmore\n'],
  [['sed', 's|/usr/local|/opt|g'], 'PATH=/usr/local/bin:/usr/local/sbin\n'],
  [['sed', 's/\\//_/g'], 'a/b/c\n'],
  [['sed', '/^#/d;/^$/d'], '# comment\n\nKEY=1\n#x\nB=2\n'],
  [['sed', '-n', '/key/Ip'], 'KEY=1\nother\nkey=2\n'],
  [['sed', 's/^/> /'], 'a\nb\n'],
  [['sed', 's/[0-9]\\{2,\\}/N/g'], 'a1 b22 c333\n'],
  [['sed', '-E', 's/([0-9]{1,3}\\.){3}[0-9]{1,3}/IP/'], 'addr 10.0.0.11/24\n'],
  [['sed', '3,$d'], '1\n2\n3\n4\n'],
  [['sed', '-n', '1~2p'], '1\n2\n3\n4\n5\n'],
  [['sed', '2,+1d'], '1\n2\n3\n4\n5\n'],
  [['sed', 's/a*/x/g'], 'baaac\n'],
  [['sed', '-e', '1{h;d}', '-e', 'G'], 'first\nsecond\nthird\n'],
  // The -e pieces are one program: blocks and jumps span them; errors name the piece.
  [['sed', '-e', '/x/{', '-e', 's/$/!/;p', '-e', '}'], 'a\nx\nb\n'],
  [['sed', '-n', '-e', 'b end', '-e', 'p', '-e', ':end', '-e', '='], 'a\nb\n'],
  [['sed', '-e', '/x/{', '-e', '/a/{', '-e', '}'], 'x\n'],
  [['sed', '-e', 'p', '-e', 'k'], 'x\n'],
  [['sed', 'bnolabel'], 'x\n'],
  [['sed', 'p\ns/x/y\np'], 'x\n'],
  [['sed', 's/x/a\nb/'], 'x\n'],
  [['sed', 's/x/a\\\nb/'], 'x\n'],
  [['sed', 'N;P;D'], '1\n2\n3\n'],
  [['sed', 's/x/\\n/'], 'axb\n'],
  [['sed', '/a/!s/$/!/'], 'a\nb\n'],
  [['sed', 'y/abc/xy/'], 'a\n'],
  [['sed', 's/(/[/'], 'f(x)\n'],
  [['sed', '-E', 's/(/[/'], 'f(x)\n'],
  [['cut', '-d', ',', '-f', '2,4-'], 'a,b,c,d,e\n'],
  [['cut', '-c', '-3'], 'abcdef\n'],
  [['cut', '--complement', '-d:', '-f2'], 'a:b:c\n'],
  [['cut', '-d:', '--output-delimiter=|', '-f1,3'], 'a:b:c\n'],
  [['tr', '-s', '\\n'], 'a\n\n\nb\n'],
  [['tr', 'a-zA-Z', 'n-za-mN-ZA-M'], 'Hello\n'],
  [['tr', '-d', '\\r'], 'dos\r\nline\r\n'],
  [['paste', '-d', ' ', '-s'], 'a\nb\nc\n'],
  [['base64', '-d'], 'aGVsbG8gd29y\nbGQK\n'],
  [['base64', '-d'], 'aGk'],
  [['xargs', '-n', '1'], 'a "b c" \'d e\'\n'],
  [['xargs', 'echo'], 'unterminated "quote\n'],
  [['cut', '-d:', '-f1,3'], 'root:x:0:0\nuser:x:1000:1000\n'],
  [['cut', '-d', ' ', '-f2-'], 'a b c d\nnodelim\n'],
  [['cut', '-s', '-d,', '-f2'], 'a,b\nnodelim\n'],
  [['cut', '-c', '2-4'], 'abcdef\nxy\n'],
  [['cut', '-f', '0'], 'x\n'],
  [['cut', '-d', 'ab', '-f1'], 'x\n'],
  [['cut'], ''],
  [['tr', 'a-z', 'A-Z'], 'Hello World\n'],
  [['tr', '[:lower:]', '[:upper:]'], 'Hello World\n'],
  [['tr', '-d', '[:space:]'], ' a b\tc\n'],
  [['tr', '-s', ' '], 'a    b  c\n'],
  [['tr', '-c', 'a-z\\n', '_'], 'ab1c-d\n'],
  [['tr', '-cd', '[:alnum:]'], 'a-b_c 1!\n'],
  [['tr', 'abc', 'x'], 'aabbcc\n'],
  [['tr', '\\n', ','], 'a\nb\nc\n'],
  [['tr', 'a'], 'x\n'],
  [['tr', '-d', 'a', 'b'], 'x\n'],
  [['tr'], ''],
  [['paste', '-sd,'], '10.0.0.11\n10.0.0.12\n'],
  [['paste', '-s', '-d', ':,'], 'a\nb\nc\nd\n'],
  [['paste', '-sd,'], ''],
  [['base64'], 'hello world, this is a longer line to check the wrapping of base64 output at 76 columns\n'],
  [['base64', '-w', '0'], 'hello world\n'],
  [['base64', '-d'], 'aGVsbG8K\n'],
  [['base64', '-d'], 'aGVsbG8K!!\n'],
  // Streaming: chunks of 48 KiB joined without padding, the wrap column carried across them.
  [['base64', '-w', '7'], 'streamed base64 '.repeat(12_500) + 'end'],
  [['base64'], 'z'.repeat(150_001)],
  // Every - reads the one standard input, a line in turn.
  [['paste', '-', '-'], '1\n2\n3\n4\n5\n'],
  [['paste', '-d', ',', '-', '-', '-'], 'a\nb\nc\nd\n'],
  [['paste', '-s', '-', '-'], '1\n2\n3\n'],
  [['hexdump', '-C'], 'x'.repeat(70_000) + 'tail'],
  [['hexdump', '-C'], 'hello world, this is hexdump\n\0\0\0'],
  [['hexdump', '-C'], '\0'.repeat(64) + 'tail'],
  [['hexdump', '-C'], ''],
  [['hexdump'], 'abcdefghijklmnopqrstu\n'],
  [['xargs', '-n', '2', 'echo'], 'a b c d e\n'],
  [['xargs', '-I{}', 'echo', 'item:{}'], 'one\ntwo three\n'],
  [['xargs'], '  a\n b  c\n'],
  [['xargs', '-r', 'echo', 'x'], ''],
  [['xargs', 'echo', 'x'], ''],
  [['xargs', '-0', 'echo'], 'a b\0c\0'],
];

const hasReal = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

describe('text tools match the real GNU tools', () => {
  for (const [argv, input] of CASES) {
    const name = `${argv.map((a) => JSON.stringify(a)).join(' ')} <<< ${JSON.stringify(input).slice(0, 40)}`;
    it(name, { skip: hasReal(argv[0]!) ? false : `real ${argv[0]} not installed` }, async () => {
      const real = spawnSync(argv[0]!, argv.slice(1), { input, env: { PATH: process.env.PATH, LC_ALL: 'C.UTF-8' } });
      const ours = await run(testHost(), argv, { stdin: input });
      assert.equal(ours.stdout, real.stdout.toString(), 'stdout');
      assert.equal(ours.stderr, real.stderr.toString(), 'stderr');
      assert.equal(ours.status, real.status, 'status');
    });
  }
});

it('gzip, gunzip, zcat round-trip files and fail in gzip words', async () => {
  const h = testHost();
  h.rootFs.writeFile('/home/learner/g1', 'hi\n');
  h.rootFs.chown('/home/learner/g1', 1000, 1000);
  assert.equal((await run(h, ['gzip', 'g1'])).status, 0);
  assert.ok(!h.rootFs.exists('/home/learner/g1') && h.rootFs.exists('/home/learner/g1.gz'));
  const real = spawnSync('gzip', ['-dc'], { input: h.rootFs.readFile('/home/learner/g1.gz') });
  if (real.status !== null) assert.equal(real.stdout.toString(), 'hi\n');
  assert.equal((await run(h, ['zcat', 'g1.gz'])).stdout, 'hi\n');
  assert.equal((await run(h, ['gunzip', 'g1.gz'])).status, 0);
  assert.equal(new TextDecoder().decode(h.rootFs.readFile('/home/learner/g1')), 'hi\n');
  let r = await run(h, ['gunzip', 'g1']);
  assert.equal(r.stderr, 'gzip: g1: unknown suffix -- ignored\n');
  assert.equal(r.status, 2);
  r = await run(h, ['gzip', 'nope']);
  assert.equal(r.stderr, 'gzip: nope: No such file or directory\n');
  assert.equal(r.status, 1);
  h.rootFs.writeFile('/home/learner/bad.gz', 'plain\n');
  h.rootFs.chown('/home/learner/bad.gz', 1000, 1000);
  r = await run(h, ['gzip', '-d', 'bad.gz']);
  assert.equal(r.stderr, '\ngzip: bad.gz: not in gzip format\n');
  assert.equal(r.status, 1);
});

it("the seed's pipeline pieces: ip -o -4 addr show prints iproute2's one-line format", async () => {
  const h = testHost();
  const r = await run(h, ['ip', '-o', '-4', 'addr', 'show']);
  assert.equal(
    r.stdout,
    '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n' +
      '2: eth0    inet 10.0.0.11/24 brd 10.0.0.255 scope global eth0\\       valid_lft forever preferred_lft forever\n',
  );
  const full = await run(h, ['ip', 'a']);
  assert.match(full.stdout, /^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n    link\/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1\/8 scope host lo\n       valid_lft forever preferred_lft forever\n/);
  assert.match(full.stdout, /\n    inet 10\.0\.0\.11\/24 brd 10\.0\.0\.255 scope global eth0\n/);
  assert.equal((await run(h, ['ip', 'route'])).stdout, 'default via 10.0.0.1 dev eth0 \n10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.11 \n');
  const bad = await run(h, ['ip', 'foo']);
  assert.equal(bad.stderr, 'Object "foo" is unknown, try "ip help".\n');
  assert.equal((await run(h, ['ip', 'addr', 'show', 'wlan0'])).stderr, 'Device "wlan0" does not exist.\n');
});

it('sed -f errors give the line of the script file, as GNU sed does', async () => {
  const h = testHost();
  h.rootFs.writeFile('/home/learner/bad.sed', 'p\n\n  s/x/y\n');
  h.rootFs.writeFile('/home/learner/open.sed', '/x/{\np\n');
  const r = await run(h, ['sed', '-f', 'bad.sed'], { stdin: 'x\n' });
  assert.equal(r.stderr, "sed: file bad.sed line 3: unterminated `s' command\n");
  assert.equal(r.status, 1);
  assert.equal((await run(h, ['sed', '-f', 'open.sed'], { stdin: 'x\n' })).stderr, "sed: file open.sed line 1: unmatched `{'\n");
});

it('sed -i edits a file in place (with a backup suffix) and needs write permission', async () => {
  const h = testHost();
  h.rootFs.writeFile('/home/learner/f', 'name=old\n');
  h.rootFs.chown('/home/learner/f', 1000, 1000);
  assert.equal((await run(h, ['sed', '-i.bak', 's/old/new/', 'f'])).status, 0);
  assert.equal(new TextDecoder().decode(h.rootFs.readFile('/home/learner/f')), 'name=new\n');
  assert.equal(new TextDecoder().decode(h.rootFs.readFile('/home/learner/f.bak')), 'name=old\n');
  const r = await run(h, ['sed', '-i', 's/a/b/', '/etc/hostname']);
  assert.match(r.stderr, /^sed: couldn't open temporary file \/etc\/sed\w*: Permission denied\n$/);
  assert.equal(r.status, 4);
  assert.equal((await run(h, ['sed', 'p', 'nofile'])).stderr, "sed: can't read nofile: No such file or directory\n");
});

it('xargs runs programs found in PATH and reports missing ones', async () => {
  const h = testHost();
  const r = await run(h, ['xargs', 'nosuchprog'], { stdin: 'a\n' });
  assert.equal(r.stderr, 'xargs: nosuchprog: No such file or directory\n');
  assert.equal(r.status, 127);
  const f = await run(h, ['xargs', '-n1', 'cat'], { stdin: '/nope /etc/hostname\n' });
  assert.equal(f.stdout, 'node-1\n');
  assert.equal(f.status, 123);
});
