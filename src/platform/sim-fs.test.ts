import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimFileSystem } from './sim-fs.ts';
import { bytesToString, isFsError } from './filesystem.ts';
import { fileSystemConformance } from './filesystem-conformance.ts';

test('a file written and fsynced in a synced directory survives a crash', () => {
  const fs = new SimFileSystem();
  fs.mkdir('/data/wal', { recursive: true });
  fs.fsync('/');
  fs.fsync('/data');
  fs.writeFile('/data/wal/0.wal', 'entry-1\n');
  fs.fsync('/data/wal/0.wal');
  fs.fsync('/data/wal');
  fs.appendFile('/data/wal/0.wal', 'entry-2\n');
  fs.crash();
  assert.equal(bytesToString(fs.readFile('/data/wal/0.wal')), 'entry-1\n');
});

test('an entry never made durable in its directory vanishes on crash', () => {
  const fs = new SimFileSystem();
  fs.mkdir('/d');
  fs.fsync('/');
  fs.writeFile('/d/x', 'hello');
  fs.fsync('/d/x');
  fs.crash();
  assert.equal(fs.exists('/d'), true);
  assert.equal(fs.exists('/d/x'), false);
});

test('rename is atomic and durable once the directory is synced', () => {
  const fs = new SimFileSystem();
  fs.writeFile('/snap', 'old');
  fs.fsync('/snap');
  fs.fsync('/');
  fs.writeFile('/snap.tmp', 'new');
  fs.fsync('/snap.tmp');
  fs.rename('/snap.tmp', '/snap');
  assert.equal(bytesToString(fs.readFile('/snap')), 'new');
  fs.crash();
  assert.equal(bytesToString(fs.readFile('/snap')), 'old', 'rename not synced: old content');
  fs.writeFile('/snap.tmp', 'new');
  fs.fsync('/snap.tmp');
  fs.rename('/snap.tmp', '/snap');
  fs.fsync('/');
  fs.crash();
  assert.equal(bytesToString(fs.readFile('/snap')), 'new');
  assert.equal(fs.exists('/snap.tmp'), false);
});

test('errors carry errno codes and Go wording', () => {
  const fs = new SimFileSystem();
  assert.throws(() => fs.readFile('/nope'), (e) => isFsError(e, 'ENOENT') && e.goMessage() === 'open /nope: no such file or directory');
  fs.mkdir('/a');
  assert.throws(() => fs.mkdir('/a'), (e) => isFsError(e, 'EEXIST'));
  fs.writeFile('/a/f', 'x');
  assert.throws(() => fs.rmdir('/a'), (e) => isFsError(e, 'ENOTEMPTY'));
  assert.throws(() => fs.readdir('/a/f'), (e) => isFsError(e, 'ENOTDIR'));
});

test('a full disk refuses writes with ENOSPC and keeps what it had', () => {
  const fs = new SimFileSystem(() => 0, 10);
  fs.writeFile('/a', '12345');
  assert.throws(() => fs.appendFile('/a', '1234567'), (e) => isFsError(e, 'ENOSPC'));
  assert.equal(bytesToString(fs.readFile('/a')), '12345');
});

fileSystemConformance('SimFileSystem', () => new SimFileSystem());
