import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('chown as root gives files away (-R too); as learner it is refused', async () => {
  const h = testHost();
  h.rootFs.mkdir('/var/lib/etcd/member', { recursive: true });
  h.rootFs.writeFile('/var/lib/etcd/member/wal', 'x');
  assert.equal((await run(h, 'chown -R learner:sudo /var/lib/etcd', { as: 'root' })).status, 0);
  assert.equal(h.rootFs.stat('/var/lib/etcd/member/wal').uid, 1000);
  assert.equal(h.rootFs.stat('/var/lib/etcd/member/wal').gid, 27);
  assert.equal((await run(h, 'chown root: /var/lib/etcd', { as: 'root' })).status, 0);
  assert.equal(h.rootFs.stat('/var/lib/etcd').gid, 0);
  const r = await run(h, 'chown root /var/lib/etcd/member');
  assert.equal(r.stderr, "chown: changing ownership of '/var/lib/etcd/member': Operation not permitted\n");
  assert.equal((await run(h, 'chown nouser /tmp', { as: 'root' })).stderr, 'chown: invalid user: \u2018nouser\u2019\n');
  assert.equal((await run(h, 'chown root:nogrp /tmp', { as: 'root' })).stderr, 'chown: invalid group: \u2018root:nogrp\u2019\n');
  assert.equal((await run(h, 'chown -v root /tmp', { as: 'root' })).stdout, "ownership of '/tmp' retained as root\n");
});
