// Differential table: every case runs as bash's builtin (`bash -c 'printf "$@"'`) and as
// /usr/bin/printf, in our sandbox and, when installed, in the real bash 5.2 and coreutils 9.1.
// stdout (as bytes), stderr and the exit status must match. The real tools' answers are also
// recorded in printf-format.test.json, so the table still checks us where they are missing;
// `PRINTF_REWRITE=1 node --import tsx --test src/sandbox/printf-format.test.ts` re-records them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CollectingOutput, emptyInput } from './io.ts';
import type { VirtualHost } from './host.ts';
import { LEARNER_ENV, testHost } from './commands/testing.ts';
import { BASH_PRINTF, COREUTILS_PRINTF, formatPrintf } from './printf-format.ts';
import { formatLongDouble, longDouble, parseCFloat, parseCInteger } from './printf-number.ts';
import { bashQuote, byteLength, coreutilsQuote, sliceBytes } from './printf-text.ts';
import { rawByte } from './raw-bytes.ts';

/** printf's arguments (format first); each runs in both dialects. */
const CASES: string[][] = [
  // numbers: bad, partial, overflow, bases, character constants
  ['%d\\n', 'abc'],
  ['%d\\n', '12abc'],
  ['%d\\n', ' 12'],
  ['%d\\n', '12 '],
  ['%d\\n', ''],
  ['%d\\n', ' '],
  ['%d\\n', '99999999999999999999'],
  ['%d\\n', '-99999999999999999999'],
  ['%d\\n', '9223372036854775808'],
  ['%u\\n', '99999999999999999999'],
  ['%X\\n', '0xfffffffffffffffff'],
  ['%u %x %o\\n', '-1', '-1', '-1'],
  ['%u\\n', '-9223372036854775808'],
  ['%d %i\\n', '0x1F', '0X1f'],
  ['%d\\n', '017'],
  ['%d\\n', '08'],
  ['%d\\n', '0x'],
  ['%d\\n', '-0x10'],
  ['%d %d\\n', '+5', '-0'],
  ['%d\\n', '1.5'],
  ['%d\\n', '1e3'],
  ['%d\\n', '-'],
  ['%i\\n', '0b11'],
  ['%d %d\\n', "'a", '"a'],
  ['%d\\n', "'"],
  ['%d\\n', "'\u00e9"],
  ['%d\\n', "'ab"],
  ['%x %o %f\\n', "'a", "'b", "'c"],
  ['%d\\n', '1', 'x', '3'],
  ['%d|%d\\n', 'a\\b', 'x\ty'],
  ['%#*.0d|\\n', '-0.5', '1'],
  // floats
  ['%f\\n', 'abc'],
  ['%f\\n', '1.5x'],
  ['%f %f\\n', '0x1p3', '0x10'],
  ['%f %f %f %F\\n', 'inf', '-inf', 'nan', 'infinity'],
  ['%f\\n', '-nan'],
  ['%f\\n', '1e5000'],
  ['%e\\n', '1e-5000'],
  ['%f\\n', '1e-400'],
  ['%f\\n', '1,5'],
  ['%f\\n', '1e'],
  ['%e %g %G\\n', '1234.5', '0.0001', '1e20'],
  ['%g %g %g\\n', '100000', '1000000', '0.0001234'],
  ['%.0f %.0f %.0f\\n', '0.5', '1.5', '2.5'],
  ['%#g %#.0f %#.0e\\n', '1', '1', '1'],
  ['%08.3f|%-8.2f|%+.1e\\n', '-3.14159', '2.5', '12345'],
  ['%g\\n', '-0'],
  ['%a %A %a\\n', '1', '-3.5', '0'],
  ['%.2a\\n', '1.999'],
  ['%.20f|%.25g|%a\\n', '0.1', '0.1', '0.1'],
  ['%e|%g|%.3e\\n', '1e400', '-1.5e4000', '1e-4000'],
  ['%.0f|%.0f|%.1f|%.2f\\n', '2.5000000000000001', '0.5000000000000000001', '0.25', '2.675'],
  ['%f\\n', '123456789012345678901234567890'],
  ['%g|%e\\n', '1e-4940', '3e-4951'],
  ['%.3a|%A|%a|%.0a\\n', '1.99999', '255', '-0', '15.5'],
  ['%lf %Lf %ld %hd %lld %zu %jd %td\\n', '1', '2', '3', '4', '5', '6', '7', '8'],
  // flags, width, precision, stars
  ['%5s|%-5s|%.2s|%.5s|\\n', 'ab', 'cd', 'abcdef', 'abc'],
  ['%+d|% d|%+ d|%-+5d|\\n', '5', '5', '5', '3'],
  ['%05d|%-05d|%.3d|%8.3d|%-8.3d|\\n', '-3', '3', '5', '5', '5'],
  ['%.0d|%#.0o|%#x|%#o|%#X|\\n', '0', '0', '0', '8', '255'],
  ['%+u|%+x|% x|\\n', '3', '3', '3'],
  ["%'d|\\n", '1234567'],
  ['%I d|\\n', '1'],
  ['%*d|%*d|%.*d|\\n', '5', '3', '-5', '3', '5', '3'],
  ['%*d|\\n', 'abc', '3'],
  ['%*.*f|%.*f|\\n', '8', '2', '3.14159', '-1', '3.5'],
  ['%*s|%.*s|\\n'],
  ['%05s|\\n', 'ab'],
  ['%#s|%+s|% s|\\n', 'a', 'a', 'a'],
  ['%.2c|%#c|%0c|%#d|\\n', 'a', 'a', 'a', '1'],
  ['%5c|%-3c|%c|%c%c\\n', 'x', '\u00e9', '', 'hello', 'w'],
  ['%.1s|%3s|\\n', '\u00e9', '\u00e9'],
  // bad conversions
  ['%z\\n', '1'],
  ['%\\n'],
  ['abc%'],
  ['ab%5'],
  ['%5%|\\n'],
  ['%1$s\\n', 'a'],
  ['%T %p\\n', '1'],
  ['%C|%S\\n', '1'],
  ['%%|%%%s\\n', 'a', 'b'],
  // format reuse, missing and excess arguments
  ['%s %s\\n', 'a', 'b', 'c'],
  ['%s %s %s\\n', 'a', 'b', 'c', 'd'],
  ['%s %d\\n', 'a'],
  ['x\\n', 'a', 'b'],
  ['%s\\n'],
  ['--help'],
  ['--version'],
  ['--help', 'x'],
  ['--foo'],
  ['--', '%s\\n', 'a'],
  ['-x'],
  ['-%s\\n', 'x'],
  ['--'],
  // escapes in the format
  ['\\u00e9\\U0001F600\\n'],
  ['\\u12\\n'],
  ['\\uZ\\n'],
  ['\\u0041\\u0024\\n'],
  ['\\ud800\\n'],
  ['\\U00110000\\n'],
  ['\\U1F600\\n'],
  ['\\0101\\101\\1011\\n'],
  ['\\x41\\x4g\\xff\\n'],
  ['\\x41\\x\\n'],
  ['\\"\\?\\z\\n'],
  ["\\'"],
  ['\\E\\e|\\a\\b\\f\\v\\r\\t\\\\\\n'],
  ['a\\cb%s\\n', 'x'],
  ['%s\\c%s', 'a', 'b'],
  ['\\400|\\n'],
  // %b
  ['%b|\\n', 'a\\tb\\c', 'x'],
  ['%b|%s\\n', 'a\\cb', 'x'],
  ['x%bz\\n', 'a\\cb'],
  ['%b\\n', '\\u00e9'],
  ['%b\\n', '\\u0041'],
  ['%b\\n', '\\U1F600'],
  ['%b|\\n', '\\0101\\101\\1010\\08'],
  ['%b\\n', '\\x41\\x4g\\xff'],
  ['%b\\n', '\\"\\?\\x\\z\\q'],
  ['%b\\n', '\\e\\E'],
  ['%5b|%.2b|\\n', 'a\\tb', 'abcdef'],
  ['%s|\\n', 'a\\nb'],
  // %q, %Q
  ['%q\\n', 'a b'],
  ['%q\\n', "it's"],
  ['%q|%q\\n', '', 'x@y%+'],
  ['%q\\n', 'a\nb'],
  ['%q\\n', '\t'],
  ['%q\\n', '\u00e9'],
  ['%q %q %q %q\\n', '~x', 'a~', '#x', 'a#'],
  ['%q %q %q\\n', '!x', 'a=b', 'a=~b'],
  ['%q %q %q %q %q\\n', 'a"b', 'a$b', 'a*b', 'a{b}', '[x]'],
  ['%q\\n', "a'b c"],
  ['%q\\n', "a'b$c"],
  ['%q %q\\n', 'a\\b', '^x'],
  ['%q\\n', '\x01\x1b\x7f'],
  ["%q\\n", "it's\x01"],
  ['%q %q\\n', '{', 'a,b;c'],
  ['%10q|%.2q|\\n', 'a b', 'abcd'],
  ['%Q|%.2Q|\\n', 'a b', 'a b'],
  // bash's %(fmt)T
  ['%(%Y-%m-%d %H:%M:%S)T\\n', '86400'],
  ['%10(%Y)T|%-8(%Y)T|%.2(%Y)T|\\n', '0', '0', '0'],
  ['%(%H:%M)T|%(%%)T|%()T\\n', '3600', '0', '5'],
  ['%(%s)T\\n', 'abc'],
  ['%(%Y)T\\n', '-1x'],
  ['%(%c|%x|%X|%D)T\\n', '0'],
];

