import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseStamp } from './touch.ts';
import { run, testHost } from './testing.ts';

it('touch creates empty files owned by the caller and sets times', async () => {
  const h = testHost();
  assert.equal((await run(h, 'touch a b')).status, 0);
  const st = h.rootFs.stat('/home/learner/a');
  assert.equal(st.size, 0);
  assert.equal(st.uid, 1000);
  assert.equal(st.mode, 0o644);
  await run(h, ['touch', '-d', '2020-01-01', 'a']);
  assert.equal(h.rootFs.stat('/home/learner/a').mtimeMs, Date.UTC(2020, 0, 1));
  await run(h, 'touch -t 202501020304.05 b');
  assert.equal(h.rootFs.stat('/home/learner/b').mtimeMs, Date.UTC(2025, 0, 2, 3, 4, 5));
  assert.equal((await run(h, 'touch -c nothere')).status, 0);
  assert.equal(h.rootFs.exists('/home/learner/nothere'), false);
  assert.equal((await run(h, 'touch /etc/x')).stderr, "touch: cannot touch '/etc/x': Permission denied\n");
  assert.equal((await run(h, 'touch /nope/x')).stderr, "touch: cannot touch '/nope/x': No such file or directory\n");
  assert.equal(parseStamp('01020304', Date.UTC(2026, 0, 1)), Date.UTC(2026, 0, 2, 3, 4));
});
