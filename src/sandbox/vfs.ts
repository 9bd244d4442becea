// A host's virtual disk: an inode tree with owners, modes, symlinks and timestamps,
// and Linux's permission rules applied per caller. The Vfs itself is the kernel side
// (every operation takes the caller's credentials, null = the kernel, no checks);
// a VfsView binds one set of credentials and is what a process gets as ctx.fs.
import type { Clock } from '../platform/clock.ts';
import { FsError, resolvePath, toBytes } from '../platform/filesystem.ts';
import { DEFAULT_HOST_LIMITS } from './limits.ts';
import type { Credentials } from './types.ts';
import type { DeviceKind, DiskUsage, VfsKernel, VfsStat } from './vfs-kernel.ts';
import { VfsView } from './vfs-view.ts';

export { VfsView };
export type { DeviceKind, DiskUsage, VfsStat };

interface InodeBase {
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
}
export interface FileInode extends InodeBase {
  type: 'file';
  /** Content is buf[0, size); buf has room to grow so appends (a WAL, a log) are not quadratic. */
  buf: Uint8Array;
  size: number;
  /** A character device (/dev/null, /dev/zero, /dev/urandom): reads and writes do not touch data. */
  device?: DeviceKind;
  /** A kernel file such as /proc/meminfo: made afresh by each read, never written or removed (see mkgenerated). */
  generate?: () => string;
}

/** What one read of /dev/zero or /dev/urandom returns (a real read is as long as asked; ours is bounded). */
const DEVICE_READ_BYTES = 64 * 1024;
export interface DirInode extends InodeBase {
  type: 'dir';
  entries: Map<string, Inode>;
}
export interface SymlinkInode extends InodeBase {
  type: 'symlink';
  target: string;
}
export type Inode = FileInode | DirInode | SymlinkInode;

export interface VfsLimits {
  diskBytes: number;
  inodes: number;
  fileBytes: number;
}

export const R_OK = 4;
export const W_OK = 2;
export const X_OK = 1;
const STICKY = 0o1000;
const MAX_SYMLINKS = 40;

interface Walked {
  /** The directory holding the last component. */
  dir: DirInode;
  /** The last component ('' for '/'). */
  name: string;
  node: Inode | undefined;
  /** Canonical path of the result (symlinks resolved up to the last component). */
  path: string;
}

/** True when cred may access node with the wanted bits (R_OK|W_OK|X_OK). Root passes, except x on a file no one may execute. */
export function mayAccess(node: Inode, cred: Credentials | null, want: number): boolean {
  if (cred === null) return true;
  if (cred.uid === 0) return !(want & X_OK) || node.type === 'dir' || (node.mode & 0o111) !== 0;
  let bits: number;
  if (cred.uid === node.uid) bits = node.mode >> 6;
  else if (cred.gid === node.gid || cred.groups.includes(node.gid)) bits = node.mode >> 3;
  else bits = node.mode;
  return (bits & want) === want;
}

export class Vfs implements VfsKernel {
  root: DirInode;
  private nextIno = 2;
  private usedBytes = 0;
  private usedInodes = 1;

  constructor(
    readonly clock: Clock,
    readonly limits: VfsLimits = DEFAULT_HOST_LIMITS,
  ) {
    const t = clock.now();
    this.root = { type: 'dir', ino: 1, mode: 0o755, uid: 0, gid: 0, atimeMs: t, mtimeMs: t, ctimeMs: t, entries: new Map() };
  }

  /** The disk as a process with these credentials sees it (null: no checks, the kernel/root view). */
  view(cred: Credentials | null): VfsView {
    return new VfsView(this, cred);
  }

  usage(): DiskUsage {
    return { usedBytes: this.usedBytes, usedInodes: this.usedInodes, diskBytes: this.limits.diskBytes, inodes: this.limits.inodes };
  }

  // ---- lookups -------------------------------------------------------------------

