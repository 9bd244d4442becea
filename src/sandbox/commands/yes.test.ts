import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CollectingOutput, emptyInput, Pipe } from '../io.ts';
import { testHost } from './testing.ts';

it('yes repeats its line until the reader goes away (SIGPIPE, 141)', async () => {
  const h = testHost();
  const r = h.resolveProgram('yes', { path: '/usr/bin', cwd: '/', cred: h.users.credentials('learner')! });
  assert.ok(r.ok);
  const pipe = new Pipe(1024);
  const p = h.start({ command: r.command, argv: ['yes', 'ok'], env: {}, cwd: '/', cred: h.users.credentials('learner')!, stdin: emptyInput, stdout: pipe.writer, stderr: new CollectingOutput(), ppid: 1 });
  const first = new TextDecoder().decode((await pipe.reader.read())!);
  assert.ok(first.startsWith('ok\nok\n'));
  pipe.closeRead();
  assert.equal(await p.exited, 141);
});
