// etcd's data directory on a virtual host: one it may not list stops it as etcd's
// identifyDataDirOrDie does, and member/snap/db (the bbolt backend) exists from the first
// start, as with the real etcd, and holds the keys after a clean stop.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { realClock } from '../../platform/clock.ts';
import type { SimClock } from '../../platform/sim-clock.ts';
import { installProgram } from '../programs.ts';
import { run, testSandbox } from './testing.ts';

describe('etcd and its data directory', () => {
  const sb = testSandbox([{ name: 'node-1', ip: '10.0.0.11' }], realClock as unknown as SimClock);
  const h = sb.host('node-1');
  for (const n of ['etcd', 'etcdctl', 'etcdutl']) installProgram(h.rootFs, `/usr/local/bin/${n}`, n, 'v3.6.4');
  after(() => sb.dispose());

  it('a data dir it cannot list is fatal: "failed to list data directory"', async () => {
    const r = await run(h, ['bash', '-c', 'sudo mkdir -m 700 /var/lib/locked && etcd --data-dir /var/lib/locked']);
    assert.equal(r.status, 1);
    const fatal = r.stderr.split('\n').find((l) => l.includes('"level":"fatal"'));
    assert.ok(fatal, r.stderr);
    const line = JSON.parse(fatal) as Record<string, string>;
    assert.equal(line['msg'], 'failed to list data directory');
    assert.equal(line['dir'], '/var/lib/locked');
    assert.equal(line['error'], 'open /var/lib/locked: permission denied');
  });

  it('member/snap/db is there once etcd started, and is current after a clean stop', async () => {
    const script = [
      'etcd --data-dir d > etcd.log 2>&1 &',
      'for i in $(seq 1 50); do etcdctl endpoint health >/dev/null 2>&1 && break; sleep 0.1; done',
      'ls d/member/snap',
      'etcdctl put /app/color blue > /dev/null',
      'kill %1; wait',
      'etcdutl snapshot status d/member/snap/db -w json',
    ].join('\n');
    const r = await run(h, ['bash', '-c', script], { cwd: '/home/learner' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^db\n/);
    const status = JSON.parse(r.stdout.split('\n')[1]!) as { revision: number; totalKey: number };
    assert.equal(status.revision, 2);
    assert.ok(status.totalKey >= 1, r.stdout);
  });
});