  /**
   * Walks an absolute path, checking search permission on every directory passed.
   * Symlinks are followed in the middle always, and at the end when `follow`.
   */
  walk(path: string, cred: Credentials | null, follow: boolean, syscall: string): Walked {
    if (!path.startsWith('/')) throw new FsError('EINVAL', syscall, path);
    // '..' is resolved physically, as the kernel does: /bin/../etc is /usr/etc when /bin -> usr/bin.
    let queue = path.split('/').filter((p) => p !== '' && p !== '.');
    let cur: DirInode = this.root;
    let curPath: string[] = [];
    const stack: DirInode[] = [];
    let links = 0;
    if (queue.length === 0) return { dir: this.root, name: '', node: this.root, path: '/' };
    for (;;) {
      const name = queue.shift()!;
      if (name === '..') {
        cur = stack.pop() ?? this.root;
        curPath.pop();
        if (queue.length === 0) return { dir: stack[stack.length - 1] ?? this.root, name: curPath[curPath.length - 1] ?? '', node: cur, path: '/' + curPath.join('/') };
        continue;
      }
      if (!mayAccess(cur, cred, X_OK)) throw new FsError('EACCES', syscall, path);
      const child = cur.entries.get(name);
      const last = queue.length === 0;
      if (child?.type === 'symlink' && (!last || follow)) {
        if (++links > MAX_SYMLINKS) throw new FsError('EINVAL', syscall, path);
        const target = child.target.split('/').filter((p) => p !== '' && p !== '.');
        if (child.target.startsWith('/')) {
          cur = this.root;
          curPath = [];
          stack.length = 0;
        }
        queue = [...target, ...queue];
        if (queue.length === 0) return { dir: stack[stack.length - 1] ?? this.root, name: curPath[curPath.length - 1] ?? '', node: cur, path: '/' + curPath.join('/') };
        continue;
      }
      if (last) return { dir: cur, name, node: child, path: '/' + [...curPath, name].join('/') };
      if (!child) throw new FsError('ENOENT', syscall, path);
      if (child.type !== 'dir') throw new FsError('ENOTDIR', syscall, path);
      stack.push(cur);
      cur = child;
      curPath.push(name);
    }
  }

  /** The node at path; ENOENT when missing. */
  lookup(path: string, cred: Credentials | null, follow: boolean, syscall: string): Inode {
    const w = this.walk(path, cred, follow, syscall);
    if (!w.node) throw new FsError('ENOENT', syscall, path);
    return w.node;
  }

  // ---- files -------------------------------------------------------------------------

  readFile(path: string, cred: Credentials | null): Uint8Array {
    const n = this.lookup(path, cred, true, 'open');
    if (n.type === 'dir') throw new FsError('EISDIR', 'read', path);
    if (n.type !== 'file') throw new FsError('EINVAL', 'open', path);
    if (!mayAccess(n, cred, R_OK)) throw new FsError('EACCES', 'open', path);
    if (n.device === 'null') return new Uint8Array();
    if (n.device === 'zero') return new Uint8Array(DEVICE_READ_BYTES);
    if (n.device === 'random') return globalThis.crypto.getRandomValues(new Uint8Array(DEVICE_READ_BYTES));
    if (n.generate) return toBytes(n.generate());
    return n.buf.slice(0, n.size);
  }

  writeFile(path: string, data: Uint8Array | string, cred: Credentials | null, opts: { mode?: number; append?: boolean } = {}): void {
    const bytes = toBytes(data);
    const w = this.walk(path, cred, true, 'open');
    let file = w.node;
    if (file?.type === 'dir') throw new FsError('EISDIR', 'open', path);
    if (file && file.type !== 'file') throw new FsError('EINVAL', 'open', path);
    if (file && !mayAccess(file, cred, W_OK)) throw new FsError('EACCES', 'open', path);
    if (file?.device) return;
    // procfs files without a write handler refuse even root.
    if (file?.generate) throw new FsError('EACCES', 'open', path);
    const oldSize = file?.size ?? 0;
    const nextSize = opts.append ? oldSize + bytes.length : bytes.length;
    if (nextSize > this.limits.fileBytes) throw new FsError('EFBIG', 'write', path);
    let target: FileInode;
    if (!file) {
      if (!w.name) throw new FsError('EISDIR', 'open', path);
      this.checkCreate(w.dir, cred, path, 'open');
      this.charge(nextSize, path);
      try {
        target = this.newInode({ type: 'file', buf: new Uint8Array(), size: 0 }, opts.mode ?? 0o644, cred, path) as FileInode;
      } catch (e) {
        this.usedBytes -= nextSize;
        throw e;
      }
      this.link(w.dir, w.name, target);
    } else {
      this.charge(nextSize - oldSize, path);
      target = file;
    }
    if (opts.append && target.size > 0) {
      if (target.buf.length < nextSize) {
        const grown = new Uint8Array(Math.min(Math.max(nextSize, target.buf.length * 2), this.limits.fileBytes));
        grown.set(target.buf.subarray(0, target.size));
        target.buf = grown;
      }
      target.buf.set(bytes, target.size);
    } else target.buf = bytes.slice();
    target.size = nextSize;
    file = target;
    file.mtimeMs = file.ctimeMs = this.clock.now();
  }

