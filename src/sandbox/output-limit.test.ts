// A runaway program is stopped by its output budget, with a message, and the shell goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, testSandbox } from './commands/testing.ts';
import { OUTPUT_BYTES_PER_PROCESS } from './processes.ts';

test('yes > /dev/null is stopped at the output budget with status 153 and a message', { timeout: 120_000 }, async () => {
  const host = testSandbox().host('node-1');
  const r = await run(host, ['bash', '-c', 'yes > /dev/null; echo "status=$?"; echo after']);
  assert.match(r.stderr, new RegExp(`^yes: output limit of the sandbox reached \\(${OUTPUT_BYTES_PER_PROCESS / 1024 / 1024} MiB per process\\); stopped\\n`));
  assert.equal(r.stdout, 'status=153\nafter\n');
});
