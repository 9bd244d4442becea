import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('df reports the virtual disk with real usage, -h and -i', async () => {
  const h = testHost();
  const before = (await run(h, 'df')).stdout.split('\n');
  assert.match(before[0]!, /^Filesystem +1K-blocks +Used Available Use% Mounted on$/);
  assert.match(before[1]!, /^\/dev\/vda1 +65536 +\d+ +\d+ +\d+% \/$/);
  const used = Number(before[1]!.split(/\s+/)[2]);
  h.rootFs.writeFile('/tmp/big', new Uint8Array(1024 * 1024));
  const after = (await run(h, 'df /tmp')).stdout.split('\n')[1]!;
  assert.equal(Number(after.split(/\s+/)[2]), used + 1024);
  assert.match((await run(h, 'df -h')).stdout, /^Filesystem +Size +Used Avail Use% Mounted on\n\/dev\/vda1 +64M +\S+ +\S+ +\d+% \/\n$/);
  assert.match((await run(h, 'df -i')).stdout, /^Filesystem +Inodes +IUsed +IFree IUse% Mounted on\n/);
  assert.equal((await run(h, 'df /nope')).stderr, 'df: /nope: No such file or directory\n');
});
