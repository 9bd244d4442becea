import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('stat prints the GNU layout and -c formats', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/k', 'abc', { mode: 0o600 });
  h.rootFs.chown('/tmp/k', 1000, 1000);
  const r = await run(h, 'stat /tmp/k');
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], '  File: /tmp/k');
  assert.match(lines[1]!, /^ {2}Size: 3 {9}\tBlocks: 8 {10}IO Block: 4096 {3}regular file$/);
  assert.equal(lines[3], 'Access: (0600/-rw-------)  Uid: ( 1000/ learner)   Gid: ( 1000/ learner)');
  assert.equal(lines[5], 'Modify: 2026-11-21 09:00:00.000000000 +0000');
  assert.equal((await run(h, ['stat', '-c', '%a %U %G %s %n %F', '/tmp/k'])).stdout, '600 learner learner 3 /tmp/k regular file\n');
  assert.equal((await run(h, ['stat', '-c', '%N', '/bin'])).stdout, "'/bin' -> 'usr/bin'\n");
  assert.equal((await run(h, ['stat', '-L', '-c', '%F', '/bin'])).stdout, 'directory\n');
  assert.equal((await run(h, 'stat /nope')).stderr, "stat: cannot statx '/nope': No such file or directory\n");
});
