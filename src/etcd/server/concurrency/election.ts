// v3election: Campaign, Proclaim, Leader, Observe and Resign as etcd's election server does
// them with concurrency.Election. A candidate queues `<name>/<lease hex>` = value; the oldest
// key under the prefix is the leader.
import type { ServerHeader } from '../etcd-server.ts';
import type { KeyValue } from '../../mvcc/types.ts';
import { prefixEnd } from '../../mvcc/bytes.ts';
import { ServerError } from '../errors.ts';
import { BACKGROUND, firstCreated, queueKey, queuePrefix, sessionLease, waitDeletes, watchUntil, type ConcurrencyBackend } from './recipes.ts';
import { rangeKvs } from './lock.ts';

export interface LeaderKey {
  name: Uint8Array;
  key: Uint8Array;
  rev: number;
  /** Hex lease id ('' = none). */
  lease: string;
}

export interface LeaderResult {
  header: ServerHeader;
  kv: KeyValue;
}

const notLeader = () => new ServerError('Unknown', 'election: not leader');
const noLeader = () => new ServerError('Unknown', 'election: no leader');
/** v3election.ErrMissingLeaderKey. */
export const missingLeaderKey = () => new ServerError('Unknown', '"leader" field must be provided');

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Campaign: queues the candidate and resolves once it leads. */
export async function campaign(srv: ConcurrencyBackend, name: Uint8Array, lease: string, value: Uint8Array, signal: AbortSignal): Promise<{ header: ServerHeader; leader: LeaderKey }> {
  const id = await sessionLease(srv, lease, signal);
  const prefix = queuePrefix(name);
  const key = queueKey(prefix, id);
  const resp = await srv.txn(
    {
      compare: [{ result: 'EQUAL', target: 'CREATE', key, createRevision: 0 }],
      success: [{ requestPut: { key, value, lease: id } }],
      failure: [{ requestRange: { key } }],
    },
    signal,
  );
  const leader: LeaderKey = { name, key, rev: resp.header.revision, lease: id };
  if (!resp.succeeded) {
    const kv = rangeKvs(resp.responses[0])[0];
    if (kv) {
      leader.rev = kv.createRevision;
      if (!sameBytes(kv.value, value)) {
        try {
          await proclaim(srv, leader, value, signal);
        } catch (e) {
          await resign(srv, leader, BACKGROUND).catch(() => undefined);
          throw e;
        }
      }
    }
  }
  try {
    await waitDeletes(srv, prefix, leader.rev - 1, signal);
  } catch (e) {
    // Only a candidate that gave up leaves the queue; on other errors it stays queued.
    if (signal.aborted) await resign(srv, leader, BACKGROUND).catch(() => undefined);
    throw e;
  }
  return { header: resp.header, leader };
}

/** Proclaim: a new value under the leader's key, if that key is still the one it created. */
export async function proclaim(srv: ConcurrencyBackend, leader: LeaderKey, value: Uint8Array, signal: AbortSignal): Promise<{ header: ServerHeader }> {
  const r = await srv.txn(
    {
      compare: [{ result: 'EQUAL', target: 'CREATE', key: leader.key, createRevision: leader.rev }],
      success: [{ requestPut: { key: leader.key, value, lease: leader.lease } }],
    },
    signal,
  );
  if (!r.succeeded) throw notLeader();
  return { header: r.header };
}

/** Resign: deletes the leader's key if it is still the one it created. */
export async function resign(srv: ConcurrencyBackend, leader: LeaderKey, signal: AbortSignal): Promise<{ header: ServerHeader }> {
  const r = await srv.txn({ compare: [{ result: 'EQUAL', target: 'CREATE', key: leader.key, createRevision: leader.rev }], success: [{ requestDeleteRange: { key: leader.key } }] }, signal);
  return { header: r.header };
}

/** Leader: the oldest key under the election's prefix. */
export async function leader(srv: ConcurrencyBackend, name: Uint8Array, signal: AbortSignal): Promise<LeaderResult> {
  const r = await srv.range(firstCreated(queuePrefix(name)), signal);
  const kv = r.kvs[0];
  if (!kv) throw noLeader();
  return { header: r.header, kv };
}

/**
 * Observe: sends the current leader, each new value it proclaims, and each next leader,
 * until the context ends (then rejects with its error).
 */
export async function observe(srv: ConcurrencyBackend, name: Uint8Array, signal: AbortSignal, send: (r: LeaderResult) => void): Promise<never> {
  const prefix = queuePrefix(name);
  for (;;) {
    const resp = await srv.range(firstCreated(prefix), signal);
    let current: LeaderResult | undefined = resp.kvs[0] ? { header: resp.header, kv: resp.kvs[0] } : undefined;
    if (!current) {
      // No leader yet: the first put under the prefix is the next one.
      await watchUntil(srv, { key: prefix, rangeEnd: prefixEnd(prefix), startRevision: resp.header.revision }, signal, (wr) => {
        const put = wr.events.find((e) => e.type === 'PUT');
        if (put) current = { header: srv.header(put.kv.modRevision), kv: put.kv };
        return put !== undefined;
      });
    }
    const first = current!;
    send(first);
    await watchUntil(srv, { key: first.kv.key, startRevision: first.header.revision + 1 }, signal, (wr) => {
      for (const e of wr.events) {
        if (e.type === 'DELETE') return true;
        send({ header: srv.header(wr.header.revision), kv: e.kv });
      }
      return false;
    });
  }
}
