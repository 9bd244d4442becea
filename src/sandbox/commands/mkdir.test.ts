import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('mkdir creates directories, -p parents quietly, -m sets the last mode', async () => {
  const h = testHost();
  assert.equal((await run(h, 'mkdir a')).status, 0);
  const again = await run(h, 'mkdir a');
  assert.equal(again.stderr, 'mkdir: cannot create directory \u2018a\u2019: File exists\n');
  assert.equal(again.status, 1);
  assert.equal((await run(h, 'mkdir -p -v b/c')).stdout, "mkdir: created directory 'b'\nmkdir: created directory 'b/c'\n");
  assert.equal((await run(h, 'mkdir -p b/c')).status, 0);
  await run(h, 'mkdir -p -m 700 x/y');
  assert.equal(h.rootFs.stat('/home/learner/x').mode, 0o755);
  assert.equal(h.rootFs.stat('/home/learner/x/y').mode, 0o700);
  assert.equal((await run(h, 'mkdir /opt/etcd')).stderr, 'mkdir: cannot create directory \u2018/opt/etcd\u2019: Permission denied\n');
  assert.equal((await run(h, 'mkdir x/none/z')).stderr, 'mkdir: cannot create directory \u2018x/none/z\u2019: No such file or directory\n');
});
