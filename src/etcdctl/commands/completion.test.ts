// `etcdctl completion <shell>`: each script names every command, subcommand and flag, offers
// the -w values and file names for the TLS files, and the command's errors are cobra's.
// The real-shell checks for zsh and fish live in completion-shells.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ctl } from '../test-support.ts';

/** etcdctl v3.6's top-level commands, as `etcdctl --help` lists them. */
const TOP_LEVEL = ['alarm', 'auth', 'check', 'compaction', 'completion', 'defrag', 'del', 'downgrade', 'elect', 'endpoint', 'get', 'help', 'lease', 'lock', 'make-mirror', 'member', 'move-leader', 'put', 'role', 'snapshot', 'txn', 'user', 'version', 'watch'];
const NESTED = ['alarm disarm', 'lease keep-alive', 'lease timetolive', 'member add', 'member list', 'endpoint health', 'snapshot save', 'user add', 'user grant-role', 'role revoke-permission'];
const WRITE_OUT = 'fields json protobuf simple table';

async function script(shell: string): Promise<string> {
  const r = await ctl(['completion', shell]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout;
}

describe('etcdctl completion: arguments', () => {
  it('wants exactly one shell name, in cobra words', async () => {
    const none = await ctl(['completion']);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /^Error: accepts 1 arg\(s\), received 0\n/);
    const two = await ctl(['completion', 'zsh', 'fish']);
    assert.match(two.stderr, /^Error: accepts 1 arg\(s\), received 2\n/);
    const bad = await ctl(['completion', 'tcsh']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^Error: invalid argument "tcsh" for "etcdctl completion"\n/);
  });

  it('prints a script for each of bash, zsh, fish and powershell', async () => {
    for (const shell of ['bash', 'zsh', 'fish', 'powershell']) {
      const s = await script(shell);
      assert.ok(s.length > 1000, `${shell} script is ${s.length} bytes`);
      assert.ok(s.startsWith(shell === 'zsh' ? '#compdef etcdctl\n' : `# ${shell} completion for etcdctl`), s.slice(0, 60));
    }
  });
});

