import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { run, testHost } from '../commands/testing.ts';
import { GNU_CASES, type GnuCase } from './gnu-cases.ts';

const REAL: Record<GnuCase['tool'], string> = { grep: '/usr/bin/grep', sed: '/usr/bin/sed', awk: '/usr/bin/mawk' };
const label = (c: GnuCase) => `${c.tool} ${c.args.map((a) => JSON.stringify(a)).join(' ')} <<< ${JSON.stringify(c.input.length > 24 ? c.input.slice(0, 24) + '…' : c.input)}`;

describe('the sandbox text tools match as GNU grep, GNU sed and mawk do', () => {
  const h = testHost();
  for (const c of GNU_CASES) {
    it(label(c), async () => {
      const r = await run(h, [c.tool, ...c.args], { stdin: c.input });
      assert.equal(r.stdout, c.stdout);
      assert.equal(r.status, c.status);
      if (c.tool !== 'awk') assert.equal(r.stderr, c.stderr ?? '');
    });
  }
});

describe('the recorded table is what the real programs print', () => {
  for (const c of GNU_CASES) {
    const bin = REAL[c.tool];
    const skip = !existsSync(bin) ? `${bin} is not installed` : c.realHangs ? 'the real program does not finish on this pattern' : false;
    it(label(c), { skip }, () => {
      const r = spawnSync(bin, c.args, { input: c.input, encoding: 'utf8', timeout: 10_000, argv0: c.tool, env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' } });
      assert.equal(r.stdout, c.stdout);
      assert.equal(r.status, c.status);
      if (c.tool !== 'awk') assert.equal(r.stderr.replace(/^\/usr\/bin\/(grep|sed)/gm, '$1'), c.stderr ?? '');
    });
  }
});
