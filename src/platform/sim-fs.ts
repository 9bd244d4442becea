import {
  basename,
  dirname,
  FsError,
  toBytes,
  type FileStat,
  type FileSystem,
} from './filesystem.ts';

// An in-memory disk for the deterministic simulation and for tests. It keeps two
// states: what a program sees now, and what would survive a power cut. fsync(file)
// makes a file's bytes durable; fsync(dir) makes the dir's entries (creates, renames,
// unlinks) durable. crash() throws away everything else, as a real disk may.

interface FileNode {
  kind: 'file';
  /** Bytes [0, len) of buf are the content. Bytes below len are never changed in place
   * (writeFile swaps in a new buffer), so a durable snapshot can share the buffer. */
  buf: Uint8Array;
  len: number;
  mode: number;
  mtimeMs: number;
}

const content = (f: FileNode) => f.buf.subarray(0, f.len);

interface DirNode {
  kind: 'dir';
  entries: Map<string, Node>;
  mode: number;
  mtimeMs: number;
}

type Node = FileNode | DirNode;

/** What survives a crash: per directory path, entry name → durable node id; per file id, its durable bytes. */
interface DurableState {
  dirs: Map<string, Map<string, number>>;
  files: Map<number, Uint8Array>;
}

export class SimFileSystem implements FileSystem {
  private root: DirNode = { kind: 'dir', entries: new Map(), mode: 0o755, mtimeMs: 0 };
  private ids = new WeakMap<Node, number>();
  private nextId = 1;
  private durable: DurableState = { dirs: new Map([['/', new Map()]]), files: new Map() };
  /** Bytes written; a test may cap it to simulate a full disk. */
  private used = 0;

  constructor(
    private readonly now: () => number = () => 0,
    private readonly capacityBytes = Number.POSITIVE_INFINITY,
  ) {}

  readFile(path: string): Uint8Array {
    const n = this.lookup(path, 'open');
    if (n.kind === 'dir') throw new FsError('EISDIR', 'read', path);
    return content(n).slice();
  }

  writeFile(path: string, data: Uint8Array | string, opts?: { mode?: number }): void {
    const bytes = toBytes(data);
    const existing = this.find(path);
    if (existing?.kind === 'dir') throw new FsError('EISDIR', 'open', path);
    this.charge(bytes.length - (existing?.len ?? 0), path);
    if (existing) {
      existing.buf = bytes.slice();
      existing.len = bytes.length;
      existing.mtimeMs = this.now();
      return;
    }
    const parent = this.parentDir(path, 'open');
    parent.entries.set(basename(path), this.newFile(bytes.slice(), opts?.mode ?? 0o644));
  }

  appendFile(path: string, data: Uint8Array | string, opts?: { mode?: number }): void {
    const bytes = toBytes(data);
    const existing = this.find(path);
    if (!existing) return this.writeFile(path, bytes, opts);
    if (existing.kind === 'dir') throw new FsError('EISDIR', 'open', path);
    this.charge(bytes.length, path);
    const need = existing.len + bytes.length;
    if (need > existing.buf.length) {
      // Grow geometrically so a log appended record by record costs O(n), not O(n²).
      const grown = new Uint8Array(Math.max(need, existing.buf.length * 2, 256));
      grown.set(content(existing));
      existing.buf = grown;
    }
    existing.buf.set(bytes, existing.len);
    existing.len = need;
    existing.mtimeMs = this.now();
  }

  fsync(path: string): void {
    const n = this.lookup(path, 'fsync');
    if (n.kind === 'file') {
      // Shares the buffer: bytes below len never change in place.
      this.durable.files.set(this.idOf(n), content(n));
      return;
    }
    const norm = normalise(path);
    const entries = new Map<string, number>();
    for (const [name, child] of n.entries) {
      entries.set(name, this.idOf(child));
      // A directory made durable in its parent exists after a crash, even if empty.
      if (child.kind === 'dir') {
        const childPath = norm === '/' ? `/${name}` : `${norm}/${name}`;
        if (!this.durable.dirs.has(childPath)) this.durable.dirs.set(childPath, new Map());
      }
    }
    this.durable.dirs.set(norm, entries);
  }

  rename(from: string, to: string): void {
    const node = this.lookup(from, 'rename');
    const target = this.find(to);
    if (target?.kind === 'dir' && node.kind === 'file') throw new FsError('EISDIR', 'rename', to);
    if (target?.kind === 'file' && node.kind === 'dir') throw new FsError('ENOTDIR', 'rename', to);
    if (target?.kind === 'dir' && target.entries.size > 0) throw new FsError('ENOTEMPTY', 'rename', to);
    const toParent = this.parentDir(to, 'rename');
    this.parentDir(from, 'rename').entries.delete(basename(from));
    if (target?.kind === 'file') this.used -= target.len;
    toParent.entries.set(basename(to), node);
  }

  unlink(path: string): void {
    const n = this.lookup(path, 'unlink');
    if (n.kind === 'dir') throw new FsError('EISDIR', 'unlink', path);
    this.used -= n.len;
    this.parentDir(path, 'unlink').entries.delete(basename(path));
  }

