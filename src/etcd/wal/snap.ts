// Raft snapshots in <data-dir>/member/snap/<term>-<index>.snap: [u32 crc32c][payload], the
// payload holding the snapshot metadata and the state machine's bytes. The newest file that
// reads back intact wins; a damaged one is renamed *.broken, as etcd's snapshotter does.
import type { Snapshot } from '../../raft/types.ts';
import type { FileSystem } from '../../platform/filesystem.ts';
import type { Logger } from '../log.ts';
import { crc32c } from './crc32c.ts';
import { ByteReader, ByteWriter, readConfState, writeConfState } from './codec.ts';
import { mkdirDurable } from './wal.ts';

const hex16 = (n: number): string => n.toString(16).padStart(16, '0');
export const snapName = (term: number, index: number): string => `${hex16(term)}-${hex16(index)}.snap`;

export class Snapshotter {
  constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    private readonly log: Logger,
  ) {}

  save(snap: Snapshot): void {
    mkdirDurable(this.fs, this.dir);
    const body = new ByteWriter().f64(snap.metadata.index).f64(snap.metadata.term);
    writeConfState(body, snap.metadata.confState);
    body.bytes(snap.data);
    const payload = body.finish();
    const out = new ByteWriter().u32(crc32c(payload)).raw(payload).finish();
    const path = `${this.dir}/${snapName(snap.metadata.term, snap.metadata.index)}`;
    this.fs.writeFile(path, out, { mode: 0o600 });
    this.fs.fsync(path);
    this.fs.fsync(this.dir);
  }

  /** Snapshot file names, newest first. */
  names(): string[] {
    if (!this.fs.exists(this.dir)) return [];
    return this.fs
      .readdir(this.dir)
      .filter((n) => /^[0-9a-f]{16}-[0-9a-f]{16}\.snap$/.test(n))
      .sort()
      .reverse();
  }

  /** The newest readable snapshot, or undefined when there is none. */
  loadNewest(): Snapshot | undefined {
    return this.loadMatching(() => true);
  }

  /**
   * etcd's LoadNewestAvailable: the newest readable snapshot the WAL has a marker for. A
   * snapshot file the log does not know (written just before a crash, or by a member that
   * ran on another --wal-dir) would not match the entries that follow it.
   */
  loadNewestAvailable(markers: { index: number; term: number }[]): Snapshot | undefined {
    return this.loadMatching((s) => markers.some((m) => m.index === s.metadata.index && m.term === s.metadata.term));
  }

  private loadMatching(wanted: (s: Snapshot) => boolean): Snapshot | undefined {
    for (const n of this.names()) {
      const path = `${this.dir}/${n}`;
      try {
        const snap = decodeSnap(this.fs.readFile(path));
        if (wanted(snap)) return snap;
      } catch (e) {
        this.log.warn('snap/snapshotter.go:165', 'failed to read a snap file', { path, error: (e as Error).message });
        try {
          this.fs.rename(path, path + '.broken');
          this.log.warn('snap/snapshotter.go:175', 'failed to rename broken snap file', { path, 'broken-path': path + '.broken' });
        } catch {
          /* best effort, like etcd */
        }
      }
    }
    return undefined;
  }

  /** Keeps the newest `keep` snapshot files (0 = all). */
  purge(keep: number): void {
    if (keep <= 0) return;
    const names = this.names();
    for (const n of names.slice(keep)) this.fs.unlink(`${this.dir}/${n}`);
    if (names.length > keep) this.fs.fsync(this.dir);
  }
}

export function decodeSnap(bytes: Uint8Array): Snapshot {
  if (bytes.length < 4) throw new Error('snap: empty snapshot');
  const r = new ByteReader(bytes);
  const crc = r.u32();
  const payload = bytes.subarray(4);
  if (crc32c(payload) !== crc) throw new Error('snap: crc mismatch');
  const p = new ByteReader(payload);
  const index = p.f64();
  const term = p.f64();
  const confState = readConfState(p);
  const data = p.bytes();
  return { data, metadata: { index, term, confState } };
}
