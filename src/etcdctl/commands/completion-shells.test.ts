// The zsh and fish scripts loaded into the real shells (Debian's zsh and fish packages), asked
// to complete command lines: what a user pressing Tab would be offered. Skipped, saying so,
// where the shell is not installed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ctl } from '../test-support.ts';

const ZSH = '/usr/bin/zsh';
const FISH = '/usr/bin/fish';
const WRITE_OUT = ['fields', 'json', 'protobuf', 'simple', 'table'];
const USER_SUBCOMMANDS = ['add', 'delete', 'get', 'grant-role', 'list', 'passwd', 'revoke-role'];

let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'etcdctl-completion-'));
  // A working directory with known files, for the file-name completions.
  mkdirSync(path.join(dir, 'work'));
  for (const f of ['ca.pem', 'client.key', 'backup.db']) writeFileSync(path.join(dir, 'work', f), '');
  for (const shell of ['zsh', 'fish']) {
    const r = await ctl(['completion', shell]);
    assert.equal(r.status, 0, r.stderr);
    mkdirSync(path.join(dir, shell));
    writeFileSync(path.join(dir, shell, shell === 'zsh' ? '_etcdctl' : 'etcdctl.fish'), r.stdout);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** zsh-completion-driver.zsh, beside this file, says how zsh is driven. */
const ZSH_DRIVER = fileURLToPath(new URL('./zsh-completion-driver.zsh', import.meta.url));

interface Completed {
  candidates: string[];
  line: string;
}

function zshComplete(mode: 'source' | 'fpath', lines: string[]): Completed[] {
  const out = mkdtempSync(path.join(dir, 'zsh-run-'));
  const r = spawnSync(ZSH, ['-f', ZSH_DRIVER, mode, path.join(dir, 'zsh', '_etcdctl'), out, ...lines], { cwd: path.join(dir, 'work'), encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `zsh driver: ${r.stderr}`);
  return lines.map((l, i) => {
    const file = (name: string) => path.join(out, `${name}.${i + 1}`);
    assert.ok(existsSync(file('done')), `zsh did not finish completing ${JSON.stringify(l)}`);
    return { candidates: readFileSync(file('out'), 'utf8').split('\n').filter(Boolean), line: readFileSync(file('buffer'), 'utf8').replace(/\n$/, '') };
  });
}

describe('etcdctl completion zsh: in zsh', { skip: existsSync(ZSH) ? false : `${ZSH} is not installed (apt-get install zsh)` }, () => {
  it('sourced after compinit: commands, subcommands, flags, -w values, file names', () => {
    const [ge, user, nestedUser, w, wEq, getPr, cacert, order, completion, keepAlive, snapshot] = zshComplete('source', [
      'etcdctl ge',
      'etcdctl user ',
      'etcdctl --endpoints=x --user root user ',
      'etcdctl -w ',
      'etcdctl --write-out=js',
      'etcdctl get --pr',
      'etcdctl --cacert ca',
      'etcdctl get --order ',
      'etcdctl completion ',
      'etcdctl -w json lease keep-alive --o',
      'etcdctl snapshot save back',
    ]);
    assert.deepEqual(ge!.candidates, ['get']);
    assert.equal(ge!.line, 'etcdctl get ');
    assert.deepEqual(user!.candidates.sort(), USER_SUBCOMMANDS);
    assert.deepEqual(nestedUser!.candidates.sort(), USER_SUBCOMMANDS, 'flag values before the command are stepped over');
    assert.deepEqual(w!.candidates.sort(), WRITE_OUT);
    assert.equal(wEq!.line, 'etcdctl --write-out=json ');
    assert.deepEqual(getPr!.candidates.sort(), ['--prefix', '--print-value-only']);
    assert.equal(cacert!.line, 'etcdctl --cacert ca.pem ');
    assert.deepEqual(order!.candidates.sort(), ['ASCEND', 'DESCEND']);
    assert.deepEqual(completion!.candidates.sort(), ['bash', 'fish', 'powershell', 'zsh']);
    assert.equal(keepAlive!.line, 'etcdctl -w json lease keep-alive --once ');
    assert.equal(snapshot!.line, 'etcdctl snapshot save backup.db ');
  });

  it('autoloaded from $fpath as _etcdctl, on the first Tab and the ones after', () => {
    const [first, again, flags] = zshComplete('fpath', ['etcdctl mem', 'etcdctl member ', 'etcdctl member add --']);
    assert.equal(first!.line, 'etcdctl member ');
    assert.deepEqual(again!.candidates.sort(), ['add', 'list', 'promote', 'remove', 'update']);
    for (const f of ['--learner', '--peer-urls', '--endpoints', '--write-out', '--help']) assert.ok(flags!.candidates.includes(f), `${f} missing from ${flags!.candidates.join(' ')}`);
    assert.ok(!flags!.candidates.includes('--prefix'), 'get flags leak into member add');
  });
});

function fishComplete(line: string): string[] {
  const script = path.join(dir, 'fish', 'etcdctl.fish');
  const r = spawnSync(FISH, ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', script, line], { cwd: path.join(dir, 'work'), encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `fish: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return r.stdout.split('\n').filter(Boolean);
}

const names = (rows: string[]) => rows.map((r) => r.split('\t')[0]!).sort();

describe('etcdctl completion fish: in fish', { skip: existsSync(FISH) ? false : `${FISH} is not installed (apt-get install fish)` }, () => {
  it('completes commands with their descriptions, and subcommands by command path', () => {
    assert.deepEqual(fishComplete('etcdctl ge'), ['get\tGets the key or a range of keys']);
    assert.deepEqual(names(fishComplete('etcdctl user ')), USER_SUBCOMMANDS);
    assert.deepEqual(names(fishComplete('etcdctl --user root user ')), USER_SUBCOMMANDS, 'the value of --user is not a command');
    assert.deepEqual(names(fishComplete('etcdctl help us')), ['user']);
    assert.deepEqual(names(fishComplete('etcdctl completion ')), ['bash', 'fish', 'powershell', 'zsh']);
  });

  it('completes flags of the command at the cursor only', () => {
    assert.deepEqual(names(fishComplete('etcdctl get --pr')), ['--prefix', '--print-value-only']);
    assert.deepEqual(names(fishComplete('etcdctl user get --pr')), [], 'get flags leak into user get');
    assert.ok(names(fishComplete('etcdctl user get --')).includes('--endpoints'));
    assert.deepEqual(names(fishComplete('etcdctl -w json lease keep-alive --o')), ['--once']);
  });

  it('completes -w values, and file names for TLS files and snapshot save', () => {
    assert.deepEqual(names(fishComplete('etcdctl -w ')), WRITE_OUT);
    assert.deepEqual(names(fishComplete('etcdctl --write-out=js')), ['--write-out=json']);
    assert.deepEqual(names(fishComplete('etcdctl --cacert c')), ['ca.pem', 'client.key']);
    assert.deepEqual(names(fishComplete('etcdctl snapshot save b')), ['backup.db']);
    assert.deepEqual(names(fishComplete('etcdctl us')), ['user'], 'no file names where a command is due');
  });
});
