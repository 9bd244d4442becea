import assert from 'node:assert/strict';
import { it } from 'node:test';
import { run, testHost } from './testing.ts';

it('mktemp creates private files and directories from templates', async () => {
  const h = testHost();
  const f = (await run(h, 'mktemp')).stdout.trim();
  assert.match(f, /^\/tmp\/tmp\.[A-Za-z0-9]{10}$/);
  assert.deepEqual([h.rootFs.stat(f).mode, h.rootFs.stat(f).uid], [0o600, 1000]);
  const d = (await run(h, 'mktemp -d')).stdout.trim();
  assert.equal(h.rootFs.stat(d).mode, 0o700);
  assert.match((await run(h, 'mktemp /tmp/x.XXXX')).stdout, /^\/tmp\/x\.[A-Za-z0-9]{4}\n$/);
  assert.equal((await run(h, 'mktemp abc')).stderr, 'mktemp: too few X\'s in template \u2018abc\u2019\n');
});
