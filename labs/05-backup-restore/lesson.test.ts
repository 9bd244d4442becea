// Lesson 05 and its lab's solution are the same commands: the runnable blocks of the
// lesson, in order, are the reference solution line for line (lab.test.ts types that into
// a sandbox and sees every task pass). Here: typed block by block as the Run button types
// them, none is misunderstood by our tools, and what the lesson says about the output holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCheckContext } from '../../src/lab/check-context.ts';
import { checkAll, withLabTerminal } from '../common/lab-testing.ts';
import { lessonBlocks, NOT_UNDERSTOOD } from '../common/lesson-blocks.ts';
import lab from './lab.ts';

test('the lesson\'s runnable blocks are the lab\'s solution', () => {
  assert.deepEqual(lessonBlocks('05-backup-restore').flatMap((b) => b.lines), lab.solution);
});

test('lesson 05 works verbatim, block by block', { timeout: 120_000 }, async () => {
  await withLabTerminal(lab, async (term, sandbox) => {
    const said = new Map<string, string>();
    for (const block of lessonBlocks('05-backup-restore')) {
      let output = '';
      for (const line of block.lines) {
        const r = await term.run(line, { timeoutMs: 30_000 });
        assert.ok(r.completed, `lessons/05-backup-restore.md:${block.line}: "${line}" did not come back to the prompt:\n${r.output}`);
        said.set(line, r.output);
        output += r.output;
      }
      assert.doesNotMatch(output, NOT_UNDERSTOOD, `lessons/05-backup-restore.md:${block.line}:\n${output}`);
    }
    const out = (line: string) => said.get(line) ?? assert.fail(`the lesson has no line ${line}`);
    // "Revision 4" after three writes; the file is mode 600.
    assert.match(out('sudo etcdutl snapshot status /var/backups/etcd/snapshot.db -w table'), /\| [0-9a-f]{8} \|        4 \|          3 \|/);
    assert.match(out('sudo ls -l /var/backups/etcd'), /\n-rw------- 1 root root \d+ .* snapshot\.db\n/);
    assert.match(out('etcdctl del /app/ --prefix'), /\n3\n/);
    assert.match(out('etcdctl snapshot restore /var/backups/etcd/snapshot.db'), /COMMANDS:\n  save\t[^\n]*\n\n/);
    assert.match(out('sudo etcdutl snapshot restore /var/backups/etcd/snapshot.db --data-dir /var/lib/etcd'), /Error: data-dir "\/var\/lib\/etcd" not empty or could not be read/);
    assert.match(out('sudo ls -lR /var/lib/etcd-restored'), /\ndrwx------ \d+ root root .* member\n/);
    assert.match(out('sudo journalctl -u etcd --no-pager | grep dir-type | tail -n 1'), /"data-dir":"\/var\/lib\/etcd-restored","dir-type":"member"/);
    const json = out('etcdctl get /app/users/alice -w json');
    assert.match(json, /"revision":4[,}]/);
    assert.match(json, /"mod_revision":4[,}]/);
    const results = await checkAll(lab, createCheckContext(sandbox));
    for (const [id, r] of results) assert.ok(r.ok, `${id}: ${r.message}`);
  });
});
