import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from '../commands/testing.ts';
import { compile, compileAny, matchAll, RegexBudgetError, RegexSyntaxError, splitByRegex, type RegexOptions } from './index.ts';

const ERE: RegexOptions = { syntax: 'extended' };
const BRE: RegexOptions = { syntax: 'basic' };
const span = (p: string, text: string, opts: RegexOptions = ERE, from = 0) => {
  const m = compile(p, opts).exec(text, from);
  return m && [m.index, m.end];
};

it('finds the leftmost match, and of those the longest (POSIX), not the first alternative (JavaScript)', () => {
  assert.deepEqual(span('a|ab', 'xabcd'), [1, 3]);
  assert.deepEqual(span('(a|ab)(c|bcd)', 'abcd'), [0, 4]);
  assert.deepEqual(span('x*', 'abc'), [0, 0]);
  assert.deepEqual(span('b+|a', 'abbb'), [0, 1]); // leftmost wins over longer later
  assert.equal(span('a\\|ab', 'ab', BRE)![1], 2);
});

it('reports groups of the chosen match, and undefined for a group that took no part', () => {
  const m = compile('(a)|(b)', ERE).exec('b')!;
  assert.deepEqual(m.groups, ['b', undefined, 'b']);
  assert.deepEqual(compile('\\([a-z]*\\)=\\([0-9]*\\)', BRE).exec('x key=42;')!.groups, ['key=42', 'key', '42']);
  assert.deepEqual(compile('(ab)+', ERE).exec('ababab')!.groups, ['ababab', 'ab']);
});

it('sees the text before `from` for anchors and word edges', () => {
  assert.equal(span('^b', 'ab', ERE, 1), null);
  assert.equal(span('\\<b', 'ab', BRE, 1), null);
  assert.deepEqual(span('\\Bb', 'ab', BRE, 1), [1, 2]);
});

it('REG_NEWLINE (sed M): ^ $ at line breaks, and . and [^…] do not cross them', () => {
  const M: RegexOptions = { syntax: 'basic', newlineAnchors: true };
  assert.deepEqual(span('^b', 'a\nb', M), [2, 3]);
  assert.deepEqual(span('a$', 'a\nb', M), [0, 1]);
  assert.equal(span('a.b', 'a\nb', M), null);
  assert.equal(span('a[^x]b', 'a\nb', M), null);
  assert.deepEqual(span('a.b', 'a\nb', BRE), [0, 3]);
});

it('folds case for literals, ranges, classes and back-references with ignoreCase', () => {
  const I: RegexOptions = { syntax: 'basic', ignoreCase: true };
  assert.deepEqual(span('hello', 'say HeLLo', I), [4, 9]);
  assert.deepEqual(span('[a-c]\\+', 'xABcd', I), [1, 4]);
  assert.deepEqual(span('[[:lower:]]*', 'ABC', I), [0, 3]);
  assert.deepEqual(span('\\(abc\\)\\1', 'abcABC', I), [0, 6]);
  assert.equal(span('\\(abc\\)\\1', 'abcABC', BRE), null);
});

it('steps past empty matches as sed s///g and awk gsub do', () => {
  const all = (p: string, t: string) => [...matchAll(compile(p, ERE), t)].map((m) => [m.index, m.end]);
  assert.deepEqual(all('a*', 'baaac'), [[0, 0], [1, 4], [5, 5]]);
  assert.deepEqual(all('x*', 'ab'), [[0, 0], [1, 1], [2, 2]]);
  assert.deepEqual(all('^|$', 'ab'), [[0, 0], [2, 2]]);
  assert.deepEqual(splitByRegex(compile('[0-9]*', { syntax: 'awk' }), 'a1b22c'), ['a', 'b', 'c']);
  assert.deepEqual(splitByRegex(compile(',', { syntax: 'awk' }), ''), []);
});

