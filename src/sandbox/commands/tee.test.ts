import assert from 'node:assert/strict';
import { it } from 'node:test';
import { bytesToString } from '../../platform/filesystem.ts';
import { run, testHost } from './testing.ts';

it('tee copies stdin to stdout and files; -a appends', async () => {
  const h = testHost();
  const r = await run(h, 'tee out1 out2', { stdin: 'line\n' });
  assert.equal(r.stdout, 'line\n');
  assert.equal(bytesToString(h.rootFs.readFile('/home/learner/out2')), 'line\n');
  await run(h, 'tee -a out1', { stdin: 'more\n' });
  assert.equal(bytesToString(h.rootFs.readFile('/home/learner/out1')), 'line\nmore\n');
});

it('tee reports files it cannot open but still copies to the rest (learner vs root file)', async () => {
  const h = testHost();
  const r = await run(h, 'tee /etc/default/etcd ok', { stdin: 'ETCD_NAME=node-1\n' });
  assert.equal(r.stderr, 'tee: /etc/default/etcd: Permission denied\n');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, 'ETCD_NAME=node-1\n');
  assert.equal((await run(h, 'tee -a /etc/default/etcd', { stdin: 'X=1\n', as: 'root' })).status, 0);
  assert.equal(bytesToString(h.rootFs.readFile('/etc/default/etcd')), 'X=1\n');
});
