import assert from 'node:assert/strict';
import { test } from 'node:test';
import { etcdctlCommand, processRuns } from './process-history.ts';

test('process runs pair starts with exits by pid, per host', () => {
  const runs = processRuns(
    [
      { type: 'process-start', host: 'node-1', at: 10, data: { pid: 5, argv: ['etcdctl', 'watch', 'foo'], user: 'learner' } },
      { type: 'process-start', host: 'node-2', at: 11, data: { pid: 5, argv: ['sleep', '1'], user: 'learner' } },
      { type: 'process-start', host: 'node-1', at: 12, data: { pid: 6, argv: ['etcdctl', 'put', 'foo', 'x'], user: 'learner' } },
      { type: 'process-exit', host: 'node-1', at: 13, data: { pid: 6, status: 0 } },
    ],
    'node-1',
  );
  assert.deepEqual(runs, [
    { pid: 5, argv: ['etcdctl', 'watch', 'foo'], user: 'learner', startedAt: 10 },
    { pid: 6, argv: ['etcdctl', 'put', 'foo', 'x'], user: 'learner', startedAt: 12, endedAt: 13, status: 0 },
  ]);
});

test('etcdctl command lines: global flags with values are skipped', () => {
  assert.deepEqual(etcdctlCommand(['etcdctl', 'watch', 'foo']), { command: 'watch', key: 'foo', flags: [] });
  assert.deepEqual(etcdctlCommand(['/usr/local/bin/etcdctl', '--endpoints', 'http://x:2379', 'watch', '--prefix', '/foo']), {
    command: 'watch',
    key: '/foo',
    flags: ['--endpoints', '--prefix'],
  });
  assert.deepEqual(etcdctlCommand(['etcdctl', '-w=json', 'put', 'k', 'v']), { command: 'put', key: 'k', flags: ['-w=json'] });
  assert.equal(etcdctlCommand(['curl', 'x']), undefined);
  assert.equal(etcdctlCommand(['etcdctl']), undefined);
});