/** Whole bash scripts around the builtin: -v, statuses, command substitution. */
const SCRIPTS: string[] = [
  `printf -v x '%s-%d' a 5; echo "[$x] $?"`,
  `printf -vx '%q' 'a b'; echo "$x"`,
  `printf -v x '%d' abc; echo "[$x] $?"`,
  `printf -v; echo $?`,
  `printf; echo $?`,
  `printf -v x; echo $?`,
  `x=$(printf '%b' 'a\\cb'); echo "$x"`,
  `echo "$(printf '%05.1f|%-4s|' 3.14159 ab)"`,
  `printf '%(%Y-%m-%d %H:%M)T\\n' 1700000000`,
  `printf '%d\\n' 99999999999999999999 2>/dev/null; echo $?`,
  `printf -- '-%s\\n' x; printf - ; echo`,
  `printf '%s\\n' a b | while read l; do echo "<$l>"; done`,
  `printf -v 1x y; echo $?; printf -v 'a[1]' x; echo "\${a[1]}"`,
  `printf 'abc%nde%s%n\\n' x y z; echo "[$x] [$z]"; printf '%5n|\\n' w; echo "[$w] $?"`,
  `printf -v v 'ab%n' q; echo "[$q]"; printf '\u00e9%n\\n' e; echo "$e"; printf '%s%n\\n' a b c d; echo "$b $d"`,
  `printf '%n\\n' 1; echo $?`,
];

interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const RECORD = `${here}printf-format.test.json`;
// stdin is /dev/null, not the socket a Node pipe is: bash reads ~/.bashrc when stdin is a socket (rsh detection).
const REAL_ENV = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', TZ: 'UTC', HOME: '/home/learner' };

/** stdout bytes as text: valid UTF-8 as itself, any other byte as \xHH (so \303 and \377 differ). */
function showBytes(b: Uint8Array): string {
  let s = '';
  const dec = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i < b.length; ) {
    let done = false;
    for (const n of [1, 2, 3, 4]) {
      if (i + n > b.length) break;
      try {
        const t = dec.decode(b.subarray(i, i + n));
        if (t === '\\') s += '\\\\';
        else s += t;
        i += n;
        done = true;
        break;
      } catch {
        // try a longer sequence
      }
    }
    if (!done) s += `\\x${b[i++]!.toString(16).padStart(2, '0')}`;
  }
  return s;
}

const BASH_SCRIPT = 'printf "$@"';

function realBash(args: string[]): Outcome {
  const r = spawnSync('/bin/bash', ['-c', BASH_SCRIPT, 'bash', ...args], { argv0: 'bash', env: REAL_ENV, cwd: '/tmp', stdio: ['ignore', 'pipe', 'pipe'] });
  return { stdout: showBytes(r.stdout), stderr: r.stderr.toString('utf8'), status: r.status ?? -1 };
}

