// Facts about etcd backups on a lab host, each with the words a failing check shows: what a
// snapshot file really holds (its sha256 trailer checked and its bbolt pages decoded as
// etcdutl does), what a restored data directory holds and who owns it, and which data
// directory the running etcd said it started with.
import { BackupError, decodeDbFile, hasSha256, verifySnapshotFile } from '../../src/etcd/server/backup.ts';
import type { EtcdDbState } from '../../src/etcd/backend/etcd-db.ts';
import { isFsError } from '../../src/platform/filesystem.ts';
import { managerFor } from '../../src/sandbox/systemd/manager.ts';
import type { Host } from '../../src/sandbox/types.ts';

const text = new TextDecoder();

/** A live key of a backend file at its newest revision. */
export interface StoredKey {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
}

/** What a decoded backend (snapshot or member/snap/db) serves: its revision and live keys. */
export interface BackendView {
  revision: number;
  keys: Map<string, StoredKey>;
  bytes: number;
}

/** The keys a backend serves at its newest revision: the last change of each key, tombstones removed. */
export function liveKeys(state: EtcdDbState): Map<string, StoredKey> {
  const changes = [...state.changes].sort((a, b) => a.main - b.main || a.sub - b.sub);
  const live = new Map<string, StoredKey>();
  for (const c of changes) {
    const key = text.decode(c.kv.key.length ? c.kv.key : Uint8Array.from(c.key, (ch) => ch.charCodeAt(0)));
    if (c.tombstone) live.delete(key);
    else live.set(key, { key, value: text.decode(c.kv.value), createRevision: c.kv.createRevision, modRevision: c.kv.modRevision });
  }
  return live;
}

function readBytes(host: Host, path: string): { bytes: Uint8Array } | { problem: string } {
  try {
    const st = host.rootFs.stat(path);
    if (st.type !== 'file') return { problem: `${path} is a ${st.type === 'dir' ? 'directory' : st.type}, not a file` };
    return { bytes: host.rootFs.readFile(path) };
  } catch (e) {
    if (isFsError(e)) return { problem: `${path} does not exist` };
    throw e;
  }
}

/**
 * A snapshot file as `etcdctl snapshot save` writes it: a bbolt file in etcd's schema
 * followed by the sha256 of those bytes. Checked the way `etcdutl snapshot restore`
 * checks it before it trusts the file.
 */
export function readSnapshot(host: Host, path: string): { snapshot: BackendView } | { problem: string } {
  const r = readBytes(host, path);
  if ('problem' in r) return r;
  const file = r.bytes;
  if (file.length === 0) return { problem: `${path} is empty (did etcdctl snapshot save fail?)` };
  if (!hasSha256(file)) {
    return { problem: `${path} (${file.length} bytes) has no sha256 trailer, so it is not a file etcdctl snapshot save wrote (a copy of member/snap/db has none; etcdutl snapshot restore would refuse it: "snapshot missing hash but --skip-hash-check=false")` };
  }
  let db: Uint8Array;
  try {
    db = verifySnapshotFile(file);
  } catch (e) {
    if (e instanceof BackupError) return { problem: `${path} is damaged: its last 32 bytes are not the sha256 of the rest (etcdutl snapshot restore would stop with "${e.message.slice(0, 60)}…")` };
    throw e;
  }
  const decoded = decodeBackend(db, path);
  if ('problem' in decoded) return decoded;
  return { snapshot: { ...decoded.view, bytes: file.length } };
}

function decodeBackend(db: Uint8Array, path: string): { view: BackendView } | { problem: string } {
  try {
    const state = decodeDbFile(db);
    return { view: { revision: state.currentRevision, keys: liveKeys(state), bytes: db.length } };
  } catch (e) {
    if (e instanceof BackupError) return { problem: `${path} is not an etcd database: ${e.message}` };
    throw e;
  }
}

/** A data directory's backend file (member/snap/db), decoded. */
export function readMemberDb(host: Host, dataDir: string): { db: BackendView } | { problem: string } {
  const path = `${dataDir}/member/snap/db`;
  const r = readBytes(host, path);
  if ('problem' in r) return r;
  const decoded = decodeBackend(r.bytes, path);
  return 'problem' in decoded ? decoded : { db: decoded.view };
}

/** Names of the entries of a directory, or undefined when it is not one. */
export function listDir(host: Host, path: string): string[] | undefined {
  try {
    if (host.rootFs.stat(path).type !== 'dir') return undefined;
    return host.rootFs.readdir(path);
  } catch (e) {
    if (isFsError(e)) return undefined;
    throw e;
  }
}

/** Every path under `root` (root included) whose owner or group is not `user`; bounded. */
export function notOwnedBy(host: Host, root: string, user: string, limit = 10_000): { path: string; owner: string }[] {
  const u = host.users.byName(user);
  const g = host.users.groupByName(user);
  const out: { path: string; owner: string }[] = [];
  const queue = [root];
  for (let seen = 0; queue.length && seen < limit; seen++) {
    const p = queue.shift()!;
    let st;
    try {
      st = host.rootFs.stat(p);
    } catch {
      continue;
    }
    if (st.uid !== u?.uid || st.gid !== g?.gid) {
      const owner = `${host.users.byUid(st.uid)?.name ?? st.uid}:${host.users.groupByGid(st.gid)?.name ?? st.gid}`;
      out.push({ path: p, owner });
    }
    if (st.type === 'dir') for (const name of listDir(host, p) ?? []) queue.push(`${p === '/' ? '' : p}/${name}`);
  }
  return out;
}

/**
 * The data directory a process of a unit said it started with: the "data-dir" of etcd's
 * "starting an etcd server" log line, as `journalctl -u etcd` shows it.
 */
export function loggedDataDir(host: Host, unit: string, pid: number): string | undefined {
  const entries = managerFor(host).journal.query({ unit: [unit] });
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.pid !== pid || !e.message.startsWith('{')) continue;
    try {
      const line = JSON.parse(e.message) as { msg?: string; 'data-dir'?: string };
      if (line.msg === 'starting an etcd server' && typeof line['data-dir'] === 'string') return line['data-dir'];
    } catch {
      /* a line that is not etcd's JSON */
    }
  }
  return undefined;
}
