// Every runnable code block of lesson 03, typed in order into a fresh lab 03 host (lesson 02 done) as the
// Run button types it: each comes back to the prompt, none is misunderstood by our tools
// (the curl refusals fail as the lesson says they do), and at the end
// every task has passed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCheckContext } from '../../src/lab/check-context.ts';
import { checkAll, missingPrograms, withLabTerminal } from '../common/lab-testing.ts';
import { lessonBlocks, NOT_UNDERSTOOD } from '../common/lesson-blocks.ts';
import lab from './lab.ts';

const missing = missingPrograms(['etcd', 'etcdctl', 'curl']);

test('lesson 03 works verbatim, block by block', { timeout: 120_000, skip: missing.length ? `waiting for ${missing.join(', ')}` : false }, async () => {
  await withLabTerminal(lab, async (term, sandbox) => {
    const blocks = lessonBlocks('03-tls-and-mtls');
    assert.ok(blocks.length > 10);
    for (const block of blocks) {
      let output = '';
      for (const line of block.lines) {
        const r = await term.run(line, { timeoutMs: 30_000 });
        assert.ok(r.completed, `lessons/03-tls-and-mtls.md:${block.line}: "${line}" did not come back to the prompt:\n${r.output}`);
        output += r.output;
      }
      assert.doesNotMatch(output, NOT_UNDERSTOOD, `lessons/03-tls-and-mtls.md:${block.line}:\n${output}`);
    }
    // What the lesson shows a command printing is what the terminal printed (the
    // certificate_required alert aside: see lab.test.ts's todo test).
    for (const shown of lessonBlocks('03-tls-and-mtls', { kind: 'output' })) {
      const text = shown.lines.join('\n');
      if (text.includes('tlsv13 alert certificate required')) continue;
      assert.ok(term.output.includes(`${text}\n`), `lessons/03-tls-and-mtls.md:${shown.line} shows output the terminal never printed:\n${text}`);
    }
    const results = await checkAll(lab, createCheckContext(sandbox));
    for (const [id, r] of results) assert.ok(r.ok, `${id}: ${r.message}`);
  });
});
