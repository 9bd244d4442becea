// Every runnable code block of lesson 02, typed in order into a fresh lab 02 host as the
// Run button types it: each comes back to the prompt, none is misunderstood by our tools
// (only the first, `etcd --version` before the install, is meant to fail), and at the end
// every task has passed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCheckContext } from '../../src/lab/check-context.ts';
import { checkAll, missingPrograms, withLabTerminal } from '../common/lab-testing.ts';
import { lessonBlocks, NOT_UNDERSTOOD } from '../common/lesson-blocks.ts';
import lab from './lab.ts';

const missing = missingPrograms(['etcd', 'etcdctl', 'curl']);

test('lesson 02 works verbatim, block by block', { timeout: 120_000, skip: missing.length ? `waiting for ${missing.join(', ')}` : false }, async () => {
  await withLabTerminal(lab, async (term, sandbox) => {
    const blocks = lessonBlocks('02-install-etcd');
    assert.ok(blocks.length > 10);
    for (const [n, block] of blocks.entries()) {
      let output = '';
      for (const line of block.lines) {
        const r = await term.run(line, { timeoutMs: 30_000 });
        assert.ok(r.completed, `lessons/02-install-etcd.md:${block.line}: "${line}" did not come back to the prompt:\n${r.output}`);
        output += r.output;
      }
      if (n === 0) assert.match(output, /etcd: command not found/);
      else assert.doesNotMatch(output, NOT_UNDERSTOOD, `lessons/02-install-etcd.md:${block.line}:\n${output}`);
    }
    const results = await checkAll(lab, createCheckContext(sandbox));
    for (const [id, r] of results) assert.ok(r.ok, `${id}: ${r.message}`);
  });
});
