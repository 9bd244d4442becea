// The write-ahead log in <data-dir>/member/wal: raft entries, hard states and snapshot
// markers, each record framed as [u32 length][u32 crc32c chained over the log][payload],
// appended through FileSystem and fsynced before raft may send what depends on them.
// Segment files are named <seq>-<first index>.wal in 16 hex digits, like etcd's.
import type { Entry, HardState } from '../../raft/types.ts';
import { FsError, type FileSystem } from '../../platform/filesystem.ts';
import type { Logger } from '../log.ts';
import { crc32c } from './crc32c.ts';
import { ByteReader, ByteWriter, readEntry, readHardState, writeEntry, writeHardState } from './codec.ts';

const REC_METADATA = 1;
const REC_ENTRY = 2;
const REC_STATE = 3;
const REC_CRC = 4;
const REC_SNAPSHOT = 5;

/** etcd uses 64 MB segments; ours are smaller so a lab host's disk (and its per-file limit) holds several. */
export const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;

export interface WalMetadata {
  nodeId: string;
  clusterId: string;
}

export interface WalSnapshotMarker {
  index: number;
  term: number;
}

export interface WalContents {
  metadata: WalMetadata;
  hardState: HardState;
  /** Entries after the snapshot the log was opened at, conflicts already resolved. */
  entries: Entry[];
  /** The last snapshot marker found. */
  lastSnapshot: WalSnapshotMarker;
}

export class WalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WalError';
  }
}

const hex16 = (n: number): string => n.toString(16).padStart(16, '0');
export const walName = (seq: number, index: number): string => `${hex16(seq)}-${hex16(index)}.wal`;

function parseWalName(name: string): { seq: number; index: number } | undefined {
  const m = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/.exec(name);
  return m ? { seq: parseInt(m[1]!, 16), index: parseInt(m[2]!, 16) } : undefined;
}

export function walExists(fs: FileSystem, dir: string): boolean {
  try {
    return fs.readdir(dir).some((n) => parseWalName(n) !== undefined);
  } catch {
    return false;
  }
}

/** Creates dirs (recursively) and makes each new entry durable in its parent. */
export function mkdirDurable(fs: FileSystem, dir: string): void {
  const parts = dir.split('/').filter(Boolean);
  let cur = '';
  for (const p of parts) {
    const parent = cur || '/';
    cur += '/' + p;
    if (!fs.exists(cur)) {
      fs.mkdir(cur, { mode: 0o700 });
      fs.fsync(parent);
    }
  }
}

/** os.RemoveAll: a file or a whole tree; nothing there is fine. */
function removeAll(fs: FileSystem, path: string): void {
  if (!fs.exists(path)) return;
  if (fs.stat(path).type === 'dir') fs.rmdir(path, { recursive: true });
  else fs.unlink(path);
}

function removeQuietly(fs: FileSystem, path: string): void {
  try {
    removeAll(fs, path);
  } catch {
    /* best effort, like etcd's deferred os.RemoveAll */
  }
}

function parentOf(path: string): string {
  const p = path.replace(/\/+$/, '');
  return p.slice(0, p.lastIndexOf('/')) || '/';
}

/**
 * Go's os.MkdirAll error: it names the component that failed (a file in the way, a dir it
 * may not create in), shown the way the path was typed.
 */
function mkdirAllError(fs: FileSystem, e: FsError, abs: string, shown: string): string {
  const parts = abs.split('/').filter(Boolean);
  let failed = e.path;
  if (e.code === 'ENOTDIR') {
    for (let i = 1; i <= parts.length; i++) {
      const p = '/' + parts.slice(0, i).join('/');
      if (fs.exists(p) && fs.stat(p).type !== 'dir') {
        failed = p;
        break;
      }
    }
  }
  const up = parts.length - failed.split('/').filter(Boolean).length;
  const shownParts = shown.split('/');
  const shownFailed = up >= 0 && up < shownParts.filter(Boolean).length ? shownParts.slice(0, shownParts.length - up).join('/') : failed;
  return `mkdir ${shownFailed}: ${e.reason().replace(/^./, (c) => c.toLowerCase())}`;
}

/** Go's %q of a []string: ["a" "b"]. */
function goStrings(list: string[]): string {
  return `[${list.map((x) => JSON.stringify(x)).join(' ')}]`;
}

/**
 * etcd's wal.ValidSnapshotEntries: the snapshot markers in the log that a snapshot file may
 * be loaded for (not after the last committed index). A torn tail ends the scan quietly.
 */