  // ---- directory entries -------------------------------------------------------------

  mkdir(path: string, cred: Credentials | null, opts: { recursive?: boolean; mode?: number } = {}): void {
    const mode = opts.mode ?? 0o755;
    if (opts.recursive) {
      const parts = resolvePath('/', path).split('/').filter(Boolean);
      let prefix = '';
      for (let i = 0; i < parts.length; i++) {
        prefix += '/' + parts[i];
        const w = this.walk(prefix, cred, true, 'mkdir');
        if (w.node?.type === 'dir') continue;
        if (w.node) throw new FsError(i === parts.length - 1 ? 'EEXIST' : 'ENOTDIR', 'mkdir', path);
        this.createDir(w, mode, cred, path);
      }
      return;
    }
    const w = this.walk(path, cred, false, 'mkdir');
    if (w.node) throw new FsError('EEXIST', 'mkdir', path);
    this.createDir(w, mode, cred, path);
  }

  /** mknod for the character devices the sandbox knows (as root, at boot). */
  mknod(path: string, kind: DeviceKind, mode = 0o666): void {
    const w = this.walk(path, null, false, 'mknod');
    if (w.node) throw new FsError('EEXIST', 'mknod', path);
    const node = this.newInode({ type: 'file', buf: new Uint8Array(), size: 0 }, mode, null, path) as FileInode;
    node.device = kind;
    this.link(w.dir, w.name, node);
  }

  /**
   * A file whose content the kernel makes on each read (/proc/meminfo), as root at boot;
   * it replaces whatever the disk held at that path (a restored image keeps a stale copy).
   * Size 0 in stat, as procfs reports.
   */
  mkgenerated(path: string, generate: () => string, mode = 0o444): void {
    const w = this.walk(path, null, false, 'open');
    if (w.node?.type === 'dir') throw new FsError('EISDIR', 'open', path);
    if (w.node) this.unlinkEntry(w.dir, w.name);
    const node = this.newInode({ type: 'file', buf: new Uint8Array(), size: 0 }, mode, null, path) as FileInode;
    node.generate = generate;
    this.link(w.dir, w.name, node);
  }

  symlink(target: string, path: string, cred: Credentials | null): void {
    const w = this.walk(path, cred, false, 'symlink');
    if (w.node) throw new FsError('EEXIST', 'symlink', path);
    this.checkCreate(w.dir, cred, path, 'symlink');
    this.link(w.dir, w.name, this.newInode({ type: 'symlink', target }, 0o777, cred, path));
    this.charge(target.length, path);
  }

  readlink(path: string, cred: Credentials | null): string {
    const n = this.lookup(path, cred, false, 'readlink');
    if (n.type !== 'symlink') throw new FsError('EINVAL', 'readlink', path);
    return n.target;
  }

  unlink(path: string, cred: Credentials | null): void {
    const w = this.walk(path, cred, false, 'unlink');
    if (!w.node) throw new FsError('ENOENT', 'unlink', path);
    if (w.node.type === 'dir') throw new FsError('EISDIR', 'unlink', path);
    this.checkRemove(w.dir, w.node, cred, path, 'unlink');
    if (w.node.type === 'file' && w.node.generate) throw new FsError('EPERM', 'unlink', path);
    this.unlinkEntry(w.dir, w.name);
  }

  rmdir(path: string, cred: Credentials | null, opts: { recursive?: boolean } = {}): void {
    const w = this.walk(path, cred, false, 'rmdir');
    if (!w.node) throw new FsError('ENOENT', 'rmdir', path);
    if (w.node.type !== 'dir') throw new FsError('ENOTDIR', 'rmdir', path);
    if (w.node === this.root) throw new FsError('EPERM', 'rmdir', path);
    if (w.node.entries.size > 0) {
      if (!opts.recursive) throw new FsError('ENOTEMPTY', 'rmdir', path);
      this.emptyDir(w.node, cred, w.path);
    }
    this.checkRemove(w.dir, w.node, cred, path, 'rmdir');
    this.unlinkEntry(w.dir, w.name);
  }