function realCoreutils(args: string[]): Outcome {
  const r = spawnSync('/usr/bin/printf', args, { env: REAL_ENV, cwd: '/tmp', stdio: ['ignore', 'pipe', 'pipe'] });
  return { stdout: showBytes(r.stdout), stderr: r.stderr.toString('utf8'), status: r.status ?? -1 };
}

async function ours(host: VirtualHost, argv: string[]): Promise<Outcome> {
  const cred = host.users.credentials('learner')!;
  const prog = host.resolveProgram(argv[0]!, { path: LEARNER_ENV.PATH, cwd: '/tmp', cred });
  if (!prog.ok) throw new Error(prog.error);
  const stdout = new CollectingOutput();
  const stderr = new CollectingOutput();
  const p = host.start({ command: prog.command, argv, env: LEARNER_ENV, cwd: '/tmp', cred, stdin: emptyInput, stdout, stderr, ppid: 1 });
  const status = await p.exited;
  return { stdout: showBytes(stdout.bytes()), stderr: stderr.text(), status };
}

function realBashScript(script: string): Outcome {
  const r = spawnSync('/bin/bash', ['-c', script], { argv0: 'bash', env: REAL_ENV, cwd: '/tmp', stdio: ['ignore', 'pipe', 'pipe'] });
  return { stdout: showBytes(r.stdout), stderr: r.stderr.toString('utf8'), status: r.status ?? -1 };
}

const key = (args: string[]) => JSON.stringify(args);
interface Recording {
  cases: Record<string, { bash: Outcome; coreutils: Outcome }>;
  scripts: Record<string, Outcome>;
}
const { cases: recorded, scripts: recordedScripts }: Recording = existsSync(RECORD) ? JSON.parse(readFileSync(RECORD, 'utf8')) : { cases: {}, scripts: {} };
const haveReal = existsSync('/bin/bash') && existsSync('/usr/bin/printf');

if (process.env.PRINTF_REWRITE) {
  test('re-record the real tools', { skip: !haveReal && 'needs /bin/bash and /usr/bin/printf' }, () => {
    const out: Recording = { cases: {}, scripts: {} };
    for (const c of CASES) out.cases[key(c)] = { bash: realBash(c), coreutils: realCoreutils(c) };
    for (const sc of SCRIPTS) out.scripts[sc] = realBashScript(sc);
    writeFileSync(RECORD, JSON.stringify(out, null, 1) + '\n');
  });
}

test(`${CASES.length} printf cases: ours match the recorded bash builtin and /usr/bin/printf`, async () => {
  const host = testHost();
  const failures: string[] = [];
  for (const c of CASES) {
    const want = recorded[key(c)];
    assert.ok(want, `no recording for ${key(c)}: run with PRINTF_REWRITE=1`);
    const gotBash = await ours(host, ['bash', '-c', BASH_SCRIPT, 'bash', ...c]);
    const gotCore = await ours(host, ['/usr/bin/printf', ...c]);
    if (JSON.stringify(gotBash) !== JSON.stringify(want.bash)) failures.push(`bash printf ${key(c)}\n  want ${JSON.stringify(want.bash)}\n  got  ${JSON.stringify(gotBash)}`);
    if (JSON.stringify(gotCore) !== JSON.stringify(want.coreutils)) failures.push(`/usr/bin/printf ${key(c)}\n  want ${JSON.stringify(want.coreutils)}\n  got  ${JSON.stringify(gotCore)}`);
  }
  assert.deepEqual(failures, []);
});

test(`${SCRIPTS.length} bash scripts around the builtin match the recorded bash`, async () => {
  const host = testHost();
  for (const sc of SCRIPTS) {
    assert.ok(recordedScripts[sc], `no recording for ${sc}: run with PRINTF_REWRITE=1`);
    assert.deepEqual(await ours(host, ['bash', '-c', sc]), recordedScripts[sc], sc);
  }
});

