// v3lock: Lock and Unlock as etcd's lock server does them, with concurrency.Mutex's recipe.
// Lock puts `<name>/<lease hex>` (with the lease) unless this lease already queued there,
// then waits until every key under the prefix created before it is gone.
import type { ServerHeader } from '../etcd-server.ts';
import type { KeyValue, ResponseOp } from '../../mvcc/types.ts';
import { ServerError } from '../errors.ts';
import { BACKGROUND, firstCreated, queueKey, queuePrefix, sessionLease, waitDeletes, type ConcurrencyBackend } from './recipes.ts';

export interface LockResult {
  header: ServerHeader;
  key: Uint8Array;
}

export function rangeKvs(op: ResponseOp | undefined): KeyValue[] {
  return op && 'responseRange' in op ? op.responseRange.kvs : [];
}

/** LockRequest{name, lease}: resolves once the lock is held; the key owns it until deleted or the lease ends. */
export async function lock(srv: ConcurrencyBackend, name: Uint8Array, lease: string, signal: AbortSignal): Promise<LockResult> {
  const id = await sessionLease(srv, lease, signal);
  const prefix = queuePrefix(name);
  const myKey = queueKey(prefix, id);
  const resp = await srv.txn(
    {
      compare: [{ result: 'EQUAL', target: 'CREATE', key: myKey, createRevision: 0 }],
      success: [{ requestPut: { key: myKey, value: new Uint8Array(), lease: id } }, { requestRange: firstCreated(prefix) }],
      failure: [{ requestRange: { key: myKey } }, { requestRange: firstCreated(prefix) }],
    },
    signal,
  );
  // This lease may already be queued (a retried Lock): keep its place in the queue.
  const myRev = resp.succeeded ? resp.header.revision : (rangeKvs(resp.responses[0])[0]?.createRevision ?? resp.header.revision);
  const owner = rangeKvs(resp.responses[1])[0];
  if (!owner || owner.createRevision === myRev) return { header: resp.header, key: myKey };
  try {
    await waitDeletes(srv, prefix, myRev - 1, signal);
    const g = await srv.range({ key: myKey }, signal);
    if (g.kvs.length === 0) throw new ServerError('Unknown', 'mutex: session is expired');
    return { header: g.header, key: myKey };
  } catch (e) {
    // The caller gave up (or the wait failed): leave the queue so nobody waits on us.
    if (!(e instanceof ServerError && e.message === 'mutex: session is expired')) await srv.deleteRange({ key: myKey }, BACKGROUND).catch(() => undefined);
    throw e;
  }
}

/** UnlockRequest{key}: deletes the key (whoever holds it), as etcd's lock server does. */
export async function unlock(srv: ConcurrencyBackend, key: Uint8Array, signal: AbortSignal): Promise<{ header: ServerHeader }> {
  const r = await srv.deleteRange({ key }, signal);
  return { header: r.header };
}
