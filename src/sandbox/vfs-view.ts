// The disk as one process sees it: a FileSystem bound to that process's credentials,
// plus the calls coreutils need beyond the shared FileSystem contract (lstat, chown,
// symlinks, utimes, access). Commands get ctx.fs typed as FileSystem; they reach the
// extra calls through sandboxFs(ctx.fs), which also adapts a plain FileSystem.
import { FsError, type FileStat, type FileSystem } from '../platform/filesystem.ts';
import type { Credentials } from './types.ts';
import type { DiskUsage, VfsKernel, VfsStat } from './vfs-kernel.ts';

export interface SandboxFileSystem extends FileSystem {
  /** Whose permissions apply (null: none, the kernel's view). */
  readonly cred: Credentials | null;
  stat(path: string): VfsStat;
  /** Like stat, but a symlink is described rather than followed. */
  lstat(path: string): VfsStat;
  readlink(path: string): string;
  symlink(target: string, path: string): void;
  /** The path with every symlink, '.' and '..' resolved; ENOENT when it does not exist. */
  realpath(path: string): string;
  /** uid or gid -1 leaves it unchanged. */
  chown(path: string, uid: number, gid: number, opts?: { noFollow?: boolean }): void;
  utimes(path: string, atimeMs: number, mtimeMs: number): void;
  /** access(2): may the caller read (4), write (2), execute/search (1) it? False when missing. */
  access(path: string, mode: number): boolean;
  usage(): DiskUsage;
}

export class VfsView implements SandboxFileSystem {
  constructor(
    readonly vfs: VfsKernel,
    readonly cred: Credentials | null,
  ) {}

  readFile(path: string): Uint8Array {
    return this.vfs.readFile(path, this.cred);
  }
  writeFile(path: string, data: Uint8Array | string, opts?: { mode?: number }): void {
    this.vfs.writeFile(path, data, this.cred, { mode: opts?.mode });
  }
  appendFile(path: string, data: Uint8Array | string, opts?: { mode?: number }): void {
    this.vfs.writeFile(path, data, this.cred, { mode: opts?.mode, append: true });
  }
  fsync(path: string): void {
    this.vfs.lookup(path, this.cred, true, 'fsync');
  }
  rename(from: string, to: string): void {
    this.vfs.rename(from, to, this.cred);
  }
  unlink(path: string): void {
    this.vfs.unlink(path, this.cred);
  }
  mkdir(path: string, opts?: { recursive?: boolean; mode?: number }): void {
    this.vfs.mkdir(path, this.cred, opts);
  }
  rmdir(path: string, opts?: { recursive?: boolean }): void {
    this.vfs.rmdir(path, this.cred, opts);
  }
  readdir(path: string): string[] {
    return this.vfs.readdir(path, this.cred);
  }
  stat(path: string): VfsStat {
    return this.vfs.stat(path, this.cred, true);
  }
  lstat(path: string): VfsStat {
    return this.vfs.stat(path, this.cred, false);
  }
  exists(path: string): boolean {
    try {
      this.vfs.lookup(path, this.cred, true, 'stat');
      return true;
    } catch {
      return false;
    }
  }
  chmod(path: string, mode: number): void {
    this.vfs.chmod(path, mode, this.cred);
  }
  chown(path: string, uid: number, gid: number, opts?: { noFollow?: boolean }): void {
    this.vfs.chown(path, uid, gid, this.cred, !opts?.noFollow);
  }
  utimes(path: string, atimeMs: number, mtimeMs: number): void {
    this.vfs.utimes(path, atimeMs, mtimeMs, this.cred);
  }
  readlink(path: string): string {
    return this.vfs.readlink(path, this.cred);
  }
  symlink(target: string, path: string): void {
    this.vfs.symlink(target, path, this.cred);
  }
  realpath(path: string): string {
    const w = this.vfs.walk(path, this.cred, true, 'realpath');
    if (!w.node) throw new FsError('ENOENT', 'realpath', path);
    return w.path;
  }
  access(path: string, mode: number): boolean {
    try {
      const n = this.vfs.lookup(path, this.cred, true, 'access');
      return mayAccessBits(n, this.cred, mode);
    } catch {
      return false;
    }
  }
  usage(): DiskUsage {
    return this.vfs.usage();
  }
}

// Same rule as vfs.ts's mayAccess, repeated here because vfs.ts imports this module: importing it back would be a cycle.
function mayAccessBits(node: { type: string; mode: number; uid: number; gid: number }, cred: Credentials | null, want: number): boolean {
  if (cred === null) return true;
  if (cred.uid === 0) return !(want & 1) || node.type === 'dir' || (node.mode & 0o111) !== 0;
  let bits: number;
  if (cred.uid === node.uid) bits = node.mode >> 6;
  else if (cred.gid === node.gid || cred.groups.includes(node.gid)) bits = node.mode >> 3;
  else bits = node.mode;
  return (bits & want) === want;
}

/** The extended calls for any FileSystem: the Vfs view itself, or an adapter over a plain FileSystem (real mode, tests). */
export function sandboxFs(fs: FileSystem): SandboxFileSystem {
  if (fs instanceof VfsView) return fs;
  return new PlainFsAdapter(fs);
}

function toVfsStat(s: FileStat): VfsStat {
  return { ...s, ino: 0, nlink: s.type === 'dir' ? 2 : 1, atimeMs: s.mtimeMs, ctimeMs: s.mtimeMs, blocks: Math.ceil(s.size / 4096) * 8 };
}

class PlainFsAdapter implements SandboxFileSystem {
  readonly cred = null;
  constructor(private readonly fs: FileSystem) {}
  readFile = (p: string) => this.fs.readFile(p);
  writeFile = (p: string, d: Uint8Array | string, o?: { mode?: number }) => this.fs.writeFile(p, d, o);
  appendFile = (p: string, d: Uint8Array | string, o?: { mode?: number }) => this.fs.appendFile(p, d, o);
  fsync = (p: string) => this.fs.fsync(p);
  rename = (a: string, b: string) => this.fs.rename(a, b);
  unlink = (p: string) => this.fs.unlink(p);
  mkdir = (p: string, o?: { recursive?: boolean; mode?: number }) => this.fs.mkdir(p, o);
  rmdir = (p: string, o?: { recursive?: boolean }) => this.fs.rmdir(p, o);
  readdir = (p: string) => this.fs.readdir(p);
  exists = (p: string) => this.fs.exists(p);
  chmod = (p: string, m: number) => this.fs.chmod(p, m);
  stat = (p: string) => toVfsStat(this.fs.stat(p));
  lstat = (p: string) => toVfsStat(this.fs.stat(p));
  readlink(p: string): string {
    throw new FsError('EINVAL', 'readlink', p);
  }
  symlink(_t: string, p: string): void {
    throw new FsError('EPERM', 'symlink', p);
  }
  realpath(p: string): string {
    this.fs.stat(p);
    return p;
  }
  chown(p: string): void {
    throw new FsError('EPERM', 'chown', p);
  }
  utimes(p: string): void {
    this.fs.stat(p);
  }
  access(p: string): boolean {
    return this.fs.exists(p);
  }
  usage(): DiskUsage {
    return { usedBytes: 0, usedInodes: 0, diskBytes: Number.MAX_SAFE_INTEGER, inodes: Number.MAX_SAFE_INTEGER };
  }
}
