// A bug in one program must not take down the host, the learner's shell, or the Node
// process serving every other learner: it ends like a crashed program (status 1, a message).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox } from './sandbox.ts';
import { builtinPrograms } from './registry.ts';
import { createRegistry, installProgram } from './programs.ts';
import { run } from './commands/testing.ts';
import type { Command } from './types.ts';

const throwsAtOnce: Command = { name: 'crash-now', summary: 'throws', run: () => { throw new TypeError("Cannot read properties of undefined (reading 'x')"); } };
const rejectsLater: Command = { name: 'crash-later', summary: 'rejects', run: async () => { await new Promise((r) => setTimeout(r, 5)); throw new RangeError('Invalid array length'); } };

test('a program that throws ends with status 1 and a message; the shell and host carry on', async () => {
  const sb = createSandbox({ hosts: [{ name: 'node-1', ip: '10.0.0.11' }], programs: createRegistry([...builtinPrograms.values(), throwsAtOnce, rejectsLater]) });
  const host = sb.host('node-1');
  installProgram(host.rootFs, '/usr/local/bin/crash-now', 'crash-now');
  installProgram(host.rootFs, '/usr/local/bin/crash-later', 'crash-later');
  const r = await run(host, ['bash', '-c', 'crash-now; echo "now=$?"; crash-later; echo "later=$?"; echo still here']);
  assert.match(r.stdout, /now=1\nlater=1\nstill here\n/);
  assert.match(r.stderr, /crash-now: Cannot read properties of undefined/);
  assert.match(r.stderr, /crash-later: Invalid array length/);
  assert.deepEqual((await run(host, ['echo', 'host ok'])).stdout, 'host ok\n');
  sb.dispose();
});
