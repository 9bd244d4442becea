// Which keys a user may read or write: the union of its roles' permissions, checked as
// etcd's range permission cache does (server/auth/range_perm_cache.go). A permission or a
// request with range_end [0] is open-ended (every key from `key` on); an empty range_end is
// the one key.
import { compareBytes } from '../mvcc/bytes.ts';
import { PERM_READ, PERM_READWRITE, PERM_WRITE, type Permission, type Role, type User } from './authpb.ts';

/** [start, end) with end undefined = no upper bound. */
interface Interval {
  start: Uint8Array;
  end: Uint8Array | undefined;
}

export interface UserPermissions {
  read: Interval[];
  write: Interval[];
}

const isOpenEnded = (rangeEnd: Uint8Array) => rangeEnd.length === 1 && rangeEnd[0] === 0;

/** The key just after `key` in byte order (key + "\0"): a point as an interval. */
function afterKey(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key);
  return out;
}

function intervalOf(p: Permission): Interval {
  if (p.rangeEnd.length === 0) return { start: p.key, end: afterKey(p.key) };
  return { start: p.key, end: isOpenEnded(p.rangeEnd) ? undefined : p.rangeEnd };
}

/** etcd's getMergedPerms: what each of the user's (existing) roles grants, by kind. */
export function mergedPermissions(user: User, roleOf: (name: string) => Role | undefined): UserPermissions {
  const out: UserPermissions = { read: [], write: [] };
  for (const name of user.roles) {
    const role = roleOf(name);
    if (!role) continue;
    for (const p of role.keyPermission) {
      const ivl = intervalOf(p);
      if (p.permType === PERM_READ || p.permType === PERM_READWRITE) out.read.push(ivl);
      if (p.permType === PERM_WRITE || p.permType === PERM_READWRITE) out.write.push(ivl);
    }
  }
  return out;
}

/** end a ≤ end b, undefined being +∞. */
const endLe = (a: Uint8Array | undefined, b: Uint8Array | undefined) => b === undefined || (a !== undefined && compareBytes(a, b) <= 0);

/**
 * Whether the intervals cover [key, rangeEnd) (rangeEnd empty: the key alone; [0]: open-ended),
 * as etcd's interval tree answers Intersects (a point) and Contains (a range).
 */
export function covers(intervals: readonly Interval[], key: Uint8Array, rangeEnd: Uint8Array): boolean {
  if (rangeEnd.length === 0) {
    return intervals.some((i) => compareBytes(i.start, key) <= 0 && (i.end === undefined || compareBytes(key, i.end) < 0));
  }
  const want: Interval = { start: key, end: isOpenEnded(rangeEnd) ? undefined : rangeEnd };
  // Sweep from the start: keep extending the covered prefix with intervals that reach it.
  let reached = want.start;
  for (let guard = 0; guard <= intervals.length; guard++) {
    let best: Uint8Array | undefined | null = null;
    for (const i of intervals) {
      if (compareBytes(i.start, reached) > 0) continue;
      if (i.end !== undefined && compareBytes(i.end, reached) <= 0) continue;
      if (best === null || !endLe(i.end, best)) best = i.end;
    }
    if (best === null) return false;
    if (endLe(want.end, best)) return true;
    reached = best!;
  }
  return false;
}

export function permits(perms: UserPermissions, key: Uint8Array, rangeEnd: Uint8Array, kind: 'read' | 'write'): boolean {
  return covers(kind === 'read' ? perms.read : perms.write, key, rangeEnd);
}

/** etcd's isValidPermissionRange: a key, and a range_end that is empty, after it, or [0]. */
export function isValidPermissionRange(key: Uint8Array, rangeEnd: Uint8Array): boolean {
  if (key.length === 0) return false;
  if (rangeEnd.length === 0) return true;
  if (compareBytes(key, rangeEnd) < 0) return true;
  return isOpenEnded(rangeEnd);
}