  rename(from: string, to: string, cred: Credentials | null): void {
    const src = this.walk(from, cred, false, 'rename');
    if (!src.node) throw new FsError('ENOENT', 'rename', from);
    const dst = this.walk(to, cred, false, 'rename');
    const node = src.node;
    if (node === this.root || !dst.name) throw new FsError('EINVAL', 'rename', from);
    if (dst.node === node) return;
    if (node.type === 'dir' && (dst.path === src.path || dst.path.startsWith(src.path + '/'))) throw new FsError('EINVAL', 'rename', to);
    const target = dst.node;
    if (target?.type === 'dir' && node.type !== 'dir') throw new FsError('EISDIR', 'rename', to);
    if (target && target.type !== 'dir' && node.type === 'dir') throw new FsError('ENOTDIR', 'rename', to);
    if (target?.type === 'dir' && target.entries.size > 0) throw new FsError('ENOTEMPTY', 'rename', to);
    this.checkRemove(src.dir, node, cred, from, 'rename');
    if (target) this.checkRemove(dst.dir, target, cred, to, 'rename');
    else this.checkCreate(dst.dir, cred, to, 'rename');
    if (target) this.unlinkEntry(dst.dir, dst.name);
    src.dir.entries.delete(src.name);
    dst.dir.entries.set(dst.name, node);
    const t = this.clock.now();
    src.dir.mtimeMs = src.dir.ctimeMs = dst.dir.mtimeMs = dst.dir.ctimeMs = node.ctimeMs = t;
  }

  readdir(path: string, cred: Credentials | null): string[] {
    const n = this.lookup(path, cred, true, 'scandir');
    if (n.type !== 'dir') throw new FsError('ENOTDIR', 'scandir', path);
    if (!mayAccess(n, cred, R_OK)) throw new FsError('EACCES', 'scandir', path);
    return [...n.entries.keys()].sort(compareNames);
  }

  // ---- metadata ----------------------------------------------------------------------

  stat(path: string, cred: Credentials | null, follow = true): VfsStat {
    return statOf(this.lookup(path, cred, follow, follow ? 'stat' : 'lstat'));
  }

  chmod(path: string, mode: number, cred: Credentials | null): void {
    const n = this.lookup(path, cred, true, 'chmod');
    if (cred && cred.uid !== 0 && cred.uid !== n.uid) throw new FsError('EPERM', 'chmod', path);
    n.mode = mode & 0o7777;
    n.ctimeMs = this.clock.now();
  }

  /** uid/gid -1 leave that one unchanged. Only root gives files away; an owner may change the group to one of its own. */
  chown(path: string, uid: number, gid: number, cred: Credentials | null, follow = true): void {
    const n = this.lookup(path, cred, follow, follow ? 'chown' : 'lchown');
    if (cred && cred.uid !== 0) {
      const changesOwner = uid !== -1 && uid !== n.uid;
      const groupOk = gid === -1 || gid === n.gid || gid === cred.gid || cred.groups.includes(gid);
      if (changesOwner || cred.uid !== n.uid || !groupOk) throw new FsError('EPERM', 'chown', path);
    }
    if (uid !== -1) n.uid = uid;
    if (gid !== -1) n.gid = gid;
    if (n.type === 'file' && cred && cred.uid !== 0) n.mode &= ~0o6000;
    n.ctimeMs = this.clock.now();
  }

  utimes(path: string, atimeMs: number, mtimeMs: number, cred: Credentials | null): void {
    const n = this.lookup(path, cred, true, 'utimensat');
    if (cred && cred.uid !== 0 && cred.uid !== n.uid && !mayAccess(n, cred, W_OK)) throw new FsError('EACCES', 'utimensat', path);
    n.atimeMs = atimeMs;
    n.mtimeMs = mtimeMs;
    n.ctimeMs = this.clock.now();
  }

  // ---- internals -----------------------------------------------------------------------

  private createDir(w: Walked, mode: number, cred: Credentials | null, path: string): void {
    if (!w.name) throw new FsError('EEXIST', 'mkdir', path);
    this.checkCreate(w.dir, cred, path, 'mkdir');
    this.link(w.dir, w.name, this.newInode({ type: 'dir', entries: new Map() }, mode, cred, path));
  }

