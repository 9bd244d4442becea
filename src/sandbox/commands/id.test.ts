import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('id prints uid, gid and groups as GNU id does', async () => {
  const h = testHost();
  assert.equal((await run(h, 'id')).stdout, 'uid=1000(learner) gid=1000(learner) groups=1000(learner),27(sudo)\n');
  assert.equal((await run(h, 'id', { as: 'root' })).stdout, 'uid=0(root) gid=0(root) groups=0(root)\n');
  assert.equal((await run(h, 'id -u')).stdout, '1000\n');
  assert.equal((await run(h, 'id -un')).stdout, 'learner\n');
  assert.equal((await run(h, 'id -Gn')).stdout, 'learner sudo\n');
  assert.equal((await run(h, 'id root')).stdout, 'uid=0(root) gid=0(root) groups=0(root)\n');
});

it('id reports an unknown user', async () => {
  const r = await run(testHost(), 'id etcd');
  assert.equal(r.stderr, "id: 'etcd': no such user\n");
  assert.equal(r.status, 1);
});
