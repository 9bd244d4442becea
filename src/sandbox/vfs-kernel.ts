// The disk's kernel side as a VfsView reaches it, and the stat and usage shapes both
// speak. A leaf module: vfs.ts creates VfsViews (so it imports vfs-view.ts), and
// vfs-view.ts needs the Vfs only through this interface, so the two never import
// each other. Vfs implements VfsKernel.
import type { FileStat } from '../platform/filesystem.ts';
import type { Credentials } from './types.ts';

export type DeviceKind = 'null' | 'zero' | 'random';

/** stat(2) as `ls -l` and `stat` need it. */
export interface VfsStat extends FileStat {
  ino: number;
  nlink: number;
  atimeMs: number;
  ctimeMs: number;
  /** 512-byte blocks, as du counts them (4 KiB allocation units). */
  blocks: number;
  /** Set for character devices: major and minor numbers (ls -l shows "1, 3"). */
  device?: { major: number; minor: number };
}

export interface DiskUsage {
  usedBytes: number;
  usedInodes: number;
  diskBytes: number;
  inodes: number;
}

/** An inode as far as permission checks look at it. */
export interface InodeOwnership {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  uid: number;
  gid: number;
}

/** Every call takes the caller's credentials (null = the kernel, no checks). */
export interface VfsKernel {
  /** Resolves a path; node is undefined when the last component does not exist. */
  walk(path: string, cred: Credentials | null, follow: boolean, syscall: string): { node: InodeOwnership | undefined; path: string };
  /** The node at path; ENOENT when missing. */
  lookup(path: string, cred: Credentials | null, follow: boolean, syscall: string): InodeOwnership;
  readFile(path: string, cred: Credentials | null): Uint8Array;
  writeFile(path: string, data: Uint8Array | string, cred: Credentials | null, opts?: { mode?: number; append?: boolean }): void;
  mkdir(path: string, cred: Credentials | null, opts?: { recursive?: boolean; mode?: number }): void;
  /** Makes a character device; the kernel's call (no credentials), used when a host is set up. */
  mknod(path: string, kind: DeviceKind, mode?: number): void;
  symlink(target: string, path: string, cred: Credentials | null): void;
  readlink(path: string, cred: Credentials | null): string;
  unlink(path: string, cred: Credentials | null): void;
  rmdir(path: string, cred: Credentials | null, opts?: { recursive?: boolean }): void;
  rename(from: string, to: string, cred: Credentials | null): void;
  readdir(path: string, cred: Credentials | null): string[];
  stat(path: string, cred: Credentials | null, follow?: boolean): VfsStat;
  chmod(path: string, mode: number, cred: Credentials | null): void;
  chown(path: string, uid: number, gid: number, cred: Credentials | null, follow?: boolean): void;
  utimes(path: string, atimeMs: number, mtimeMs: number, cred: Credentials | null): void;
  usage(): DiskUsage;
}