describe('etcdctl completion zsh: the script', () => {
  it('defines _etcdctl, registers it with compdef and runs it when autoloaded', async () => {
    const s = await script('zsh');
    assert.match(s, /^_etcdctl\(\) \{$/m);
    assert.match(s, /^  compdef _etcdctl etcdctl$/m);
    assert.match(s, /^\s+_etcdctl "\$@"$/m);
  });

  it('describes every top-level command and has a function for every subcommand', async () => {
    const s = await script('zsh');
    for (const name of TOP_LEVEL) assert.match(s, new RegExp(`^ {8}'${name}:[^']+'$`, 'm'), `no ${name} in the subcommand list`);
    for (const p of NESTED) assert.match(s, new RegExp(`^_etcdctl__${p.replace(' ', '__')}\\(\\) \\{$`, 'm'), `no function for ${p}`);
    assert.match(s, /'get:Gets the key or a range of keys'/);
  });

  it('gives -w its values, TLS flags file names, and each command its own flags', async () => {
    const s = await script('zsh');
    assert.ok(s.includes(`'(-w --write-out)-w+[set the output format (fields, json, protobuf, simple, table)]:write-out:(${WRITE_OUT})'`));
    assert.ok(s.includes(`'(-w --write-out)--write-out=[set the output format (fields, json, protobuf, simple, table)]:write-out:(${WRITE_OUT})'`));
    for (const f of ['cacert', 'cert', 'key']) assert.match(s, new RegExp(`'--${f}=\\[[^\\]]+\\]:${f}:_files'`));
    const get = s.slice(s.indexOf('_etcdctl__get() {'), s.indexOf('_etcdctl__help() {'));
    assert.ok(get.includes("'--prefix[Get keys with matching prefix]'"));
    assert.ok(get.includes("'--order=[Order of results; ASCEND or DESCEND (ASCEND by default)]:order:(ASCEND DESCEND)'"));
    assert.ok(get.includes('"${_etcdctl_common_flags[@]}"'));
    assert.ok(!get.includes('--peer-urls'), 'member add flags leak into get');
    // Brackets and quotes in descriptions are escaped for _arguments and the shell.
    assert.ok(s.includes("'--user=[username\\[\\:password\\] for authentication (prompt if password is not supplied)]:user:'"));
    assert.ok(s.includes("--user option shouldn'\\''t include password"));
  });
});

describe('etcdctl completion fish: the script', () => {
  it('completes every top-level command at the top only, with its description', async () => {
    const s = await script('fish');
    for (const name of TOP_LEVEL) assert.match(s, new RegExp(`^complete -c etcdctl -n '__etcdctl_at ""' -a '${name}' -d '[^']+'$`, 'm'), `no rule for ${name}`);
    assert.match(s, /^complete -c etcdctl -n '__etcdctl_at "user"' -a 'grant-role' -d 'Grants a role to a user'$/m);
    assert.match(s, /^function __etcdctl_command_path$/m);
    assert.match(s, /^function __etcdctl_at$/m);
  });

  it('gives -w its values, TLS flags file names, local flags only where they belong', async () => {
    const s = await script('fish');
    assert.match(s, new RegExp(`^complete -c etcdctl -s w -l write-out -x -a '${WRITE_OUT}' -d 'set the output format`, 'm'));
    for (const f of ['cacert', 'cert', 'key']) assert.match(s, new RegExp(`^complete -c etcdctl -l ${f} -r -F -d `, 'm'));
    assert.match(s, /^complete -c etcdctl -n '__etcdctl_at "get"' -l prefix -d 'Get keys with matching prefix'$/m);
    assert.match(s, /^complete -c etcdctl -n '__etcdctl_at "get" "member list"' -l consistency -x -a 'l s' -d /m);
    assert.match(s, /^complete -c etcdctl -n '__etcdctl_at "lease keep-alive"' -l once -d /m);
    assert.match(s, /^complete -c etcdctl -n '__etcdctl_at "completion"' -a 'powershell'$/m);
  });
});

describe('etcdctl completion powershell: the script', () => {
  it('registers a native completer holding the whole command tree', async () => {
    const s = await script('powershell');
    assert.match(s, /^Register-ArgumentCompleter -Native -CommandName 'etcdctl' -ScriptBlock \{$/m);
    for (const name of TOP_LEVEL) assert.match(s, new RegExp(`@\\{ Name = '${name}'; Description = '[^']+' \\}`), `no ${name}`);
    for (const p of NESTED) assert.match(s, new RegExp(`^ {8}'${p}' = @\\{$`, 'm'), `no entry for ${p}`);
    assert.ok(s.includes(`Long = '--write-out'; Short = '-w'; Description = 'set the output format (fields, json, protobuf, simple, table)'; TakesValue = $true; Values = @('fields', 'json', 'protobuf', 'simple', 'table'); Files = $false`));
    for (const f of ['cacert', 'cert', 'key']) assert.match(s, new RegExp(`Long = '--${f}'; Short = ''; Description = '[^']+'; TakesValue = \\$true; Values = @\\(\\); Files = \\$true`));
    assert.ok(s.includes("--user option shouldn''t include password"), 'single quotes are doubled');
  });

  it('is balanced: every brace and parenthesis outside strings is closed', async () => {
    const s = await script('powershell');
    const code = s
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('#'))
      .join('\n')
      .replace(/'(?:[^']|'')*'/g, "''");
    const stack: string[] = [];
    const pairs: Record<string, string> = { '}': '{', ')': '(' };
    for (const ch of code) {
      if (ch === '{' || ch === '(') stack.push(ch);
      else if (ch === '}' || ch === ')') assert.equal(stack.pop(), pairs[ch], 'unbalanced');
    }
    assert.deepEqual(stack, []);
  });
});

// bash is on every machine this project runs on: drive the bash script for real.
describe('etcdctl completion bash: in bash', { skip: existsSync('/bin/bash') ? false : 'no /bin/bash here' }, () => {
  it('completes commands, subcommands, flags and -w values', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'etcdctl-bash-'));
    try {
      const file = path.join(dir, 'etcdctl.bash');
      writeFileSync(file, await script('bash'));
      const complete = (...words: string[]) => {
        const r = spawnSync('/bin/bash', ['--norc', '--noprofile', '-c', 'source "$0"; COMP_WORDS=("${@}"); COMP_CWORD=$(( $# - 1 )); __etcdctl_complete; printf "%s\\n" "${COMPREPLY[@]}"', file, ...words], { encoding: 'utf8', timeout: 20_000 });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.split('\n').filter(Boolean);
      };
      assert.deepEqual(complete('etcdctl', 'ge'), ['get']);
      assert.deepEqual(complete('etcdctl', '--endpoints', 'x', 'lease', 'k'), ['keep-alive']);
      assert.deepEqual(complete('etcdctl', '-w', ''), WRITE_OUT.split(' '));
      assert.deepEqual(complete('etcdctl', 'get', '--pr'), ['--prefix', '--print-value-only']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
