import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('realpath resolves links and .. physically; readlink prints link targets or canonical names', async () => {
  const h = testHost();
  assert.equal((await run(h, 'realpath /bin/../etc')).stdout, '/usr/etc\n');
  assert.equal((await run(h, 'realpath /bin/ls')).stdout, '/usr/bin/ls\n');
  assert.equal((await run(h, 'realpath newfile')).stdout, '/home/learner/newfile\n');
  assert.equal((await run(h, 'realpath /nope/x')).stderr, 'realpath: /nope/x: No such file or directory\n');
  assert.equal((await run(h, 'realpath -m /nope/x/../y')).stdout, '/nope/y\n');
  assert.equal((await run(h, 'readlink /bin')).stdout, 'usr/bin\n');
  assert.equal((await run(h, 'readlink -f /bin/ls')).stdout, '/usr/bin/ls\n');
  const r = await run(h, 'readlink /etc');
  assert.deepEqual([r.stdout, r.status], ['', 1]);
});
