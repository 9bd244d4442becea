// What etcdutl computes from a backend file: `snapshot status` (etcd 3.6's v3Manager.Status:
// bbolt's integrity check, then a CRC-32C over every bucket name, key and value, the
// newest revision and the live keys of the "key" bucket, the file's size and its storage
// version), `hashkv` (the KV history hash etcd's HashStorage computes) and `defrag`
// (the same buckets rewritten into a compact file).
import { checkBolt, openBolt, writeBolt, type BoltFile } from '../etcd/backend/bbolt/index.ts';
import { bucketOf } from '../etcd/backend/bbolt/index.ts';
import { decodeEtcdBolt, decodeKeyValue, encodeEtcdDb, parseRevisionKey } from '../etcd/backend/etcd-db.ts';
import { Crc32c } from '../etcd/mvcc/hash.ts';
import { toBin } from '../etcd/mvcc/bytes.ts';
import { MvccStore } from '../etcd/mvcc/index.ts';
import { storeBytesOf } from '../etcd/server/backup.ts';

export interface SnapshotStatus {
  hash: number;
  revision: number;
  totalKey: number;
  totalSize: number;
  version: string;
}

export class EtcdutlError extends Error {}

const dec = new TextDecoder();

/** etcdutl snapshot status on a file's bytes. */
export function snapshotStatus(file: Uint8Array): SnapshotStatus {
  const { db, errors } = checkBolt(file);
  if (errors.length > 0) throw new EtcdutlError(`snapshot file integrity check failed. ${errors.length} errors found.\n` + errors.join('\n'));
  const sv = bucketOf(db, 'meta')?.entries.find((e) => dec.decode(e.key) === 'storageVersion')?.value;
  const h = new Crc32c();
  let revision = 0;
  const seen = new Set<string>();
  for (const b of db.root.entries) {
    if (!b.bucket) throw new EtcdutlError(`nil bucket: ${JSON.stringify(dec.decode(b.key))}`);
    h.update(b.key);
    const isKey = dec.decode(b.key) === 'key';
    for (const e of b.bucket.entries) {
      h.update(e.key);
      if (e.value) h.update(e.value);
      if (!isKey || !e.value) continue;
      let r: ReturnType<typeof parseRevisionKey>;
      let key: string;
      try {
        r = parseRevisionKey(e.key);
        key = toBin(decodeKeyValue(e.value).key);
      } catch (err) {
        throw new EtcdutlError(`error during bucket key iteration, name: "key" err: ${(err as Error).message}`);
      }
      revision = r.main;
      if (r.tombstone) seen.delete(key);
      else seen.add(key);
    }
  }
  return { hash: h.digest(), revision, totalKey: seen.size, totalSize: db.size, version: sv ? dec.decode(sv) : '' };
}

export interface HashKvResult {
  hash: number;
  hashRevision: number;
  compactRevision: number;
}

/** etcdutl hashkv: the KV hash at `rev` (0 = newest) of a backend file. */
export function hashKvOfFile(file: Uint8Array, rev: number): HashKvResult {
  const state = decodeEtcdBolt(openBolt(file));
  const store = MvccStore.restore(storeBytesOf(state), 0);
  let r: ReturnType<MvccStore['hashKV']>;
  try {
    r = store.hashKV(rev);
  } catch (e) {
    // The store speaks as the server does ("etcdserver: mvcc: …"); etcdutl gets mvcc's own error.
    throw new EtcdutlError((e as Error).message.replace(/^etcdserver: /, ''));
  }
  return { hash: r.hash, hashRevision: r.hashRevision, compactRevision: r.compactRevision };
}

/** The backend a missing file becomes when etcd's backend opens it: empty, with etcd's buckets. */
export function emptyBackend(): Uint8Array {
  return encodeEtcdDb({ currentRevision: 1, compactRevision: -1, consistentIndex: 0, term: 0, changes: [], leases: [], members: [], removedMembers: [] });
}

/** etcdutl defrag: the same buckets, keys and values in a compact file; sizes before and after. */
export function defragFile(file: Uint8Array): { out: Uint8Array; before: BoltFile; after: BoltFile } {
  const before = openBolt(file);
  const out = writeBolt(before.root);
  return { out, before, after: openBolt(out) };
}
