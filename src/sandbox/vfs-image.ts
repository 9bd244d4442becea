// A host's disk as plain JSON, so the server can keep a learner's sandbox across
// restarts. File bytes are base64; inode numbers and timestamps are kept as they were.
import type { Clock } from '../platform/clock.ts';
import { Vfs, type DeviceKind, type Inode, type VfsLimits } from './vfs.ts';

export interface InodeImage {
  t: 'f' | 'd' | 'l';
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  atime: number;
  mtime: number;
  ctime: number;
  /** base64 content (files) */
  data?: string;
  /** character device kind */
  dev?: DeviceKind;
  /** link target (symlinks) */
  target?: string;
  /** name → child (directories) */
  entries?: Record<string, InodeImage>;
}

export interface VfsImage {
  format: 'hardway-lab/vfs';
  version: 1;
  root: InodeImage;
}

export function serializeVfs(vfs: Vfs): VfsImage {
  return { format: 'hardway-lab/vfs', version: 1, root: toImage(vfs.root) };
}

export function restoreVfs(image: VfsImage, clock: Clock, limits?: VfsLimits): Vfs {
  if (image.format !== 'hardway-lab/vfs' || image.version !== 1) throw new Error('not a hardway-lab disk image (version 1)');
  const vfs = new Vfs(clock, limits);
  const root = fromImage(image.root);
  if (root.type !== 'dir') throw new Error('disk image: root is not a directory');
  vfs.root = root;
  vfs.recount();
  return vfs;
}

function toImage(n: Inode): InodeImage {
  const base = { ino: n.ino, mode: n.mode, uid: n.uid, gid: n.gid, atime: n.atimeMs, mtime: n.mtimeMs, ctime: n.ctimeMs };
  if (n.type === 'file') return { t: 'f', ...base, data: Buffer.from(n.buf.subarray(0, n.size)).toString('base64'), ...(n.device ? { dev: n.device } : {}) };
  if (n.type === 'symlink') return { t: 'l', ...base, target: n.target };
  const entries: Record<string, InodeImage> = {};
  for (const [name, child] of n.entries) entries[name] = toImage(child);
  return { t: 'd', ...base, entries };
}

function fromImage(i: InodeImage): Inode {
  const base = { ino: i.ino, mode: i.mode, uid: i.uid, gid: i.gid, atimeMs: i.atime, mtimeMs: i.mtime, ctimeMs: i.ctime };
  if (i.t === 'f') {
    const buf = new Uint8Array(Buffer.from(i.data ?? '', 'base64'));
    return { type: 'file', ...base, buf, size: buf.length, ...(i.dev ? { device: i.dev } : {}) };
  }
  if (i.t === 'l') return { type: 'symlink', ...base, target: i.target ?? '' };
  const entries = new Map<string, Inode>();
  for (const [name, child] of Object.entries(i.entries ?? {})) {
    if (!name || name.includes('/') || name === '.' || name === '..') throw new Error(`disk image: bad entry name ${JSON.stringify(name)}`);
    entries.set(name, fromImage(child));
  }
  return { type: 'dir', ...base, entries };
}
