// clientv3/concurrency's building blocks, run inside the server over its own KV, lease and
// watch (etcd's v3lock and v3election servers use the same recipes through an in-process
// client): a session lease, the wait for every older key under a prefix to be deleted.
import type { EtcdServer, ServerHeader } from '../etcd-server.ts';
import type { KeyValue, RangeRequest, WatchResponse } from '../../mvcc/types.ts';
import type { WatchOptions } from '../../mvcc/watch-hub.ts';
import { prefixEnd } from '../../mvcc/bytes.ts';
import { ServerError } from '../errors.ts';
import { contextErrorOf, whenAborted } from '../request-context.ts';

/** What the recipes need of a member. */
export type ConcurrencyBackend = Pick<EtcdServer, 'range' | 'txn' | 'deleteRange' | 'watch' | 'leaseGrant' | 'header'>;

/** concurrency's defaultSessionTTL: a Lock or Campaign without a lease gets one of 60 s. */
export const DEFAULT_SESSION_TTL = 60;

const utf8 = new TextEncoder();

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** `<name>/`: the queue every holder and waiter of one lock or election writes under. */
export function queuePrefix(name: Uint8Array): Uint8Array {
  return concatBytes(name, utf8.encode('/'));
}

/** `<name>/<lease id in hex>` (Go's %x of the lease id: no leading zeros). */
export function queueKey(prefix: Uint8Array, leaseHex: string): Uint8Array {
  return concatBytes(prefix, utf8.encode(leaseHex));
}

/** clientv3.WithFirstCreate over a prefix: the oldest key (the holder). */
export function firstCreated(prefix: Uint8Array): RangeRequest {
  return { key: prefix, rangeEnd: prefixEnd(prefix), sortTarget: 'CREATE', sortOrder: 'ASCEND', limit: 1 };
}

/**
 * NewSession(WithLease(lease)): the request's lease, or (lease 0) a new lease of
 * DEFAULT_SESSION_TTL that nobody keeps alive (the server orphans the session at once).
 */
export async function sessionLease(srv: ConcurrencyBackend, lease: string, signal: AbortSignal): Promise<string> {
  if (lease !== '' && lease !== '0') return lease;
  return (await srv.leaseGrant(DEFAULT_SESSION_TTL, '', signal)).id;
}

/**
 * Delivers the watch's responses to `onResponse` until it returns true (done); rejects when
 * the watch is canceled (compacted start revision) or the request's context ends.
 */
export function watchUntil(srv: ConcurrencyBackend, opts: WatchOptions, signal: AbortSignal, onResponse: (r: WatchResponse) => boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(contextErrorOf(signal));
    let settled = false;
    let stopListening = () => {};
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      stopListening();
      // Cancel outside the watcher's own delivery call.
      queueMicrotask(() => handle.cancel());
      if (err) reject(err);
      else resolve();
    };
    const handle = srv.watch(opts, (r) => {
      if (settled) return true;
      if (r.canceled) {
        finish(r.compactRevision > 0 ? new ServerError('OutOfRange', 'etcdserver: mvcc: required revision has been compacted') : new ServerError('Unknown', r.cancelReason || 'watch canceled'));
        return true;
      }
      try {
        if (onResponse(r)) finish();
      } catch (e) {
        finish(e as Error);
      }
      return true;
    });
    stopListening = whenAborted(signal, () => finish(contextErrorOf(signal)));
    if (!settled) handle.start();
  });
}

/** waitDelete: watches `key` from `revision` until a DELETE event for it. */
export function waitDelete(srv: ConcurrencyBackend, key: Uint8Array, revision: number, signal: AbortSignal): Promise<void> {
  return watchUntil(srv, { key, startRevision: revision }, signal, (r) => r.events.some((e) => e.type === 'DELETE'));
}

/**
 * waitDeletes: until no key under `prefix` was created at or before `maxCreateRevision`,
 * waits for the youngest such key to be deleted (each waiter watches only the one ahead).
 */
export async function waitDeletes(srv: ConcurrencyBackend, prefix: Uint8Array, maxCreateRevision: number, signal: AbortSignal): Promise<void> {
  for (;;) {
    const r = await srv.range({ key: prefix, rangeEnd: prefixEnd(prefix), sortTarget: 'CREATE', sortOrder: 'DESCEND', limit: 1, maxCreateRevision }, signal);
    const last: KeyValue | undefined = r.kvs[0];
    if (!last) return;
    await waitDelete(srv, last.key, r.header.revision, signal);
  }
}

/** A context for cleanup after the request's own context ended (the server's client.Ctx()). */
export const BACKGROUND: AbortSignal = new AbortController().signal;

export type { ServerHeader };
