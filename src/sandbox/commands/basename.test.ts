import assert from 'node:assert/strict';
import { it } from 'node:test';
import { baseName } from './basename.ts';
import { dirName } from './dirname.ts';
import { run, testHost } from './testing.ts';

it('basename and dirname split paths as coreutils do', async () => {
  assert.equal(baseName('/usr/bin/sort'), 'sort');
  assert.equal(baseName('include/stdio.h', '.h'), 'stdio');
  assert.equal(baseName('/'), '/');
  assert.equal(baseName('a/b/'), 'b');
  assert.equal(dirName('/usr/bin/'), '/usr');
  assert.equal(dirName('stdio.h'), '.');
  assert.equal(dirName('/x'), '/');
  const h = testHost();
  assert.equal((await run(h, 'basename -a x/a y/b')).stdout, 'a\nb\n');
  assert.equal((await run(h, 'basename etcd-v3.6.4-linux-amd64.tar.gz .tar.gz')).stdout, 'etcd-v3.6.4-linux-amd64\n');
  assert.equal((await run(h, 'dirname a/b c/d')).stdout, 'a\nc\n');
  assert.equal((await run(h, 'basename')).stderr, "basename: missing operand\nTry 'basename --help' for more information.\n");
});
