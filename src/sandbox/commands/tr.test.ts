import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('tr translates, deletes, squeezes and complements', async () => {
  const h = testHost();
  assert.equal((await run(h, ['tr', 'a-z', 'A-Z'], { stdin: 'abc\n' })).stdout, 'ABC\n');
  assert.equal((await run(h, ['tr', '-s', ' '], { stdin: 'a  b\n' })).stdout, 'a b\n');
  assert.equal((await run(h, ['tr', '-d', 'b'], { stdin: 'abc\n' })).stdout, 'ac\n');
  assert.equal((await run(h, ['tr', ':', '\\n'], { stdin: 'a:b' })).stdout, 'a\nb');
  assert.equal((await run(h, ['tr', '-c', 'a', 'x'], { stdin: 'abc\n' })).stdout, 'axxx');
  assert.equal((await run(h, ['tr', '[:lower:]', '[:upper:]'], { stdin: 'etcd\n' })).stdout, 'ETCD\n');
  assert.equal((await run(h, ['tr', '-d', '[:space:]'], { stdin: ' a b\n' })).stdout, 'ab');
});

it('tr reports missing and extra operands', async () => {
  const h = testHost();
  assert.equal((await run(h, 'tr')).stderr, "tr: missing operand\nTry 'tr --help' for more information.\n");
  assert.equal((await run(h, 'tr a')).stderr, "tr: missing operand after \u2018a\u2019\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n");
  assert.equal((await run(h, 'tr a b c')).stderr, "tr: extra operand \u2018c\u2019\nTry 'tr --help' for more information.\n");
});
