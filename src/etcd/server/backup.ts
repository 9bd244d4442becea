// The backend file format: what member/snap/db holds and what /v3/maintenance/snapshot
// streams (`etcdctl snapshot save`). Shaped like etcd's: the data is padded to a 512-byte
// boundary and followed by its sha256, so clients check integrity the way etcdctl does.
// Inside: a 16-byte header ("HWLABDB1" + u64 length) and the MVCC store's own snapshot.
import { createHash } from 'node:crypto';

const MAGIC = 'HWLABDB1';

export class BackupError extends Error {}

/** The db file (without hash) for a store snapshot. */
export function encodeDb(store: Uint8Array): Uint8Array {
  const size = Math.ceil((16 + store.length) / 512) * 512;
  const out = new Uint8Array(size);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setBigUint64(8, BigInt(store.length), true);
  out.set(store, 16);
  return out;
}

/** The db file followed by its sha256, as a snapshot stream/file carries it. */
export function encodeSnapshotFile(store: Uint8Array): Uint8Array {
  const db = encodeDb(store);
  const hash = createHash('sha256').update(db).digest();
  const out = new Uint8Array(db.length + 32);
  out.set(db, 0);
  out.set(hash, db.length);
  return out;
}

/** The store bytes inside a db file, with or without the sha256 trailer (checked when present, as etcdutl does). */
export function decodeSnapshotFile(file: Uint8Array, opts: { skipHashCheck?: boolean } = {}): Uint8Array {
  const hasHash = file.length % 512 === 32;
  if (hasHash && !opts.skipHashCheck) {
    const db = file.subarray(0, file.length - 32);
    const want = Buffer.from(file.subarray(file.length - 32));
    const got = createHash('sha256').update(db).digest();
    if (!got.equals(want)) throw new BackupError('snapshot file integrity check failed; expected sha256 ' + want.toString('hex') + ', got ' + got.toString('hex'));
  } else if (!hasHash && !opts.skipHashCheck && file.length % 512 === 0) {
    throw new BackupError('snapshot missing hash but --skip-hash-check=false');
  }
  if (file.length < 16 || new TextDecoder().decode(file.subarray(0, 8)) !== MAGIC) throw new BackupError('invalid database');
  const len = Number(new DataView(file.buffer, file.byteOffset, file.byteLength).getBigUint64(8, true));
  if (16 + len > file.length) throw new BackupError('invalid database');
  return file.slice(16, 16 + len);
}
