import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('sha256sum and md5sum print digests and check lists', async () => {
  const h = testHost();
  h.fsFor(h.users.credentials('learner')!).writeFile('/home/learner/h', 'x\n');
  assert.equal((await run(h, 'sha256sum h')).stdout, '73cb3858a687a8494ca3323053016282f3dad39d42cf62ca4e79dda2aac7d9ac  h\n');
  assert.equal((await run(h, 'md5sum h')).stdout, '401b30e3b8b5d629635a5c613cdb7919  h\n');
  assert.equal((await run(h, 'sha256sum', { stdin: 'x\n' })).stdout, '73cb3858a687a8494ca3323053016282f3dad39d42cf62ca4e79dda2aac7d9ac  -\n');
  h.fsFor(h.users.credentials('learner')!).writeFile('/home/learner/h.sum', '73cb3858a687a8494ca3323053016282f3dad39d42cf62ca4e79dda2aac7d9ac  h\n');
  assert.equal((await run(h, 'sha256sum -c h.sum')).stdout, 'h: OK\n');
  h.fsFor(h.users.credentials('learner')!).writeFile('/home/learner/h', 'y\n');
  const bad = await run(h, 'sha256sum -c h.sum');
  assert.equal(bad.stdout, 'h: FAILED\n');
  assert.equal(bad.stderr, 'sha256sum: WARNING: 1 computed checksum did NOT match\n');
  assert.equal(bad.status, 1);
  assert.equal((await run(h, 'sha256sum /nope')).stderr, 'sha256sum: /nope: No such file or directory\n');
});