  mkdir(path: string, opts?: { recursive?: boolean; mode?: number }): void {
    const norm = normalise(path);
    if (norm === '/') {
      if (opts?.recursive) return;
      throw new FsError('EEXIST', 'mkdir', path);
    }
    const existing = this.find(norm);
    if (existing) {
      if (opts?.recursive && existing.kind === 'dir') return;
      throw new FsError('EEXIST', 'mkdir', path);
    }
    if (opts?.recursive) {
      // A file on the way is ENOTDIR, as Linux says for mkdir -p /file/sub.
      const parent = this.find(dirname(norm));
      if (parent && parent.kind !== 'dir') throw new FsError('ENOTDIR', 'mkdir', path);
      this.mkdir(dirname(norm), opts);
    }
    const parent = this.parentDir(norm, 'mkdir');
    parent.entries.set(basename(norm), { kind: 'dir', entries: new Map(), mode: opts?.mode ?? 0o755, mtimeMs: this.now() });
  }

  rmdir(path: string, opts?: { recursive?: boolean }): void {
    const n = this.lookup(path, 'rmdir');
    if (n.kind !== 'dir') throw new FsError('ENOTDIR', 'rmdir', path);
    if (normalise(path) === '/') throw new FsError('EPERM', 'rmdir', path);
    if (n.entries.size > 0 && !opts?.recursive) throw new FsError('ENOTEMPTY', 'rmdir', path);
    this.used -= sizeOf(n);
    this.parentDir(path, 'rmdir').entries.delete(basename(path));
  }

  readdir(path: string): string[] {
    const n = this.lookup(path, 'scandir');
    if (n.kind !== 'dir') throw new FsError('ENOTDIR', 'scandir', path);
    return [...n.entries.keys()].sort();
  }

  stat(path: string): FileStat {
    const n = this.lookup(path, 'stat');
    return {
      type: n.kind,
      size: n.kind === 'file' ? n.len : 4096,
      mode: n.mode,
      uid: 0,
      gid: 0,
      mtimeMs: n.mtimeMs,
    };
  }

  exists(path: string): boolean {
    return this.find(path) !== undefined;
  }

  chmod(path: string, mode: number): void {
    this.lookup(path, 'chmod').mode = mode & 0o7777;
  }

  /**
   * A power cut: the tree becomes what was made durable. Files keep their last
   * fsynced bytes (empty if never synced); entries never made durable in their
   * directory vanish; a directory survives only if it is durable in its parent.
   */
  crash(): void {
    const byId = new Map<number, Node>();
    const collect = (n: Node) => {
      byId.set(this.idOf(n), n);
      if (n.kind === 'dir') for (const c of n.entries.values()) collect(c);
    };
    collect(this.root);
    const rebuild = (path: string): DirNode => {
      const dir: DirNode = { kind: 'dir', entries: new Map(), mode: 0o755, mtimeMs: this.now() };
      for (const [name, id] of this.durable.dirs.get(path) ?? []) {
        const old = byId.get(id);
        const childPath = path === '/' ? `/${name}` : `${path}/${name}`;
        if (old?.kind === 'dir' || (!old && this.durable.dirs.has(childPath))) {
          const d = rebuild(childPath);
          if (old) d.mode = old.mode;
          this.ids.set(d, id);
          dir.entries.set(name, d);
        } else {
          const data = (this.durable.files.get(id) ?? new Uint8Array()).slice();
          const f: FileNode = { kind: 'file', buf: data, len: data.length, mode: old?.mode ?? 0o644, mtimeMs: this.now() };
          this.ids.set(f, id);
          dir.entries.set(name, f);
        }
      }
      return dir;
    };
    this.root = rebuild('/');
    this.ids.set(this.root, 0);
    this.used = sizeOf(this.root);
  }

  private newFile(data: Uint8Array, mode: number): FileNode {
    return { kind: 'file', buf: data, len: data.length, mode, mtimeMs: this.now() };
  }

  private idOf(n: Node): number {
    let id = this.ids.get(n);
    if (id === undefined) {
      id = n === this.root ? 0 : this.nextId++;
      this.ids.set(n, id);
    }
    return id;
  }

  private charge(delta: number, path: string): void {
    if (delta > 0 && this.used + delta > this.capacityBytes) throw new FsError('ENOSPC', 'write', path);
    this.used += delta;
  }

  private find(path: string): Node | undefined {
    let n: Node = this.root;
    for (const part of normalise(path).split('/').filter(Boolean)) {
      if (n.kind !== 'dir') return undefined;
      const next: Node | undefined = n.entries.get(part);
      if (!next) return undefined;
      n = next;
    }
    return n;
  }

  private lookup(path: string, syscall: string): Node {
    let n: Node = this.root;
    for (const part of normalise(path).split('/').filter(Boolean)) {
      if (n.kind !== 'dir') throw new FsError('ENOTDIR', syscall, path);
      const next: Node | undefined = n.entries.get(part);
      if (!next) throw new FsError('ENOENT', syscall, path);
      n = next;
    }
    return n;
  }

  private parentDir(path: string, syscall: string): DirNode {
    const norm = normalise(path);
    let n: Node = this.root;
    for (const part of dirname(norm).split('/').filter(Boolean)) {
      if (n.kind !== 'dir') throw new FsError('ENOTDIR', syscall, path);
      const next: Node | undefined = n.entries.get(part);
      if (!next) throw new FsError('ENOENT', syscall, path);
      n = next;
    }
    if (n.kind !== 'dir') throw new FsError('ENOTDIR', syscall, path);
    return n;
  }
}

function normalise(path: string): string {
  if (!path.startsWith('/')) throw new FsError('EINVAL', 'open', path);
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

function sizeOf(n: Node): number {
  if (n.kind === 'file') return n.len;
  let s = 0;
  for (const c of n.entries.values()) s += sizeOf(c);
  return s;
}
