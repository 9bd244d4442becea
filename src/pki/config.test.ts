// The config reader against what openssl 3 does with the same text (facts checked with
// Debian's openssl: quotes dropped, escapes, continuations, variables, errors by line).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigParseError, parseConfig } from './config.ts';

test('values: quotes, comments, escapes, continuations, trailing blanks', () => {
  const c = parseConfig(
    'foo = bar\n[req]\nprompt = no\nfoo = baz\n[dn]\nO = "quoted # not comment" # comment\nOU = a\\tb\\\n  cont\nL = it\'s "x\\"y"  \nDNS.1 = localhost   \n',
    'v.cnf',
    {},
  );
  assert.equal(c.get('dn', 'O'), 'quoted # not comment');
  assert.equal(c.get('dn', 'OU'), 'a\tb  cont');
  assert.equal(c.get('dn', 'L'), 'its "x"y"');
  assert.equal(c.get('dn', 'DNS.1'), 'localhost');
  assert.equal(c.get('req', 'foo'), 'baz');
  assert.equal(c.get('dn', 'foo'), 'bar', 'falls back to the default section');
});

test('variables: $x ${x} $(x) $sect::x $ENV::X', () => {
  const c = parseConfig('foo = bar\n[req]\nfoo = baz\n[dn]\nCN = $foo-$ENV::HOME-${foo}x-$(foo)-$req::foo\n', 'v.cnf', { HOME: '/root' });
  assert.equal(c.get('dn', 'CN'), 'bar-/root-barx-bar-baz');
});

test('errors name the line and the reason', () => {
  const err = (text: string) => {
    try {
      parseConfig(text, 'x.cnf', {});
    } catch (e) {
      if (e instanceof ConfigParseError) return [e.info.line, e.info.reason, e.info.detail];
    }
    return undefined;
  };
  assert.deepEqual(err('[ req\n'), [1, 'missing close square bracket', '']);
  assert.deepEqual(err('[req]\nprompt = no\nthis line has no equals\n'), [3, 'missing equal sign', 'HERE-->line has no equals']);
  assert.deepEqual(err('[a]\n\n\nCN = $nothere\n'), [4, 'variable has no value', '']);
  assert.deepEqual(err('[a]\nCN = a$\n'), [2, 'variable has no value', '']);
  assert.equal(err('# only a comment\n\n[ok]\nx=1\n'), undefined);
});
