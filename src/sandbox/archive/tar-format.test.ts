import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { gunzip, gzip, GzipError } from './gzip.ts';
import { readTar, writeTar, type TarEntry } from './tar-format.ts';

const enc = new TextEncoder();
const common = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: 1_750_000_000 };
const sample: TarEntry[] = [
  { ...common, name: 'top/', type: 'dir', mode: 0o755 },
  { ...common, name: 'top/bin', type: 'file', mode: 0o755, data: enc.encode('#!hardway-lab/program etcd 3.6.4\n') },
  { ...common, name: `top/${'long-directory-name/'.repeat(8)}file.txt`, type: 'file', mode: 0o644, data: enc.encode('deep\n') },
  { ...common, name: 'top/link', type: 'symlink', mode: 0o777, linkname: 'bin' },
];

it('round-trips entries, long names and symlinks', () => {
  const { entries, error } = readTar(gunzip(gzip(writeTar(sample))));
  assert.equal(error, undefined);
  assert.deepEqual(entries.map((e) => [e.name, e.type, e.mode, e.linkname ?? null]), sample.map((e) => [e.name, e.type, e.mode, e.linkname ?? null]));
  assert.equal(new TextDecoder().decode(entries[1]!.data), '#!hardway-lab/program etcd 3.6.4\n');
});

it('writes archives GNU tar reads, and reads what GNU tar writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tarfmt-'));
  writeFileSync(join(dir, 'ours.tar.gz'), gzip(writeTar(sample)));
  const listing = execFileSync('tar', ['tzvf', join(dir, 'ours.tar.gz'), '--numeric-owner'], { encoding: 'utf8' });
  assert.match(listing, /^drwxr-xr-x 0\/0 +0 \d{4}-\d\d-\d\d \d\d:\d\d top\/$/m);
  assert.match(listing, /^-rwxr-xr-x 0\/0 +33 .* top\/bin$/m);
  assert.match(listing, /long-directory-name\/file\.txt$/m);
  assert.match(listing, /^lrwxrwxrwx .* top\/link -> bin$/m);
  execFileSync('sh', ['-c', `cd ${dir} && mkdir -p src/sub && printf hello > src/sub/a && tar czf theirs.tgz src`]);
  const { entries } = readTar(gunzip(new Uint8Array(readFileSync(join(dir, 'theirs.tgz')))));
  assert.deepEqual(entries.map((e) => e.name), ['src/', 'src/sub/', 'src/sub/a']);
  assert.equal(new TextDecoder().decode(entries[2]!.data), 'hello');
});

it('says what is wrong with bytes that are not an archive', () => {
  assert.equal(readTar(enc.encode('hello, this is not tar'.padEnd(1024, 'x'))).error?.kind, 'not-tar');
  assert.equal(readTar(new Uint8Array(0)).error?.kind, 'not-tar');
  const full = writeTar(sample);
  const cut = readTar(full.subarray(0, 512 + 100));
  assert.equal(cut.error?.kind, 'truncated');
  assert.equal(cut.entries.length, 1);
  assert.throws(() => gunzip(enc.encode('plain text')), (e: unknown) => e instanceof GzipError && e.message === 'not in gzip format');
  assert.throws(() => gunzip(gzip(full).subarray(0, 30)), (e: unknown) => e instanceof GzipError && e.message === 'unexpected end of file');
});