export function walSnapshotMarkers(fs: FileSystem, dir: string): WalSnapshotMarker[] {
  const names = fs
    .readdir(dir)
    .map((n) => ({ n, p: parseWalName(n) }))
    .filter((x): x is { n: string; p: { seq: number; index: number } } => x.p !== undefined)
    .sort((a, b) => a.p.seq - b.p.seq);
  const markers: WalSnapshotMarker[] = [];
  let commit = 0;
  let running = 0;
  scan: for (const { n } of names) {
    const data = fs.readFile(`${dir}/${n}`);
    let off = 0;
    while (off < data.length) {
      const rec = readFrame(data, off);
      if (!rec) break scan;
      const payload = rec.payload;
      const seed = payload[0] === REC_CRC ? new ByteReader(payload.subarray(1)).u32() : running;
      if (crc32c(payload, seed) !== rec.crc) break scan;
      running = rec.crc;
      off += 8 + payload.length;
      const r = new ByteReader(payload.subarray(1));
      if (payload[0] === REC_SNAPSHOT) markers.push({ index: r.f64(), term: r.f64() });
      else if (payload[0] === REC_STATE) commit = readHardState(r).commit;
    }
  }
  return markers.filter((m) => m.index <= commit);
}

export class Wal {
  private running: number;
  private seq: number;
  private path: string;
  private size: number;
  private lastIndex: number;

