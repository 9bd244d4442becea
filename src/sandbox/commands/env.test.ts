import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('env prints the environment, or runs a program with changes in the same process', async () => {
  const h = testHost();
  assert.equal((await run(h, ['env', '-i', 'A=1', 'B=2'])).stdout, 'A=1\nB=2\n');
  assert.match((await run(h, 'env')).stdout, /^PATH=\/usr\/local\/bin/m);
  assert.equal((await run(h, ['env', 'X=1', 'printenv-missing'])).stderr, 'env: \u2018printenv-missing\u2019: No such file or directory\n');
  assert.equal((await run(h, ['env', 'X=1', 'printenv-missing'])).status, 127);
  assert.equal((await run(h, ['env', '-u', 'PATH', 'FOO=bar', 'env'])).stdout.includes('PATH='), false);
});
