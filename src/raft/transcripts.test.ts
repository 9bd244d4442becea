// Runs every testdata/*.txt transcript through the InteractionEnv and compares outputs.
// REWRITE=1 rewrites the expectations from the actual output (review the diff!).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTestFile, rewriteTestFile, normalizeOutput } from './datadriven.ts';
import { InteractionEnv } from './interaction-env.ts';

const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'testdata');
const rewrite = process.env['REWRITE'] === '1';

for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
  test(`transcript ${file}`, () => {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    const env = new InteractionEnv();
    const actual: string[] = [];
    for (const tc of parseTestFile(text)) {
      const got = normalizeOutput(env.handle(tc));
      actual.push(got);
      if (!rewrite) {
        assert.equal(got, normalizeOutput(tc.expected), `${file}:${tc.line}: ${tc.input}`);
      }
    }
    if (rewrite) writeFileSync(path, rewriteTestFile(text, actual));
  });
}