  private constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    private readonly log: Logger,
    private readonly segmentBytes: number,
    private readonly metadata: WalMetadata,
    state: { running: number; seq: number; path: string; size: number; lastIndex: number },
  ) {
    this.running = state.running;
    this.seq = state.seq;
    this.path = state.path;
    this.size = state.size;
    this.lastIndex = state.lastIndex;
  }

  /**
   * A new log holding the member's identity and the empty snapshot marker, made durable.
   * Like etcd's wal.Create it is written in `<dir>.tmp` and renamed into place, so a crash
   * never leaves a half-made log; the tmp dir is made beside `dir`, so the parent must be
   * writable (etcd issue 10098). `shownDir` is the path as the user typed it, for errors.
   */
  static create(fs: FileSystem, dir: string, meta: WalMetadata, log: Logger, segmentBytes = DEFAULT_SEGMENT_BYTES, shownDir = dir): Wal {
    if (walExists(fs, dir)) throw new WalError('file already exists');
    const tmp = `${dir.replace(/\/+$/, '')}.tmp`;
    const shownTmp = `${shownDir.replace(/\/+$/, '')}.tmp`;
    const fail = (e: unknown, syscall: string, shown: string): never => {
      if (e instanceof FsError) throw new WalError(`${syscall} ${shown}: ${e.reason().replace(/^./, (c) => c.toLowerCase())}`);
      throw e;
    };
    try {
      if (fs.exists(tmp)) removeAll(fs, tmp);
      mkdirDurable(fs, tmp);
      const left = fs.readdir(tmp);
      if (left.length > 0) throw new WalError(`expected ${JSON.stringify(shownTmp)} to be empty, got ${goStrings(left)}`);
    } catch (e) {
      const err = e instanceof WalError ? e : new WalError(e instanceof FsError ? mkdirAllError(fs, e, tmp, shownTmp) : String(e));
      log.warn('wal/wal.go:120', 'failed to create a temporary WAL directory', { 'tmp-dir-path': shownTmp, 'dir-path': shownDir, error: err.message });
      throw err;
    }
    const w = new ByteWriter();
    let running = frame(w, REC_CRC, new ByteWriter().u32(0).finish(), 0);
    running = frame(w, REC_METADATA, new ByteWriter().str(JSON.stringify(meta)).finish(), running);
    running = frame(w, REC_SNAPSHOT, new ByteWriter().f64(0).f64(0).finish(), running);
    const bytes = w.finish();
    const name = walName(0, 0);
    try {
      fs.writeFile(`${tmp}/${name}`, bytes, { mode: 0o600 });
      fs.fsync(`${tmp}/${name}`);
      fs.fsync(tmp);
    } catch (e) {
      removeQuietly(fs, tmp);
      fail(e, 'open', `${shownTmp}/${name}`);
    }
    try {
      // etcd's renameWAL first removes whatever is at `dir` (os.RemoveAll), then renames.
      // We never delete what someone put there: an empty dir is replaced; a dir with
      // files (another disk's mount point, the data dir itself) gets the segment beside
      // them, renamed into place; a file in the way fails the rename (not a directory).
      if (fs.exists(dir) && fs.stat(dir).type === 'dir' && fs.readdir(dir).length > 0) {
        fs.rename(`${tmp}/${name}`, `${dir}/${name}`);
        fs.fsync(dir);
        removeQuietly(fs, tmp);
      } else {
        if (fs.exists(dir) && fs.stat(dir).type === 'dir') fs.rmdir(dir);
        fs.rename(tmp, dir);
      }
      // The rename made durable in the parent; the dir fsynced again under its new name
      // (a no-op on a real disk; the simulated one keeps durable entries by path).
      fs.fsync(parentOf(dir));
      fs.fsync(dir);
    } catch (e) {
      removeQuietly(fs, tmp);
      const err = e instanceof FsError ? new WalError(`rename ${shownTmp} ${shownDir}: ${e.reason().replace(/^./, (c) => c.toLowerCase())}`) : e;
      log.warn('wal/wal.go:179', 'failed to rename the temporary WAL directory', { 'tmp-dir-path': shownTmp, 'dir-path': shownDir, error: (err as Error).message });
      throw err;
    }
    return new Wal(fs, dir, log, segmentBytes, meta, { running, seq: 0, path: `${dir}/${name}`, size: bytes.length, lastIndex: 0 });
  }

  /**
   * Reads every segment and returns what it holds from `snap` on. A torn last record (a
   * write the crash cut short) is cut off the file, logged as etcd logs a WAL repair.
   */
  static open(fs: FileSystem, dir: string, snap: WalSnapshotMarker, log: Logger, segmentBytes = DEFAULT_SEGMENT_BYTES): { wal: Wal; contents: WalContents } {
    const names = fs
      .readdir(dir)
      .map((n) => ({ n, p: parseWalName(n) }))
      .filter((x): x is { n: string; p: { seq: number; index: number } } => x.p !== undefined)
      .sort((a, b) => a.p.seq - b.p.seq);
    if (names.length === 0) throw new WalError('wal: file not found');
    let metadata: WalMetadata | undefined;
    let hardState: HardState = { term: 0, vote: '', commit: 0 };
    let entries: Entry[] = [];
    let lastSnapshot: WalSnapshotMarker = { index: 0, term: 0 };
    let snapFound = snap.index === 0;
    let running = 0;
    let size = 0;
    let lastIndex = snap.index;
    for (let s = 0; s < names.length; s++) {
      const { n } = names[s]!;
      const path = `${dir}/${n}`;
      const data = fs.readFile(path);
      const isLast = s === names.length - 1;
      let off = 0;
      let first = true;
      while (off < data.length) {
        const rec = readFrame(data, off);
        let bad = rec === undefined;
        let payload: Uint8Array | undefined;
        if (rec) {
          payload = rec.payload;
          let seed = running;
          if (payload[0] === REC_CRC) {
            const prev = new ByteReader(payload.subarray(1)).u32();
            if (!first || (s > 0 && prev !== running)) throw new WalError('wal: crc mismatch');
            seed = prev;
          }
          if (crc32c(payload, seed) !== rec.crc) bad = true;
        }
        if (bad) {
          const tail = data.subarray(off);
          const torn = isLast && (rec === undefined || off + 8 + (rec.payload.length) >= data.length || tail.every((b) => b === 0));
          if (!torn) throw new WalError('wal: crc mismatch');
          log.info('wal/repair.go:42', 'repairing', { path });
          const kept = data.slice(0, off);
          fs.writeFile(path, kept);
          fs.fsync(path);
          log.info('wal/repair.go:99', 'repaired', { path, error: 'unexpected EOF' });
          log.info('etcdserver/bootstrap.go:636', 'repaired WAL', { error: 'unexpected EOF' });
          break;
        }
        running = rec!.crc;
        off += 8 + payload!.length;
        first = false;
        const r = new ByteReader(payload!.subarray(1));
        switch (payload![0]) {
          case REC_CRC:
            break;
          case REC_METADATA: {
            const m = JSON.parse(r.str()) as WalMetadata;
            if (metadata && (metadata.nodeId !== m.nodeId || metadata.clusterId !== m.clusterId)) throw new WalError('wal: conflicting metadata found');
            metadata = m;
            break;
          }
          case REC_STATE:
            hardState = readHardState(r);
            break;
          case REC_SNAPSHOT: {
            const m = { index: r.f64(), term: r.f64() };
            if (m.index === snap.index) {
              if (m.term !== snap.term) throw new WalError('wal: snapshot mismatch');
              snapFound = true;
            }
            lastSnapshot = m;
            break;
          }
          case REC_ENTRY: {
            const e = readEntry(r);
            if (e.index > snap.index) {
              // A later record at an index already seen replaces it and everything after (raft truncation).
              const pos = e.index - snap.index - 1;
              if (pos < entries.length) entries = entries.slice(0, pos);
              if (pos > entries.length) throw new WalError(`wal: slice bounds out of range (entry ${e.index} after ${snap.index + entries.length})`);
              entries.push(e);
            }
            lastIndex = Math.max(snap.index, snap.index + entries.length);
            break;
          }
          default:
            throw new WalError(`wal: unexpected block type ${payload![0]}`);
        }
      }
      if (isLast) size = fs.readFile(path).length;
    }
    if (!metadata) throw new WalError('wal: metadata not found');
    if (!snapFound) throw new WalError('wal: snapshot not found');
    const last = names[names.length - 1]!;
    const wal = new Wal(fs, dir, log, segmentBytes, metadata, { running, seq: last.p.seq, path: `${dir}/${last.n}`, size, lastIndex: snap.index + entries.length });
    return { wal, contents: { metadata, hardState, entries, lastSnapshot } };
  }

  /** Appends entries and the hard state; with sync the bytes are durable on return. */
  save(hardState: HardState | undefined, entries: Entry[], sync: boolean): void {
    if (!hardState && entries.length === 0) return;
    const w = new ByteWriter();
    for (const e of entries) {
      const b = new ByteWriter().u8(0);
      writeEntry(b, e);
      this.running = frameRaw(w, REC_ENTRY, b.finish(), this.running);
      this.lastIndex = e.index;
    }
    if (hardState) {
      const b = new ByteWriter().u8(0);
      writeHardState(b, hardState);
      this.running = frameRaw(w, REC_STATE, b.finish(), this.running);
    }
    this.write(w.finish(), sync);
    if (this.size >= this.segmentBytes) this.cut(hardState);
  }

  /** Records that a snapshot at this index exists (written after the .snap file is durable). */
  saveSnapshot(marker: WalSnapshotMarker): void {
    const w = new ByteWriter();
    this.running = frame(w, REC_SNAPSHOT, new ByteWriter().f64(marker.index).f64(marker.term).finish(), this.running);
    this.write(w.finish(), true);
    if (marker.index > this.lastIndex) this.lastIndex = marker.index;
  }

  /** Deletes segments that only hold entries below index (etcd's ReleaseLockTo + purge). */
  releaseTo(index: number): void {
    const names = this.fs
      .readdir(this.dir)
      .map((n) => ({ n, p: parseWalName(n) }))
      .filter((x): x is { n: string; p: { seq: number; index: number } } => x.p !== undefined)
      .sort((a, b) => a.p.seq - b.p.seq);
    let removed = false;
    for (let i = 0; i + 1 < names.length; i++) {
      if (names[i + 1]!.p.index <= index && `${this.dir}/${names[i]!.n}` !== this.path) {
        this.fs.unlink(`${this.dir}/${names[i]!.n}`);
        removed = true;
      } else break;
    }
    if (removed) this.fs.fsync(this.dir);
  }

  /** Starts a new segment: the crc record links it to the previous one; metadata is repeated in each. */
  private cut(hardState: HardState | undefined): void {
    this.seq++;
    const path = `${this.dir}/${walName(this.seq, this.lastIndex + 1)}`;
    const w = new ByteWriter();
    this.running = frame(w, REC_CRC, new ByteWriter().u32(this.running).finish(), this.running);
    this.running = frame(w, REC_METADATA, new ByteWriter().str(JSON.stringify(this.metadata)).finish(), this.running);
    if (hardState) {
      const b = new ByteWriter().u8(0);
      writeHardState(b, hardState);
      this.running = frameRaw(w, REC_STATE, b.finish(), this.running);
    }
    const bytes = w.finish();
    this.fs.writeFile(path, bytes, { mode: 0o600 });
    this.fs.fsync(path);
    this.fs.fsync(this.dir);
    this.path = path;
    this.size = bytes.length;
    this.log.info('wal/wal.go:825', 'created a new WAL segment', { path });
  }

  private write(bytes: Uint8Array, sync: boolean): void {
    this.fs.appendFile(this.path, bytes);
    this.size += bytes.length;
    if (sync) this.fs.fsync(this.path);
  }

  sync(): void {
    this.fs.fsync(this.path);
  }
}

/** Writes one frame whose payload is [type][body]; returns the new running crc. */
function frame(w: ByteWriter, type: number, body: Uint8Array, running: number): number {
  const payload = new Uint8Array(body.length + 1);
  payload[0] = type;
  payload.set(body, 1);
  return frameRaw(w, type, payload, running);
}

/** Like frame, for a payload whose first byte is a placeholder for the type. */
function frameRaw(w: ByteWriter, type: number, payload: Uint8Array, running: number): number {
  payload[0] = type;
  const seed = type === REC_CRC ? new ByteReader(payload.subarray(1)).u32() : running;
  const crc = crc32c(payload, seed);
  w.u32(payload.length).u32(crc).raw(payload);
  return crc;
}

function readFrame(data: Uint8Array, off: number): { crc: number; payload: Uint8Array } | undefined {
  if (off + 8 > data.length) return undefined;
  const view = new DataView(data.buffer, data.byteOffset + off, 8);
  const len = view.getUint32(0, true);
  const crc = view.getUint32(4, true);
  if (len === 0 || off + 8 + len > data.length) return undefined;
  return { crc, payload: data.subarray(off + 8, off + 8 + len) };
}