  private checkCreate(dir: DirInode, cred: Credentials | null, path: string, syscall: string): void {
    if (!mayAccess(dir, cred, W_OK | X_OK)) throw new FsError('EACCES', syscall, path);
  }

  /** Removing an entry needs write on the directory; in a sticky one (/tmp) also owning the entry or the directory. */
  private checkRemove(dir: DirInode, node: Inode, cred: Credentials | null, path: string, syscall: string): void {
    if (!mayAccess(dir, cred, W_OK | X_OK)) throw new FsError('EACCES', syscall, path);
    if (cred && cred.uid !== 0 && dir.mode & STICKY && cred.uid !== node.uid && cred.uid !== dir.uid) throw new FsError('EPERM', syscall, path);
  }

  private emptyDir(dir: DirInode, cred: Credentials | null, path: string): void {
    if (!mayAccess(dir, cred, R_OK | W_OK | X_OK)) throw new FsError('EACCES', 'rmdir', path);
    for (const [name, child] of [...dir.entries]) {
      if (child.type === 'dir') this.emptyDir(child, cred, `${path}/${name}`);
      this.checkRemove(dir, child, cred, `${path}/${name}`, 'unlink');
      this.unlinkEntry(dir, name);
    }
  }

  private newInode<T extends Pick<FileInode, 'type' | 'buf' | 'size'> | Pick<DirInode, 'type' | 'entries'> | Pick<SymlinkInode, 'type' | 'target'>>(
    body: T,
    mode: number,
    cred: Credentials | null,
    path: string,
  ): Inode {
    if (this.usedInodes >= this.limits.inodes) throw new FsError('ENOSPC', 'open', path);
    const t = this.clock.now();
    return { ...body, ino: this.nextIno++, mode: mode & 0o7777, uid: cred?.uid ?? 0, gid: cred?.gid ?? 0, atimeMs: t, mtimeMs: t, ctimeMs: t } as Inode;
  }

  private link(dir: DirInode, name: string, node: Inode): void {
    dir.entries.set(name, node);
    this.usedInodes++;
    dir.mtimeMs = dir.ctimeMs = node.ctimeMs;
  }

  private unlinkEntry(dir: DirInode, name: string): void {
    const node = dir.entries.get(name);
    if (!node) return;
    dir.entries.delete(name);
    this.release(node);
    dir.mtimeMs = dir.ctimeMs = this.clock.now();
  }

  private release(node: Inode): void {
    this.usedInodes--;
    if (node.type === 'file') this.usedBytes -= node.size;
    else if (node.type === 'symlink') this.usedBytes -= node.target.length;
    else for (const child of node.entries.values()) this.release(child);
  }

  private charge(delta: number, path: string): void {
    if (delta > 0 && this.usedBytes + delta > this.limits.diskBytes) throw new FsError('ENOSPC', 'write', path);
    this.usedBytes += delta;
  }

  /** Recomputes the usage counters after a restore. */
  recount(): void {
    let bytes = 0;
    let inodes = 0;
    let maxIno = 1;
    const visit = (n: Inode) => {
      inodes++;
      maxIno = Math.max(maxIno, n.ino);
      if (n.type === 'file') bytes += n.size;
      else if (n.type === 'symlink') bytes += n.target.length;
      else for (const c of n.entries.values()) visit(c);
    };
    visit(this.root);
    this.usedBytes = bytes;
    this.usedInodes = inodes;
    this.nextIno = maxIno + 1;
  }
}

export function statOf(n: Inode): VfsStat {
  const size = n.type === 'file' ? n.size : n.type === 'symlink' ? n.target.length : 4096;
  let nlink = 1;
  if (n.type === 'dir') {
    nlink = 2;
    for (const c of n.entries.values()) if (c.type === 'dir') nlink++;
  }
  const device = n.type === 'file' && n.device ? { major: 1, minor: n.device === 'null' ? 3 : n.device === 'zero' ? 5 : 9 } : undefined;
  return {
    ...(device ? { device } : {}),
    type: n.type,
    size,
    mode: n.mode,
    uid: n.uid,
    gid: n.gid,
    mtimeMs: n.mtimeMs,
    atimeMs: n.atimeMs,
    ctimeMs: n.ctimeMs,
    ino: n.ino,
    nlink,
    blocks: n.type === 'symlink' ? 0 : Math.ceil(size / 4096) * 8,
  };
}

/** Byte order, as `ls` sorts in the C locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

