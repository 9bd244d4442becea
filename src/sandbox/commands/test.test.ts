import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('test evaluates files, strings, integers and connectives', async () => {
  const h = testHost();
  const t = async (...args: string[]) => (await run(h, ['test', ...args])).status;
  assert.equal(await t('-d', '/tmp'), 0);
  assert.equal(await t('-f', '/tmp'), 1);
  assert.equal(await t('-r', '/etc/shadow'), 1);
  assert.equal(await t('-x', '/usr/bin/ls'), 0);
  assert.equal(await t('-z', ''), 0);
  assert.equal(await t('a', '=', 'b', '-o', 'a', '=', 'a'), 0);
  assert.equal(await t('!', '-e', '/nope'), 0);
  assert.equal(await t('10', '-gt', '9'), 0);
  assert.equal(await t('(', 'x', '!=', 'x', ')'), 1);
  assert.equal(await t(), 1);
  assert.equal(await t('-n'), 0);
});

it('test and [ report malformed expressions with status 2', async () => {
  const h = testHost();
  const bad = await run(h, ['test', '1', '-eq', 'a']);
  assert.equal(bad.stderr, 'test: invalid integer \u2018a\u2019\n');
  assert.equal(bad.status, 2);
  assert.equal((await run(h, ['test', 'a', 'b', 'c'])).stderr, 'test: \u2018b\u2019: binary operator expected\n');
  assert.equal((await run(h, ['test', '1', '-eq'])).stderr, 'test: missing argument after \u2018-eq\u2019\n');
  assert.equal((await run(h, ['test', '-q', 'x'])).stderr, 'test: \u2018-q\u2019: unary operator expected\n');
  assert.equal((await run(h, ['[', '1', '-eq', '1'])).stderr, '[: missing \u2018]\u2019\n');
  assert.equal((await run(h, ['[', '1', '-eq', '1', ']'])).status, 0);
});
