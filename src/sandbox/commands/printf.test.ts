import assert from 'node:assert/strict';
import { it } from 'node:test';
import { COREUTILS_PRINTF, formatPrintf as formatWith } from '../printf-format.ts';

const formatPrintf = (format: string, args: string[]) => formatWith(format, args, COREUTILS_PRINTF);
import { run, testHost } from './testing.ts';

it('printf formats like C printf and reuses the format', () => {
  assert.equal(formatPrintf('%5.2f|%-4s|%03d|%x|%q\\n', ['3.14159', 'ab', '7', '255', 'a b']).out, " 3.14|ab  |007|ff|'a b'\n");
  assert.equal(formatPrintf('%s %s\\n', ['a', 'b', 'c']).out, 'a b\nc \n');
  assert.equal(formatPrintf('%e %g %G\\n', ['1234.5', '0.0001', '1e20']).out, '1.234500e+03 0.0001 1E+20\n');
  assert.equal(formatPrintf('%i %o %X %u\\n', ['42', '8', '255', '-1']).out, '42 10 FF 18446744073709551615\n');
  assert.equal(formatPrintf('%5.1f%%\\n', ['12.345']).out, ' 12.3%\n');
  assert.equal(formatPrintf('%d %d %d\\n', ['0x10', '010', "'A"]).out, '16 8 65\n');
  assert.equal(formatPrintf('%c%c\\n', ['hello', 'w']).out, 'hw\n');
  assert.equal(formatPrintf('%b\\n', ['a\\tb']).out, 'a\tb\n');
});

it('printf reports bad numbers and a missing format', async () => {
  const h = testHost();
  const r = await run(h, ['printf', '%d\\n', 'abc']);
  assert.equal(r.stdout, '0\n');
  assert.equal(r.stderr, 'printf: \u2018abc\u2019: expected a numeric value\n');
  assert.equal(r.status, 1);
  assert.equal((await run(h, 'printf')).stderr, "printf: missing operand\nTry 'printf --help' for more information.\n");
  assert.deepEqual([...new TextEncoder().encode((await run(h, ['printf', '\\x41\\101\\u00e9'])).stdout)], [0x41, 0x41, 0xc3, 0xa9]);
});

it('printf and echo (builtins and /usr/bin/printf): escapes are raw bytes, the format repeats for every argument', async () => {
  const h = testHost();
  const bytes = async (cmd: string) => {
    const r = await run(h, ['bash', '-c', `${cmd} | hexdump -C | head -1`]);
    return r.stdout.slice(10, 58).trim();
  };
  // \303\251 is é in UTF-8, written byte by byte; a typed é is the same two bytes.
  assert.equal(await bytes(`printf 'a\\x41\\303\\251\u00e9\\n'`), '61 41 c3 a9 c3 a9 0a');
  assert.equal(await bytes(`/usr/bin/printf 'a\\x41\\303\\251\u00e9\\n'`), '61 41 c3 a9 c3 a9 0a');
  assert.equal(await bytes(`echo -e '\\0303\\0251x'`), 'c3 a9 78 0a');
  assert.equal(await bytes(`printf -v v '\\303\\251'; echo "$v"`), 'c3 a9 0a');
  // 30 000 arguments: every one printed (the builtin stopped at 10 000; a spread overflowed the stack).
  for (const p of ['printf', '/usr/bin/printf']) {
    const r = await run(h, ['bash', '-c', `${p} '%s\\n' $(seq 1 30000) | tail -1`]);
    assert.deepEqual([r.stdout, r.stderr], ['30000\n', ''], p);
  }
});
