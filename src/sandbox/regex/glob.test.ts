import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { it } from 'node:test';
import { run, testHost } from '../commands/testing.ts';
import { compileGlob } from './glob.ts';

it('shell patterns match whole texts: * ? [...] [!...] [[:class:]] and escapes', () => {
  const m = (p: string, t: string) => compileGlob(p).test(t);
  assert.equal(m('*.conf', 'etcd.conf'), true);
  assert.equal(m('*.conf', 'etcd.conf.bak'), false);
  assert.equal(m('node-?', 'node-1'), true);
  assert.equal(m('[!a]*', 'abc'), false);
  assert.equal(m('[[:digit:]][a-c]', '7b'), true);
  assert.equal(m('\\*', '*'), true);
  assert.equal(m('\\*', 'x'), false);
  assert.equal(m('[ab', '[ab'), true);
});

// Each of these lines blocked the whole server for seconds to hours when patterns became
// JavaScript RegExps; they must simply return (no timing is asserted).
const SCRIPT = [
  'a=$(printf "a%.0s" $(seq 40))',
  'case $a in *a*a*a*a*a*a*a*a*a*a*a*b) echo case-yes;; *) echo case-no;; esac',
  '[[ $a == *a*a*a*a*a*a*a*a*a*a*a*b ]] && echo glob-yes || echo glob-no',
  '[[ $a =~ (a*)*b ]] && echo ere-yes || echo ere-no',
  '[[ $a =~ ^(a|aa)*$ ]] && echo ere2-yes || echo ere2-no',
  'echo "${a/#*a*a*a*a*a*a*a*a*a*b/X}" | wc -c',
  'v=abc; echo "${v//x*/-}|${v/x*/-}|${v//b*/-}|${v/#a*/-}|${v/%c*/-}|${v//[ac]/.}"',
  'echo $a | grep -cE "(a*)*b"',
].join('\n');
const EXPECTED = 'case-no\nglob-no\nere-no\nere2-yes\n41\nabc|abc|a-|-|ab-|.b.\n0\n';

it('case, [[ ]], ${v/pat/rep} and grep on patterns that backtrack exponentially, as bash prints', async () => {
  const r = await run(testHost(), ['bash', '-c', SCRIPT]);
  assert.equal(r.stdout, EXPECTED);
});

it('the expected transcript is what the real bash and grep print', { skip: existsSync('/bin/bash') ? false : 'no /bin/bash' }, () => {
  const r = spawnSync('/bin/bash', ['-c', SCRIPT], { encoding: 'utf8', timeout: 60_000, env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' } });
  assert.equal(r.stdout, EXPECTED);
});
