// The grader: a script typed into a fresh sandbox, then every check; JSON and JUnit out.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import lab from '../../labs/01-first-contact/lab.ts';
import { gradeScript, scriptLines, toJunit, toText } from './grade.ts';
import { realSandboxProvider } from './sandbox-provider.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('script lines: blank lines, comments and the #! line are not typed', () => {
  assert.deepEqual(scriptLines('#!/bin/bash\n# start\n\necho a   # trailing stays\r\n  # indented comment\necho b\n'), ['echo a   # trailing stays', 'echo b']);
});

test('a script that does not do the lab: every task fails, the transcript shows what ran', async () => {
  const report = await gradeScript(lab, ['echo graded > note.txt', 'cat note.txt', 'nosuchcommand'], { provider: realSandboxProvider });
  assert.equal(report.lab, '01-first-contact');
  assert.equal(report.ok, false);
  assert.equal(report.passed, 0);
  assert.equal(report.total, lab.tasks.length);
  assert.ok(report.transcript.every((l) => l.completed));
  assert.match(report.transcript[1]!.output, /\ngraded\n/);
  assert.match(report.transcript[2]!.output, /nosuchcommand: command not found/);
  assert.match(report.tasks[0]!.message, /no etcd process/);

  const xml = toJunit(report);
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="hardway-lab" tests="6" failures="6"/);
  assert.equal((xml.match(/<testcase /g) ?? []).length, 6);
  assert.equal((xml.match(/<failure message="/g) ?? []).length, 6);
  assert.doesNotMatch(xml, /\x1b/, 'no terminal escapes in XML');
  assert.match(toText(report), /0\/6 tasks passed/);
});

test('npm run grade: exit 1 with a JSON report when tasks fail, 2 on usage errors', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hwlab-grade-'));
  try {
    const script = path.join(dir, 'answer.sh');
    writeFileSync(script, 'echo hello\n');
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/grade.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const r = run('--lab', '01', '--script', script, '--format', 'json');
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.passed, 0);
    assert.equal(report.tasks.length, 6);
    const bad = run('--lab', '42', '--script', script);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /no lab "42"/);
    const missing = run('--lab', '01', '--script', path.join(dir, 'nope.sh'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read .*nope\.sh: ENOENT/);
    const usage = run('--format', 'xml');
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /unknown format "xml"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
