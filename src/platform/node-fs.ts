// The FileSystem over node:fs, for real mode. Paths are absolute; `root` maps '/' onto a
// real directory (tests use a temp dir; real mode uses '' = the real root).
import fs from 'node:fs';
import { FsError, type FileStat, type FileSystem, type FsErrorCode } from './filesystem.ts';

const CODES = new Set<FsErrorCode>(['ENOENT', 'EEXIST', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'ENOTEMPTY', 'ENOSPC', 'EINVAL', 'EXDEV', 'EMFILE', 'EFBIG']);

function wrap<T>(syscall: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code as FsErrorCode | undefined;
    if (code && CODES.has(code)) throw new FsError(code, syscall, path);
    throw e;
  }
}

export class NodeFileSystem implements FileSystem {
  constructor(private readonly root = '') {}

  private p(path: string): string {
    return this.root + path;
  }

  readFile(path: string): Uint8Array {
    return wrap('open', path, () => new Uint8Array(fs.readFileSync(this.p(path))));
  }
  writeFile(path: string, data: Uint8Array | string, opts?: { mode?: number }): void {
    wrap('open', path, () => fs.writeFileSync(this.p(path), data, { mode: opts?.mode ?? 0o644 }));
  }
  appendFile(path: string, data: Uint8Array | string, opts?: { mode?: number }): void {
    wrap('open', path, () => fs.appendFileSync(this.p(path), data, { mode: opts?.mode ?? 0o644 }));
  }
  fsync(path: string): void {
    wrap('fsync', path, () => {
      const fd = fs.openSync(this.p(path), 'r');
      try {
        fs.fsyncSync(fd);
      } catch (e) {
        // Some platforms refuse fsync on directories; the entry is as durable as it gets.
        if ((e as NodeJS.ErrnoException).code !== 'EINVAL' && (e as NodeJS.ErrnoException).code !== 'EISDIR') throw e;
      } finally {
        fs.closeSync(fd);
      }
    });
  }
  rename(from: string, to: string): void {
    wrap('rename', from, () => fs.renameSync(this.p(from), this.p(to)));
  }
  unlink(path: string): void {
    wrap('unlink', path, () => {
      if (fs.lstatSync(this.p(path)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      fs.unlinkSync(this.p(path));
    });
  }
  mkdir(path: string, opts?: { recursive?: boolean; mode?: number }): void {
    wrap('mkdir', path, () => {
      if (opts?.recursive && fs.existsSync(this.p(path))) {
        if (!fs.statSync(this.p(path)).isDirectory()) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
        return;
      }
      fs.mkdirSync(this.p(path), { recursive: opts?.recursive ?? false, mode: opts?.mode ?? 0o755 });
    });
  }
  rmdir(path: string, opts?: { recursive?: boolean }): void {
    wrap('rmdir', path, () => {
      if (!fs.statSync(this.p(path)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      if (opts?.recursive) fs.rmSync(this.p(path), { recursive: true });
      else fs.rmdirSync(this.p(path));
    });
  }
  readdir(path: string): string[] {
    return wrap('open', path, () => fs.readdirSync(this.p(path)).sort());
  }
  stat(path: string): FileStat {
    return wrap('stat', path, () => {
      const s = fs.lstatSync(this.p(path));
      return {
        type: s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : 'file',
        size: s.size,
        mode: s.mode & 0o7777,
        uid: s.uid,
        gid: s.gid,
        mtimeMs: s.mtimeMs,
      };
    });
  }
  exists(path: string): boolean {
    return fs.existsSync(this.p(path));
  }
  chmod(path: string, mode: number): void {
    wrap('chmod', path, () => fs.chmodSync(this.p(path), mode));
  }
}
