import assert from 'node:assert/strict';
import { it } from 'node:test';
import { globToRegExp } from './find.ts';
import { run, testHost } from './testing.ts';

function tree() {
  const h = testHost();
  const fs = h.fsFor(h.users.credentials('learner')!);
  fs.mkdir('/home/learner/pki/certs', { recursive: true });
  fs.writeFile('/home/learner/pki/ca.pem', 'x');
  fs.writeFile('/home/learner/pki/ca-key.pem', 'x', { mode: 0o600 });
  fs.writeFile('/home/learner/pki/certs/server.pem', 'x');
  fs.writeFile('/home/learner/pki/empty', '');
  return h;
}

it('find walks the tree and filters with -name, -type, -maxdepth, -perm, -o and !', async () => {
  const h = tree();
  assert.equal((await run(h, 'find pki')).stdout, 'pki\npki/ca-key.pem\npki/ca.pem\npki/certs\npki/certs/server.pem\npki/empty\n');
  assert.equal((await run(h, ['find', 'pki', '-name', '*.pem'])).stdout, 'pki/ca-key.pem\npki/ca.pem\npki/certs/server.pem\n');
  assert.equal((await run(h, ['find', 'pki', '-maxdepth', '1', '-type', 'd'])).stdout, 'pki\npki/certs\n');
  assert.equal((await run(h, ['find', 'pki', '-type', 'f', '-perm', '600'])).stdout, 'pki/ca-key.pem\n');
  assert.equal((await run(h, ['find', 'pki', '-name', 'ca.pem', '-o', '-name', 'empty'])).stdout, 'pki/ca.pem\npki/empty\n');
  assert.equal((await run(h, ['find', 'pki', '-type', 'f', '!', '-name', '*.pem'])).stdout, 'pki/empty\n');
  assert.equal((await run(h, ['find', 'pki', '-empty'])).stdout, 'pki/empty\n');
  assert.equal((await run(h, ['find', 'pki', '-mindepth', '2', '-printf', '%f %s\\n'])).stdout, 'server.pem 1\n');
});

it('find runs -exec per file and with +, and -delete removes depth first', async () => {
  const h = tree();
  assert.equal((await run(h, ['find', 'pki', '-name', 'ca*.pem', '-exec', 'echo', 'got', '{}', ';'])).stdout, 'got pki/ca-key.pem\ngot pki/ca.pem\n');
  assert.equal((await run(h, ['find', 'pki', '-name', 'ca*.pem', '-exec', 'echo', '{}', '+'])).stdout, 'pki/ca-key.pem pki/ca.pem\n');
  assert.equal((await run(h, ['find', 'pki/certs', '-delete'])).status, 0);
  assert.equal(h.rootFs.exists('/home/learner/pki/certs'), false);
});

it('find reports missing paths and bad expressions in its words', async () => {
  const h = tree();
  const r = await run(h, ['find', '/nope', 'pki', '-name', 'empty']);
  assert.equal(r.stderr, 'find: \u2018/nope\u2019: No such file or directory\n');
  assert.equal(r.stdout, 'pki/empty\n');
  assert.equal(r.status, 1);
  assert.equal((await run(h, ['find', '-bogus'])).stderr, "find: unknown predicate `-bogus'\n");
  assert.equal((await run(h, ['find', '.', '-name'])).stderr, "find: missing argument to `-name'\n");
  assert.equal((await run(h, ['find', '/root'])).stderr, 'find: \u2018/root\u2019: Permission denied\n');
  assert.equal(globToRegExp('*.pem').test('a.pem'), true);
  assert.equal(globToRegExp('ca-[!k]*').test('ca-key'), false);
});