test('the recording is what the real bash 5.2 and coreutils 9.1 print', { skip: !haveReal && 'no /bin/bash or /usr/bin/printf here' }, (t) => {
  const version = spawnSync('/usr/bin/printf', ['--version']).stdout.toString();
  const bashVersion = spawnSync('/bin/bash', ['-c', 'echo $BASH_VERSION']).stdout.toString();
  if (!version.includes('coreutils) 9.1') || !bashVersion.startsWith('5.2')) {
    t.skip(`other versions installed (${bashVersion.trim()}, ${version.split('\n')[0]})`);
    return;
  }
  for (const c of CASES) {
    const want = recorded[key(c)];
    assert.deepEqual(realBash(c), want?.bash, `bash printf ${key(c)}`);
    assert.deepEqual(realCoreutils(c), want?.coreutils, `/usr/bin/printf ${key(c)}`);
  }
  for (const sc of SCRIPTS) assert.deepEqual(realBashScript(sc), recordedScripts[sc], sc);
});

test('the dialects differ where bash and coreutils do', () => {
  const both = (fmt: string, ...args: string[]) => [formatPrintf(fmt, args, BASH_PRINTF), formatPrintf(fmt, args, COREUTILS_PRINTF)];
  const [b, c] = both('%d|', 'abc');
  assert.deepEqual([b!.out, b!.messages, b!.status], ['0|', ['abc: invalid number'], 1]);
  assert.deepEqual([c!.out, c!.messages, c!.status], ['0|', ['\u2018abc\u2019: expected a numeric value'], 1]);
  const [bo, co] = both('%d', '99999999999999999999');
  assert.equal(bo!.status, 0, 'bash only warns about an overflow');
  assert.equal(co!.status, 1);
  assert.deepEqual(both('%q', "it's").map((r) => r.out), ["it\\'s", `"it's"`]);
  assert.deepEqual(both('a\\cb').map((r) => r.out), ['a\\cb', 'a']);
});

test('widths and precisions count bytes; a cut character leaves as raw bytes', () => {
  assert.equal(byteLength('a\u00e9\u{1f600}' + rawByte(0xff)), 1 + 2 + 4 + 1);
  assert.equal(sliceBytes('\u00e9x', 1), rawByte(0xc3));
  assert.equal(sliceBytes('\u00e9x', 2), '\u00e9');
  assert.equal(formatPrintf('%4s|', ['\u00e9'], BASH_PRINTF).out, '  \u00e9|');
});

test('numbers parse as strtoimax does', () => {
  assert.deepEqual(parseCInteger('  -0x1fz'), { negative: true, magnitude: 31n, end: 7 });
  assert.deepEqual(parseCInteger('0x'), { negative: false, magnitude: 0n, end: 1 });
  assert.deepEqual(parseCInteger('x'), { negative: false, magnitude: 0n, end: 0 });
  const hex = (v: number, p?: number) => formatLongDouble(longDouble(v), 'a', p, false);
  assert.equal(hex(1), '0x8p-3');
  assert.equal(hex(0.5, 0), '0x8p-4');
  assert.equal(hex(15.5, 0), '0x1p+4', 'rounding carries into a leading 1');
});

test('floats are long doubles, as strtold reads them', () => {
  const ld = (s: string, conv: string, p?: number) => formatLongDouble(parseCFloat(s).value, conv, p, false);
  assert.equal(ld('0.1', 'f', 20), '0.10000000000000000000');
  assert.equal(ld('0.1', 'a'), '0xc.ccccccccccccccdp-7');
  assert.equal(ld('1e400', 'e'), '1.000000e+400');
  assert.equal(ld('2.5000000000000001', 'f', 0), '3', 'a double would round the input to 2.5, then to 2');
  assert.deepEqual([parseCFloat('1e5000').range, parseCFloat('1e-5000').range, parseCFloat('1e-400').range], [true, true, false]);
  assert.equal(ld('-0', 'g'), '-0');
  assert.equal(ld('0x1.8p1', 'g'), '3');
});

test('quoting: bash backslashes, coreutils single-quotes', () => {
  assert.equal(bashQuote('a b'), 'a\\ b');
  assert.equal(bashQuote('a\nb'), "$'a\\nb'");
  assert.equal(coreutilsQuote('a b'), "'a b'");
  assert.equal(coreutilsQuote('a\nb'), "'a'$'\\n''b'");
  assert.equal(coreutilsQuote("a'b$c"), "'a'\\''b$c'");
});

test('a huge width is refused, not allocated', () => {
  const r = formatPrintf('%999999999d', ['1'], COREUTILS_PRINTF);
  assert.deepEqual([r.out, r.messages, r.status], ['', ['memory exhausted'], 1]);
});
