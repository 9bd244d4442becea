import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awk } from './awk.ts';
import { SimFileSystem } from '../../platform/sim-fs.ts';
import { realClock } from '../../platform/clock.ts';
import { CollectingOutput, inputFrom } from '../io.ts';
import type { CommandContext } from '../types.ts';

async function run(args: string[], stdin = '', files: Record<string, string> = {}) {
  const fs = new SimFileSystem();
  fs.mkdir('/work');
  for (const [p, c] of Object.entries(files)) fs.writeFile(p, c);
  const stdout = new CollectingOutput();
  const stderr = new CollectingOutput();
  const ctx = {
    argv: ['awk', ...args], env: { HOME: '/work' }, cwd: '/work', stdin: inputFrom(stdin), stdout, stderr,
    signal: new AbortController().signal, fs, clock: realClock,
  } as unknown as CommandContext;
  const code = await awk.run(ctx);
  return { code, out: stdout.text(), err: stderr.text(), fs };
}

test("the course's pipeline: split $4 on '/' and print the address", async () => {
  const ipOut = '2: eth0    inet 10.0.0.11/24 brd 10.0.0.255 scope global eth0\\       valid_lft forever preferred_lft forever\n';
  const r = await run(['{split($4,a,"/"); print a[1]}'], ipOut);
  assert.deepEqual(r, { ...r, code: 0, out: '10.0.0.11\n', err: '' });
});

test('fields, patterns, NR/NF, -F and -v', async () => {
  assert.equal((await run(['$2 > 1 {print $1} END {print NR}'], 'x 1\ny 2\nz 10\n')).out, 'y\nz\n3\n');
  assert.equal((await run(['-F:', '{print $NF, NF}'], 'a:b:c\n')).out, 'c 3\n');
  assert.equal((await run(['-v', 'n=5', 'BEGIN {print n * 2}'])).out, '10\n');
  assert.equal((await run(['{ $2 = "X"; print; print NF }'], 'a b c\n')).out, 'a X c\n3\n');
  assert.equal((await run(['BEGIN { OFS="-" } { $1 = $1; print }'], 'a  b   c\n')).out, 'a-b-c\n');
});

test('strings, arrays, functions and printf behave like mawk', async () => {
  const prog = `
    function twice(x) { return x * 2 }
    { count[$1]++ }
    END {
      n = 0; for (k in count) n++
      printf "%d keys, twice=%s, sub=%s\\n", n, twice(21), substr("hello", 2, 3)
      s = "aaa"; gsub(/a/, "[&]", s); print s, length(s), toupper("x"), index("abc", "c")
      printf "%5.1f|%-4s|%03d|%.0f %.0f\\n", 2.25, "ab", 7, 0.5, 1.5
      print 1/3, 2^31, 100, 0.1 + 0.2
    }`;
  const r = await run([prog], 'a\nb\na\n');
  assert.equal(r.out, '2 keys, twice=42, sub=ell\n[a][a][a] 9 X 3\n  2.2|ab  |007|0 2\n0.333333 2.14748e+09 100 0.3\n');
});

test('numeric strings from input compare as numbers, constants as strings', async () => {
  assert.equal((await run(['$1 < $2 {print "lt"}'], '10 9\n2 10\n')).out, 'lt\n');
  assert.equal((await run(['BEGIN { if ("10" < "9") print "string compare" }'])).out, 'string compare\n');
});

test('errors use mawk words and exit 2', async () => {
  const syntax = await run(['{print $3 +}'], 'a\n');
  assert.equal(syntax.code, 2);
  assert.equal(syntax.err, 'awk: line 1: syntax error at or near }\n');
  const missing = await run(['{print}', 'nofile']);
  assert.equal(missing.code, 2);
  assert.equal(missing.err, 'awk: cannot open nofile (No such file or directory)\n');
});

test('reads files and writes with >', async () => {
  // Runaway loops end at the host's CPU limit: see src/sandbox/cpu-budget.test.ts.
  const r = await run(['{ print $1 > "out.txt" }', '/work/in.txt'], '', { '/work/in.txt': 'one 1\ntwo 2\n' });
  assert.equal(new TextDecoder().decode(r.fs.readFile('/work/out.txt')), 'one\ntwo\n');
});
