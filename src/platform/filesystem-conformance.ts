// The behaviour every FileSystem must share (SimFileSystem, the sandbox's Vfs, node:fs
// in real mode), as one suite each implementation runs from its own test file:
//   fileSystemConformance('SimFileSystem', () => new SimFileSystem());
// Errors are checked by code, since WAL recovery and the shell's messages depend on them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToString, isFsError, type FileSystem, type FsErrorCode } from './filesystem.ts';

function throwsCode(fn: () => unknown, code: FsErrorCode): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isFsError(e), `expected FsError ${code}, got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  });
}

const text = (fs: FileSystem, p: string) => bytesToString(fs.readFile(p));

/** Registers the suite under `describe(name)`. makeFs gives a fresh, empty filesystem whose root '/' exists. */
export function fileSystemConformance(name: string, makeFs: () => FileSystem): void {
  describe(`FileSystem conformance: ${name}`, () => {
    it('writes and reads back strings and bytes', () => {
      const fs = makeFs();
      fs.mkdir('/d');
      fs.writeFile('/d/a', 'hello');
      assert.equal(text(fs, '/d/a'), 'hello');
      fs.writeFile('/d/b', new Uint8Array([0, 1, 255]));
      assert.deepEqual([...fs.readFile('/d/b')], [0, 1, 255]);
    });

    it('hands out copies: changing a returned or written buffer leaves the file alone', () => {
      const fs = makeFs();
      const data = new Uint8Array([1, 2, 3]);
      fs.writeFile('/f', data);
      data[0] = 9;
      const read = fs.readFile('/f');
      read[1] = 9;
      assert.deepEqual([...fs.readFile('/f')], [1, 2, 3]);
    });

    it('truncates on write, appends on append, and append creates', () => {
      const fs = makeFs();
      fs.writeFile('/f', 'long content');
      fs.writeFile('/f', 'x');
      assert.equal(text(fs, '/f'), 'x');
      fs.appendFile('/f', 'yz');
      assert.equal(text(fs, '/f'), 'xyz');
      fs.appendFile('/g', 'new');
      assert.equal(text(fs, '/g'), 'new');
      assert.equal(fs.stat('/f').size, 3);
    });

    it('reports missing files, directories read as files and files used as directories', () => {
      const fs = makeFs();
      fs.mkdir('/d');
      fs.writeFile('/f', '');
      throwsCode(() => fs.readFile('/nope'), 'ENOENT');
      throwsCode(() => fs.readFile('/d'), 'EISDIR');
      throwsCode(() => fs.writeFile('/d', 'x'), 'EISDIR');
      throwsCode(() => fs.writeFile('/missing/f', 'x'), 'ENOENT');
      throwsCode(() => fs.writeFile('/f/g', 'x'), 'ENOTDIR');
      throwsCode(() => fs.readFile('/f/g'), 'ENOTDIR');
      throwsCode(() => fs.stat('/nope'), 'ENOENT');
    });

    it('stats type, size and modes (default 644 for files, 755 for directories)', () => {
      const fs = makeFs();
      fs.mkdir('/d');
      fs.writeFile('/d/f', 'abcd');
      fs.writeFile('/d/secret', 'k', { mode: 0o600 });
      const f = fs.stat('/d/f');
      assert.equal(f.type, 'file');
      assert.equal(f.size, 4);
      assert.equal(f.mode, 0o644);
      assert.equal(fs.stat('/d/secret').mode, 0o600);
      assert.equal(fs.stat('/d').type, 'dir');
      assert.equal(fs.stat('/d').mode, 0o755);
      fs.mkdir('/e', { mode: 0o700 });
      assert.equal(fs.stat('/e').mode, 0o700);
    });

    it('applies the create mode only when the file is created', () => {
      const fs = makeFs();
      fs.writeFile('/f', 'a', { mode: 0o600 });
      fs.writeFile('/f', 'b', { mode: 0o666 });
      assert.equal(fs.stat('/f').mode, 0o600);
    });

    it('chmods', () => {
      const fs = makeFs();
      fs.writeFile('/f', 'a');
      fs.chmod('/f', 0o755);
      assert.equal(fs.stat('/f').mode, 0o755);
      throwsCode(() => fs.chmod('/nope', 0o600), 'ENOENT');
    });

    it('makes directories, with and without recursive', () => {
      const fs = makeFs();
      fs.mkdir('/a');
      throwsCode(() => fs.mkdir('/a'), 'EEXIST');
      throwsCode(() => fs.mkdir('/x/y'), 'ENOENT');
      fs.mkdir('/x/y/z', { recursive: true });
      assert.equal(fs.stat('/x/y').type, 'dir');
      fs.mkdir('/x/y/z', { recursive: true });
      fs.writeFile('/file', '');
      throwsCode(() => fs.mkdir('/file/sub', { recursive: true }), 'ENOTDIR');
      throwsCode(() => fs.mkdir('/file'), 'EEXIST');
    });

    it('lists entries sorted, and refuses to list a file or a missing directory', () => {
      const fs = makeFs();
      fs.mkdir('/d');
      for (const n of ['b', 'a', 'c']) fs.writeFile(`/d/${n}`, n);
      fs.mkdir('/d/0sub');
      assert.deepEqual(fs.readdir('/d'), ['0sub', 'a', 'b', 'c']);
      throwsCode(() => fs.readdir('/d/a'), 'ENOTDIR');
      throwsCode(() => fs.readdir('/nope'), 'ENOENT');
    });

    it('renames files atomically over existing ones', () => {
      const fs = makeFs();
      fs.writeFile('/tmp-file', 'new');
      fs.writeFile('/target', 'old');
      fs.rename('/tmp-file', '/target');
      assert.equal(text(fs, '/target'), 'new');
      assert.equal(fs.exists('/tmp-file'), false);
      throwsCode(() => fs.rename('/nope', '/x'), 'ENOENT');
      throwsCode(() => fs.rename('/target', '/missing-dir/x'), 'ENOENT');
    });

    it('renames directories with their contents, and refuses the impossible renames', () => {
      const fs = makeFs();
      fs.mkdir('/a/b', { recursive: true });
      fs.writeFile('/a/b/f', 'x');
      fs.rename('/a', '/c');
      assert.equal(text(fs, '/c/b/f'), 'x');
      assert.equal(fs.exists('/a'), false);
      fs.writeFile('/file', '');
      throwsCode(() => fs.rename('/file', '/c'), 'EISDIR');
      throwsCode(() => fs.rename('/c', '/file'), 'ENOTDIR');
      fs.mkdir('/full');
      fs.writeFile('/full/x', '');
      throwsCode(() => fs.rename('/c', '/full'), 'ENOTEMPTY');
      fs.mkdir('/empty');
      fs.rename('/c', '/empty');
      assert.equal(text(fs, '/empty/b/f'), 'x');
    });

    it('unlinks files only', () => {
      const fs = makeFs();
      fs.mkdir('/d');
      fs.writeFile('/d/f', '');
      fs.unlink('/d/f');
      assert.equal(fs.exists('/d/f'), false);
      throwsCode(() => fs.unlink('/d/f'), 'ENOENT');
      throwsCode(() => fs.unlink('/d'), 'EISDIR');
    });

    it('removes directories: empty ones, or whole trees with recursive', () => {
      const fs = makeFs();
      fs.mkdir('/d/e', { recursive: true });
      fs.writeFile('/d/e/f', '');
      throwsCode(() => fs.rmdir('/d'), 'ENOTEMPTY');
      fs.rmdir('/d', { recursive: true });
      assert.equal(fs.exists('/d'), false);
      fs.writeFile('/f', '');
      throwsCode(() => fs.rmdir('/f'), 'ENOTDIR');
      throwsCode(() => fs.rmdir('/nope'), 'ENOENT');
      fs.mkdir('/empty');
      fs.rmdir('/empty');
      assert.equal(fs.exists('/empty'), false);
    });

    it('answers exists for files, directories and missing paths', () => {
      const fs = makeFs();
      fs.mkdir('/d');
      fs.writeFile('/d/f', '');
      assert.equal(fs.exists('/'), true);
      assert.equal(fs.exists('/d'), true);
      assert.equal(fs.exists('/d/f'), true);
      assert.equal(fs.exists('/d/g'), false);
      assert.equal(fs.exists('/d/f/g'), false);
    });

    it('fsyncs existing files and directories, and refuses missing ones', () => {
      const fs = makeFs();
      fs.mkdir('/d');
      fs.writeFile('/d/f', 'x');
      fs.fsync('/d/f');
      fs.fsync('/d');
      throwsCode(() => fs.fsync('/d/nope'), 'ENOENT');
    });

    it('moves mtime forward on write', () => {
      const fs = makeFs();
      fs.writeFile('/f', 'a');
      const before = fs.stat('/f').mtimeMs;
      fs.appendFile('/f', 'b');
      assert.ok(fs.stat('/f').mtimeMs >= before);
      assert.equal(typeof before, 'number');
    });

    it('refuses to append to a directory, and renaming a file onto itself changes nothing', () => {
      const fs = makeFs();
      fs.mkdir('/d');
      throwsCode(() => fs.appendFile('/d', 'x'), 'EISDIR');
      fs.writeFile('/f', 'same');
      fs.rename('/f', '/f');
      assert.equal(text(fs, '/f'), 'same');
      assert.deepEqual(fs.readdir('/'), ['d', 'f']);
    });

    it('normalises paths with duplicate slashes and dots', () => {
      const fs = makeFs();
      fs.mkdir('/a/b', { recursive: true });
      fs.writeFile('/a//b/./f', 'x');
      assert.equal(text(fs, '/a/b/f'), 'x');
      assert.equal(text(fs, '/a/b/../b/f'), 'x');
    });
  });
}
