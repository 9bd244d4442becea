import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('du sums 1K blocks per directory; -s, -a, -h, -c', async () => {
  const h = testHost();
  h.rootFs.mkdir('/tmp/d/sub', { recursive: true });
  h.rootFs.writeFile('/tmp/d/a', new Uint8Array(5000));
  h.rootFs.writeFile('/tmp/d/sub/b', 'x');
  assert.equal((await run(h, 'du /tmp/d')).stdout, '8\t/tmp/d/sub\n20\t/tmp/d\n');
  assert.equal((await run(h, 'du -s /tmp/d')).stdout, '20\t/tmp/d\n');
  assert.equal((await run(h, 'du -a /tmp/d')).stdout, '8\t/tmp/d/a\n4\t/tmp/d/sub/b\n8\t/tmp/d/sub\n20\t/tmp/d\n');
  assert.equal((await run(h, 'du -sh /tmp/d')).stdout, '20K\t/tmp/d\n');
  assert.equal((await run(h, 'du -sc /tmp/d /tmp/d/sub')).stdout, '20\t/tmp/d\n8\t/tmp/d/sub\n28\ttotal\n');
  assert.equal((await run(h, 'du /root')).stderr, "du: cannot read directory '/root': Permission denied\n");
});
