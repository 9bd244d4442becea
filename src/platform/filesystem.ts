// The disk, handed in. Synchronous on purpose: every implementation (in-memory
// simulation, the sandbox's virtual disk, node:fs in real mode) can be, and it keeps
// the WAL and the shell free of interleavings that the simulation would have to model.

export type FileType = 'file' | 'dir' | 'symlink';

export interface FileStat {
  type: FileType;
  size: number;
  /** Permission bits, e.g. 0o644 (without the file-type bits). */
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
}

/** errno-style codes, as Linux names them. */
export type FsErrorCode =
  | 'ENOENT'
  | 'EEXIST'
  | 'ENOTDIR'
  | 'EISDIR'
  | 'EACCES'
  | 'EPERM'
  | 'ENOTEMPTY'
  | 'ENOSPC'
  | 'EINVAL'
  | 'EXDEV'
  | 'EMFILE'
  | 'EFBIG';

const DESCRIPTIONS: Record<FsErrorCode, string> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'file exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTEMPTY: 'directory not empty',
  ENOSPC: 'no space left on device',
  EINVAL: 'invalid argument',
  EXDEV: 'invalid cross-device link',
  EMFILE: 'too many open files',
  EFBIG: 'file too large',
};

/** Capitalised strerror text as coreutils prints it ("No such file or directory"). */
export function strerror(code: FsErrorCode): string {
  const d = DESCRIPTIONS[code];
  return d.charAt(0).toUpperCase() + d.slice(1);
}

export class FsError extends Error {
  constructor(
    readonly code: FsErrorCode,
    readonly syscall: string,
    readonly path: string,
  ) {
    super(`${code}: ${DESCRIPTIONS[code]}, ${syscall} '${path}'`);
    this.name = 'FsError';
  }
  /** The way Go's os package words it: "open /x: no such file or directory". */
  goMessage(): string {
    return `${this.syscall} ${this.path}: ${DESCRIPTIONS[this.code]}`;
  }
  /** The way coreutils words the reason: "No such file or directory". */
  reason(): string {
    return strerror(this.code);
  }
}

export function isFsError(e: unknown, code?: FsErrorCode): e is FsError {
  return e instanceof FsError && (code === undefined || e.code === code);
}

/**
 * A POSIX-like filesystem with absolute, '/'-separated paths.
 * Errors are thrown as FsError. Durability: data becomes durable on fsync(file);
 * creating, renaming or removing an entry becomes durable on fsync(parent dir).
 * (SimFileSystem.crash() drops whatever was not made durable.)
 */
export interface FileSystem {
  readFile(path: string): Uint8Array;
  /** Creates or truncates. mode applies only when the file is created. */
  writeFile(path: string, data: Uint8Array | string, opts?: { mode?: number }): void;
  appendFile(path: string, data: Uint8Array | string, opts?: { mode?: number }): void;
  /** Makes a file's content, or a directory's entries, durable. */
  fsync(path: string): void;
  /** Atomically replaces `to` with `from`. */
  rename(from: string, to: string): void;
  unlink(path: string): void;
  mkdir(path: string, opts?: { recursive?: boolean; mode?: number }): void;
  /** Removes a directory; with recursive, its contents too (like rm -r). */
  rmdir(path: string, opts?: { recursive?: boolean }): void;
  /** Entry names, sorted. */
  readdir(path: string): string[];
  /** Throws ENOENT when missing. */
  stat(path: string): FileStat;
  exists(path: string): boolean;
  chmod(path: string, mode: number): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const toBytes = (d: Uint8Array | string): Uint8Array => (typeof d === 'string' ? encoder.encode(d) : d);
export const bytesToString = (b: Uint8Array): string => decoder.decode(b);

/** Joins and normalises path segments ('.', '..', duplicate slashes). */
export function resolvePath(base: string, p: string): string {
  const parts = (p.startsWith('/') ? p : `${base}/${p}`).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

export function basename(p: string): string {
  const trimmed = p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
