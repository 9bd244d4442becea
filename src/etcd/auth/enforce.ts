// Where etcd checks permissions once auth is enabled:
//  - when applying a write (etcd's authApplierV3), on every member alike, with the caller the
//    proposer put in the entry: put / delete / txn need write (and read for prev_kv, txn
//    compares and ranges), attaching to or revoking a lease needs write on its keys;
//  - in the API layer for what does not go through raft: ranges and watches need read,
//    maintenance and membership calls need the root role (etcd's authMaintenanceServer and
//    checkMembershipOperationPermission).
import type { MvccStore } from '../mvcc/index.ts';
import { fromBin } from '../mvcc/bytes.ts';
import type { ApplyRequest, DeleteRangeRequest, PutRequest, RequestOp, TxnRequest } from '../mvcc/types.ts';
import type { AuthInfo, AuthStore } from './auth-store.ts';
import type { Credentials } from './credentials.ts';
import { AuthErrors } from './auth-errors.ts';

const none = new Uint8Array();
const nobody: AuthInfo = { username: '', revision: 0 };

/** checkLeasePuts: a lease with keys the caller may not write cannot be reused or revoked. */
function checkLease(auth: AuthStore, ai: AuthInfo, store: MvccStore, leaseId: string | undefined): void {
  if (!leaseId) return;
  const lease = store.lessor.lookup(leaseId);
  if (!lease || lease.keys.size === 0) return;
  try {
    auth.checkAdmin(ai);
    return;
  } catch {
    // not root: every key must be writable
  }
  for (const k of lease.keys) auth.checkKeys(ai, fromBin(k), none, 'write');
}

function checkPut(auth: AuthStore, ai: AuthInfo, store: MvccStore, r: PutRequest): void {
  auth.checkKeys(ai, r.key, none, 'write');
  checkLease(auth, ai, store, r.lease);
  if (r.prevKv) auth.checkKeys(ai, r.key, none, 'read');
}

function checkDelete(auth: AuthStore, ai: AuthInfo, r: DeleteRangeRequest): void {
  auth.checkKeys(ai, r.key, r.rangeEnd ?? none, 'write');
  if (r.prevKv) auth.checkKeys(ai, r.key, r.rangeEnd ?? none, 'read');
}

function checkTxn(auth: AuthStore, ai: AuthInfo, store: MvccStore, t: TxnRequest): void {
  for (const c of t.compare ?? []) auth.checkKeys(ai, c.key, c.rangeEnd ?? none, 'read');
  const ops = (list: RequestOp[] | undefined) => {
    for (const op of list ?? []) {
      if ('requestRange' in op) auth.checkKeys(ai, op.requestRange.key, op.requestRange.rangeEnd ?? none, 'read');
      else if ('requestPut' in op) checkPut(auth, ai, store, op.requestPut);
      else if ('requestDeleteRange' in op) checkDelete(auth, ai, op.requestDeleteRange);
      else if ('requestTxn' in op) checkTxn(auth, ai, store, op.requestTxn);
    }
  };
  ops(t.success);
  ops(t.failure);
}

/** The apply-time check of a store request; throws etcd's error, leaving the store untouched. */
export function checkApplyPermission(auth: AuthStore, user: AuthInfo | undefined, req: ApplyRequest, store: MvccStore): void {
  if (!auth.isEnabled) return;
  const ai = user ?? nobody;
  if ('put' in req) checkPut(auth, ai, store, req.put);
  else if ('deleteRange' in req) checkDelete(auth, ai, req.deleteRange);
  else if ('txn' in req) checkTxn(auth, ai, store, req.txn);
  else if ('range' in req) auth.checkKeys(ai, req.range.key, req.range.rangeEnd ?? none, 'read');
  else if ('leaseRevoke' in req) checkLease(auth, ai, store, req.leaseRevoke.id);
}

/** A read outside raft (Range, Watch): the caller needs read permission on the range. */
export function checkRead(auth: AuthStore, creds: Credentials | undefined, key: Uint8Array, rangeEnd: Uint8Array | undefined): void {
  if (!auth.isEnabled) return;
  auth.checkKeys(auth.authInfoFrom(creds) ?? nobody, key, rangeEnd ?? none, 'read');
}

/** Maintenance and membership calls: the caller needs the root role. */
export function checkAdmin(auth: AuthStore, creds: Credentials | undefined): void {
  if (!auth.isEnabled) return;
  auth.checkAdmin(auth.authInfoFrom(creds));
}

/** etcd's isWatchPermitted: any failure (no user, bad token, no read permission) refuses the watch. */
export function watchPermitted(auth: AuthStore, creds: Credentials | undefined, key: Uint8Array, rangeEnd: Uint8Array | undefined): boolean {
  try {
    checkRead(auth, creds, key, rangeEnd);
    return true;
  } catch {
    return false;
  }
}

/** The cancel reason of a refused watch: the gRPC error's text, as etcd writes it. */
export const WATCH_DENIED = 'rpc error: code = PermissionDenied desc = etcdserver: permission denied';

/**
 * etcd's checkLeaseRenew / checkLeaseTimeToLive / checkLeaseLeases: without the root role,
 * the caller needs `kind` permission on every key attached to these leases.
 */
export function checkLeaseKeys(auth: AuthStore, creds: Credentials | undefined, store: MvccStore, leaseIds: string[], kind: 'read' | 'write'): void {
  if (!auth.isEnabled) return;
  const ai = auth.authInfoFrom(creds);
  if (!ai) throw AuthErrors.userEmpty();
  try {
    auth.checkAdmin(ai);
    return;
  } catch {
    // not root: look at the keys
  }
  for (const id of leaseIds) {
    for (const k of store.lessor.lookup(id)?.keys ?? []) auth.checkKeys(ai, fromBin(k), none, kind);
  }
}
