import assert from 'node:assert/strict';
import { it } from 'node:test';
import { installProgram } from '../programs.ts';
import { run, testHost } from './testing.ts';

it('which finds executables in PATH and stays silent with status 1 for the rest', async () => {
  const h = testHost();
  assert.equal((await run(h, 'which ls')).stdout, '/usr/bin/ls\n');
  const r = await run(h, 'which etcd ls');
  assert.equal(r.stdout, '/usr/bin/ls\n');
  assert.equal(r.status, 1);
  installProgram(h.rootFs, '/usr/local/bin/etcd', 'etcd', '3.6.4');
  assert.equal((await run(h, 'which etcd')).stdout, '/usr/local/bin/etcd\n');
  assert.equal((await run(h, 'which -a ls')).stdout, '/usr/bin/ls\n/bin/ls\n');
});

it('which --help is an illegal option as in debianutils (status 2, usage); -- ends the options', async () => {
  const h = testHost();
  assert.deepEqual(await run(h, 'which --help'), { status: 2, stdout: '', stderr: 'Illegal option --\nUsage: /usr/bin/which [-a] args\n' });
  assert.deepEqual(await run(h, 'which -- ls'), { status: 0, stdout: '/usr/bin/ls\n', stderr: '' });
});
