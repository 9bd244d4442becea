// Differential test: each case in testdata/compat/*.cases runs in the real /bin/bash and in
// our shell (on the fake host, cwd /tmp); stdout, stderr and exit status must match.
// Skipped when /bin/bash is not installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FakeHost } from './testing/fake-host.ts';
import { TranscriptShell } from './testing/transcript.ts';

const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'testdata', 'compat');
// `argv` exists on the fake host; the real bash gets the same as a function.
const PRELUDE = 'argv() { local out=""; for a in "$@"; do out="$out<$a> "; done; echo "${out% }"; }\n';

function realBash(script: string): string {
  // Files the cases write under /tmp go to a private directory, so test runs in parallel
  // (other suites, other checkouts) cannot trip over each other.
  const dir = mkdtempSync('/tmp/shell-compat-');
  try {
    // stdin is /dev/null, not a pipe: Node's pipes are sockets, and Debian's bash sources
    // ~/.bashrc when its stdin is a socket (it takes that for sshd).
    const r = spawnSync('/bin/bash', ['-c', PRELUDE + script.replaceAll('/tmp/', `${dir}/`)], { argv0: 'bash', encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { HOME: '/home/learner', PATH: '/usr/bin:/bin', USER: 'learner', LANG: 'C.UTF-8' }, cwd: '/tmp' });
    // bash -c names the line of each error; the prelude adds one line.
    const norm = (s: string) =>
      s
        .replaceAll(dir, '/tmp')
        .replace(/line (\d+)/g, (_, n: string) => `line ${Number(n) - 1}`);
    return `${norm(r.stdout)}|stderr|${norm(r.stderr)}|status ${r.status}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const file of existsSync('/bin/bash') ? readdirSync(dir).filter((f) => f.endsWith('.cases')) : []) {
  test(`same as /bin/bash: ${file}`, async () => {
    const cases = readFileSync(join(dir, file), 'utf8').split('\n----\n').map((c) => c.replace(/\n$/, '')).filter(Boolean);
    for (const c of cases) {
      const sh = new TranscriptShell(new FakeHost());
      await sh.run('cd /tmp');
      const r = await sh.runSplit(c);
      assert.equal(`${r.stdout}|stderr|${r.stderr}|status ${r.status}`, realBash(c), `case:\n${c}`);
    }
  });
}
