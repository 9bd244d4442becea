import assert from 'node:assert/strict';
import { it } from 'node:test';
import { toBytes } from '../platform/filesystem.ts';
import { run, testHost } from './commands/testing.ts';
import { installProgram, parseProgramFile, programFileContent } from './programs.ts';

it('reads what a program file says it is', () => {
  assert.deepEqual(parseProgramFile(toBytes(programFileContent('etcd', '3.6.4'))), { kind: 'program', name: 'etcd', version: '3.6.4' });
  assert.deepEqual(parseProgramFile(toBytes('#!/bin/bash\necho\n')), { kind: 'script', interpreter: 'bash' });
  assert.deepEqual(parseProgramFile(toBytes('#!/usr/bin/env bash\n')), { kind: 'script', interpreter: 'bash' });
  assert.deepEqual(parseProgramFile(toBytes('#!/bin/sh -e\n')), { kind: 'script', interpreter: 'sh' });
  assert.deepEqual(parseProgramFile(toBytes('echo no shebang\n')), { kind: 'script', interpreter: 'bash' });
  assert.deepEqual(parseProgramFile(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1])), { kind: 'binary' });
});

it('runs shell scripts through bash with their arguments', async () => {
  const h = testHost();
  const fs = h.fsFor(h.users.credentials('learner')!);
  fs.writeFile('/home/learner/hello.sh', '#!/bin/bash\necho "hello $1 from $(hostname)"\n', { mode: 0o755 });
  const r = await run(h, ['./hello.sh', 'learner']);
  assert.equal(r.stdout, 'hello learner from node-1\n');
  assert.equal(r.status, 0);
});

it('refuses files it cannot execute, in bash words', async () => {
  const h = testHost();
  h.rootFs.writeFile('/tmp/elf', new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1]), { mode: 0o755 });
  const r = await run(h, ['/tmp/elf']);
  assert.equal(r.stderr, 'bash: /tmp/elf: cannot execute binary file: Exec format error\n');
  assert.equal(r.status, 126);
  installProgram(h.rootFs, '/usr/local/bin/kubectl-unknown', 'no-such-program', '1.0');
  assert.equal((await run(h, ['kubectl-unknown'])).status, 126);
});

it('runs #!/bin/sh scripts with the sh program', async () => {
  const h = testHost();
  h.fsFor(h.users.credentials('learner')!).writeFile('/home/learner/p.sh', '#!/bin/sh\necho "$0 $1"\n', { mode: 0o755 });
  assert.equal((await run(h, ['./p.sh', 'x'])).stdout, './p.sh x\n');
});