it('combines grep patterns into one, each keeping its own back-references', () => {
  const re = compileAny(['\\(a\\)\\1', '\\(b\\)\\1'], BRE);
  assert.deepEqual([...matchAll(re, 'xaa bb ab')].map((m) => m.groups[0]), ['aa', 'bb']);
  assert.equal(compileAny(['foo'], { syntax: 'basic', word: true }).test('foobar'), false);
  assert.equal(compileAny(['foo'], { syntax: 'basic', word: true }).test('a foo.'), true);
  assert.equal(compileAny(['a.c'], { syntax: 'basic', line: true }).test('abcd'), false);
  assert.equal(compileAny(['a.'], { syntax: 'basic', fixed: true }).test('ab'), false);
  assert.equal(compileAny([], BRE).test('anything'), false);
});

it('reads mawk\'s dialect: braces are literal, escapes work inside brackets, empty operands are errors', () => {
  const AWK: RegexOptions = { syntax: 'awk' };
  assert.deepEqual(span('a{2}', 'aa a{2}', AWK), [3, 7]);
  assert.deepEqual(span('[\\t]', 'a\tb', AWK), [1, 2]);
  assert.deepEqual(span('\\/', 'a/b', AWK), [1, 2]);
  assert.throws(() => compile('a|', AWK), RegexSyntaxError);
  assert.throws(() => compile('()', AWK), RegexSyntaxError);
  assert.deepEqual(span('', 'x', AWK), [0, 0]);
});

it('returns at once on patterns that take a backtracking matcher exponential time', () => {
  // Each of these takes minutes (or for ever) in a JavaScript RegExp; no timing is asserted,
  // only that they return with the right answer.
  const a40 = 'a'.repeat(40);
  assert.equal(compile('(a*)*b', ERE).test(a40), false);
  assert.equal(compile('(a|aa)*c', ERE).test(a40), false);
  assert.equal(compile('(x+x+)+y', ERE).test('x'.repeat(40)), false);
  assert.equal(compile('(x+x+)+y', ERE).test('x'.repeat(100_000)), false);
  assert.deepEqual(span('(a|aa)*$', a40), [0, 40]);
  assert.deepEqual(compile('\\(a*\\)*\\1\\1\\1b', BRE).exec(a40 + 'b')!.groups[0], a40 + 'b');
});

it('gives up on a back-reference search past its step budget, and grep and sed say memory exhausted', async () => {
  const pattern = '\\(a*\\)\\(a*\\)\\(a*\\)\\(a*\\)\\1\\2\\3\\4b';
  const text = 'a'.repeat(300) + 'b';
  assert.throws(() => compile(pattern, BRE).exec(text), RegexBudgetError);
  const h = testHost();
  const g = await run(h, ['grep', pattern], { stdin: text + '\n' });
  assert.deepEqual([g.stderr, g.status], ['grep: memory exhausted\n', 2]);
  const s = await run(h, ['sed', `s/${pattern}/x/`], { stdin: text + '\n' });
  assert.deepEqual([s.stderr, s.status], ['sed: memory exhausted\n', 4]);
});

it('refuses bad patterns in glibc\'s words', () => {
  const msg = (p: string, o: RegexOptions) => {
    try {
      compile(p, o);
      return 'compiled';
    } catch (e) {
      return e instanceof RegexSyntaxError ? e.message : String(e);
    }
  };
  assert.equal(msg('a{2,1}', ERE), 'Invalid content of \\{\\}');
  assert.equal(msg('a\\{1', BRE), 'Unmatched \\{');
  assert.equal(msg('[[:nope:]]', BRE), 'Invalid character class name');
  assert.equal(msg('[z-a]', BRE), 'Invalid range end');
  assert.equal(msg('[[.ab.]]', BRE), 'Invalid collation character');
  assert.equal(msg('\\(a\\)\\2', BRE), 'Invalid back reference');
  assert.equal(msg('a{40000}', ERE), 'Regular expression too big');
  assert.equal(msg('(a{1000}){1000}', ERE), 'Regular expression too big');
  assert.equal(msg('a{1', ERE), 'compiled');
});
