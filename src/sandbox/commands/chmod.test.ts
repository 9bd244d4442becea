import assert from 'node:assert/strict';
import { it } from 'node:test';
import { applyMode } from './chmod.ts';
import { run, testHost } from './testing.ts';

it('applyMode handles octal and symbolic modes like GNU chmod', () => {
  assert.equal(applyMode('600', 0o644, false), 0o600);
  assert.equal(applyMode('u+x', 0o644, false), 0o744);
  assert.equal(applyMode('go-rwx', 0o755, false), 0o700);
  assert.equal(applyMode('a=r', 0o777, false), 0o444);
  assert.equal(applyMode('+x', 0o644, false), 0o755);
  assert.equal(applyMode('a+X', 0o644, false), 0o644);
  assert.equal(applyMode('a+X', 0o644, true), 0o755);
  assert.equal(applyMode('u=rw,go=', 0o777, false), 0o600);
  assert.equal(applyMode('g=u', 0o740, false), 0o770);
  assert.equal(applyMode('+t', 0o777, true), 0o1777);
  assert.equal(applyMode('9', 0, false), undefined);
  assert.equal(applyMode('u+q', 0, false), undefined);
});

it('chmod changes modes, -R recurses, and non-owners are refused', async () => {
  const h = testHost();
  const fs = h.fsFor(h.users.credentials('learner')!);
  fs.mkdir('/home/learner/d');
  fs.writeFile('/home/learner/d/key.pem', 'k');
  assert.equal((await run(h, 'chmod 600 d/key.pem')).status, 0);
  assert.equal(fs.stat('/home/learner/d/key.pem').mode, 0o600);
  await run(h, ['chmod', '-R', 'go-rwx', 'd']);
  assert.equal(fs.stat('/home/learner/d').mode, 0o700);
  const v = await run(h, 'chmod -v 644 d/key.pem');
  assert.equal(v.stdout, "mode of 'd/key.pem' changed from 0600 (rw-------) to 0644 (rw-r--r--)\n");
  const r = await run(h, 'chmod 777 /etc/passwd');
  assert.equal(r.stderr, "chmod: changing permissions of '/etc/passwd': Operation not permitted\n");
  assert.equal(r.status, 1);
  assert.equal((await run(h, 'chmod 9 d')).stderr, "chmod: invalid mode: \u20189\u2019\nTry 'chmod --help' for more information.\n");
  assert.equal((await run(h, 'chmod -x nope')).stderr, "chmod: cannot access 'nope': No such file or directory\n");
});
