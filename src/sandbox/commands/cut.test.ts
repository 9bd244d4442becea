import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('cut selects fields, characters and bytes', async () => {
  const h = testHost();
  assert.equal((await run(h, ['cut', '-d', ' ', '-f2'], { stdin: 'b 2\na 10\n' })).stdout, '2\n10\n');
  assert.equal((await run(h, ['cut', '-d', ':', '-f1,3'], { stdin: 'root:x:0:0\n' })).stdout, 'root:0\n');
  assert.equal((await run(h, ['cut', '-d', ':', '-f2-'], { stdin: 'a:b:c\nnodelim\n' })).stdout, 'b:c\nnodelim\n');
  assert.equal((await run(h, ['cut', '-s', '-d', ':', '-f1'], { stdin: 'a:b\nnodelim\n' })).stdout, 'a\n');
  assert.equal((await run(h, 'cut -c1-2', { stdin: 'hello\n' })).stdout, 'he\n');
  assert.equal((await run(h, ['cut', '-d', ',', '-f', '2', '--output-delimiter', '|'], { stdin: 'a,b\n' })).stdout, 'b\n');
  assert.equal((await run(h, 'cut')).stderr, "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n");
  assert.equal((await run(h, 'cut -f0')).stderr, "cut: fields are numbered from 1\nTry 'cut --help' for more information.\n");
});
