// Runs every transcript in testdata/ against the shell on the fake host.
// REWRITE=1 node --import tsx --test src/sandbox/shell/transcript.test.ts rewrites them.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FakeHost } from './testing/fake-host.ts';
import { TranscriptShell, formatTranscript, parseTranscript } from './testing/transcript.ts';

const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'testdata');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
  test(`transcript ${file}`, async () => {
    const path = join(dir, file);
    const { cases, header } = parseTranscript(readFileSync(path, 'utf8'));
    const host = new FakeHost();
    const shell = new TranscriptShell(host);
    const results: { script: string; output: string; status: number }[] = [];
    for (const c of cases) {
      const r = await shell.run(c.script);
      results.push({ script: c.script, ...r });
      if (!process.env.REWRITE) {
        assert.equal(r.output, c.expected, `${file}:${c.line}: output of\n${c.script}`);
        assert.equal(r.status, c.status, `${file}:${c.line}: status of\n${c.script}`);
      }
    }
    if (process.env.REWRITE) writeFileSync(path, formatTranscript(header, results));
  });
}
