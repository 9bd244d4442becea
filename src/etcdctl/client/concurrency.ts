// clientv3/concurrency's recipes, client side, over the JSON gateway: a Session (a lease kept
// alive), a Mutex and an Election. Both queue a key `<name>/<lease id in hex>` under the
// name's prefix; the oldest key holds the lock / leads, each later one waits for the key
// created just before it to be deleted.
//
// Two clients play Go's two contexts: `ctx` aborts on Ctrl-C (the command's context), `bg`
// does not (context.TODO / client.Ctx()), for the clean-up after an interrupt.
import type { Clock } from '../../platform/clock.ts';
import { sleep } from '../../platform/clock.ts';
import type { GatewayClient } from './gateway-client.ts';
import { RpcError } from './rpc-error.ts';
import { asObject, big, decodeRange, decodeTxn, decodeWatch, type Header, type KeyValue, type RangeResponse } from './types.ts';

const b64 = (b: Uint8Array | string) => Buffer.from(typeof b === 'string' ? Buffer.from(b, 'utf8') : b).toString('base64');

function prefixEnd(key: Uint8Array): Uint8Array {
  for (let i = key.length - 1; i >= 0; i--) {
    if (key[i]! < 0xff) {
      const end = key.slice(0, i + 1);
      end[i] = end[i]! + 1;
      return end;
    }
  }
  return Uint8Array.of(0);
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** clientv3.WithFirstCreate / WithLastCreate over a prefix, as a gateway RangeRequest. */
function oldestOrYoungest(prefix: string, order: 'ASCEND' | 'DESCEND', maxCreateRevision?: bigint): Record<string, unknown> {
  const key = utf8(prefix);
  const r: Record<string, unknown> = { key: b64(key), range_end: b64(prefixEnd(key)), limit: '1', sort_order: order, sort_target: 'CREATE' };
  if (maxCreateRevision !== undefined) r.max_create_revision = maxCreateRevision.toString();
  return r;
}

const CANCELED = () => new RpcError('Canceled', 'context canceled');

async function range(c: GatewayClient, body: Record<string, unknown>): Promise<RangeResponse> {
  return decodeRange(await c.call('/etcdserverpb.KV/Range', '/v3/kv/range', body, undefined));
}

async function txn(c: GatewayClient, body: Record<string, unknown>) {
  return decodeTxn(await c.call('/etcdserverpb.KV/Txn', '/v3/kv/txn', body, undefined));
}

/** A lease, renewed every TTL/3 seconds until closed; `done` settles when it is lost. */
export class Session {
  private readonly stop = new AbortController();
  readonly done: Promise<void>;

  private constructor(
    readonly leaseId: bigint,
    readonly ttl: number,
    bg: GatewayClient,
    clock: Clock,
  ) {
    this.done = this.keepAlive(bg, clock);
  }

  /** NewSession: grants a lease of `ttl` seconds (through `ctx`: an interrupt here just ends the program). */
  static async create(ctx: GatewayClient, bg: GatewayClient, clock: Clock, ttl: number): Promise<Session> {
    const r = asObject(await ctx.call('/etcdserverpb.Lease/LeaseGrant', '/v3/lease/grant', { TTL: String(ttl), ID: '0' }, undefined));
    return new Session(big(r.ID), Number(big(r.TTL)) || ttl, bg, clock);
  }

  /** The lease id as Go's %x prints it: lowercase hex without leading zeros. */
  get leaseHex(): string {
    return this.leaseId.toString(16);
  }

  /** Stops renewing (the lease then expires on the server after its TTL, as etcdctl leaves it). */
  close(): void {
    this.stop.abort();
  }

  /** clientv3's keep-alive: renews until a renewal says the lease is gone or none succeeds for a whole TTL. */
  private async keepAlive(bg: GatewayClient, clock: Clock): Promise<void> {
    let lastOk = clock.now();
    let ttl = this.ttl;
    for (;;) {
      let got: Record<string, unknown> | undefined;
      try {
        await bg.stream('/v3/lease/keepalive', { ID: this.leaseId.toString() }, (m) => ((got = m), false), { signal: this.stop.signal });
      } catch {
        got = undefined;
      }
      if (this.stop.signal.aborted) return;
      if (got) {
        const t = Number(big(asObject(got).TTL));
        if (t <= 0) return;
        ttl = t;
        lastOk = clock.now();
      } else if (clock.now() - lastOk > ttl * 1000) return;
      try {
        await sleep(clock, got ? Math.max(500, (ttl * 1000) / 3) : 500, this.stop.signal);
      } catch {
        return;
      }
    }
  }
}

/**
 * waitDelete: watches `key` from `revision` until it is deleted. Rejects with "context
 * canceled" when `ctx` is interrupted, or with the watch's error.
 */
async function waitDelete(ctx: GatewayClient, key: Uint8Array, revision: bigint): Promise<void> {
  let deleted = false;
  let failure: RpcError | undefined;
  await ctx.stream(
    '/v3/watch',
    { create_request: { key: b64(key), start_revision: revision.toString() } },
    (m) => {
      const r = decodeWatch(m);
      if (r.canceled) {
        failure = new RpcError(r.compactRevision > 0n ? 'OutOfRange' : 'Unknown', r.compactRevision > 0n ? 'etcdserver: mvcc: required revision has been compacted' : r.cancelReason || 'watch canceled');
        return false;
      }
      deleted = r.events.some((e) => e.type === 'DELETE');
      return !deleted;
    },
    {},
  );
  if (deleted) return;
  if (failure) throw failure;
  if (ctx.opts.signal?.aborted) throw CANCELED();
  throw new RpcError('Unknown', 'lost watcher waiting for delete');
}

/** waitDeletes: until no key under `prefix` was created at or before maxCreateRevision. */
async function waitDeletes(ctx: GatewayClient, prefix: string, maxCreateRevision: bigint): Promise<void> {
  for (;;) {
    const r = await range(ctx, oldestOrYoungest(prefix, 'DESCEND', maxCreateRevision));
    const last = r.kvs[0];
    if (!last) return;
    await waitDelete(ctx, last.key, r.header.revision);
  }
}

/** What a queue attempt found: our key's create revision and whether we are first. */
async function enqueue(ctx: GatewayClient, prefix: string, key: string, value: string, lease: bigint, withOwner: boolean) {
  const owner = { request_range: oldestOrYoungest(prefix, 'ASCEND') };
  const resp = await txn(ctx, {
    compare: [{ result: 'EQUAL', target: 'CREATE', key: b64(key), create_revision: '0' }],
    success: [{ request_put: { key: b64(key), value: b64(value), lease: lease.toString() } }, ...(withOwner ? [owner] : [])],
    failure: [{ request_range: { key: b64(key) } }, ...(withOwner ? [owner] : [])],
  });
  const mine = resp.responses[0]?.kind === 'range' ? resp.responses[0].r.kvs[0] : undefined;
  const myRev = resp.succeeded || !mine ? resp.header.revision : mine.createRevision;
  const first = resp.responses[1]?.kind === 'range' ? resp.responses[1].r.kvs[0] : undefined;
  return { resp, myRev, mine, first };
}

export class Mutex {
  private readonly prefix: string;
  private myKey = '';
  private myRev = -1n;
  header: Header | undefined;

  constructor(
    private readonly session: Session,
    name: string,
  ) {
    this.prefix = name + '/';
  }

  get key(): string {
    return this.myKey;
  }

  /** Lock: resolves once this session holds the lock; on an interrupt leaves the queue and rejects. */
  async lock(ctx: GatewayClient, bg: GatewayClient): Promise<void> {
    this.myKey = this.prefix + this.session.leaseHex;
    const q = await enqueue(ctx, this.prefix, this.myKey, '', this.session.leaseId, true);
    this.myRev = q.myRev;
    if (!q.first || q.first.createRevision === this.myRev) {
      this.header = q.resp.header;
      return;
    }
    let got: RangeResponse;
    try {
      await waitDeletes(ctx, this.prefix, this.myRev - 1n);
      got = await range(ctx, { key: b64(this.myKey) });
    } catch (e) {
      await this.unlock(bg).catch(() => undefined);
      throw e;
    }
    if (got.kvs.length === 0) throw new RpcError('Unknown', 'mutex: session is expired');
    this.header = got.header;
  }

  async unlock(bg: GatewayClient): Promise<void> {
    if (this.myKey === '' || this.myRev <= 0n) throw new RpcError('Unknown', 'mutex: lock has already been released');
    await bg.call('/etcdserverpb.KV/DeleteRange', '/v3/kv/deleterange', { key: b64(this.myKey) }, undefined);
    this.myKey = '\x00';
    this.myRev = -1n;
  }
}

export class Election {
  private readonly prefix: string;
  private leaderKey = '';
  private leaderRev = 0n;

  constructor(
    private readonly session: Session,
    name: string,
  ) {
    this.prefix = name + '/';
  }

  get key(): string {
    return this.leaderKey;
  }

  /** Campaign: queues `value` and resolves once this candidate leads. */
  async campaign(ctx: GatewayClient, bg: GatewayClient, value: string): Promise<void> {
    const key = this.prefix + this.session.leaseHex;
    const q = await enqueue(ctx, this.prefix, key, value, this.session.leaseId, false);
    this.leaderKey = key;
    this.leaderRev = q.myRev;
    if (!q.resp.succeeded && q.mine && text(q.mine.value) !== value) await this.proclaim(ctx, value);
    try {
      await waitDeletes(ctx, this.prefix, this.leaderRev - 1n);
    } catch (e) {
      if (ctx.opts.signal?.aborted) await this.resign(bg).catch(() => undefined);
      throw e;
    }
  }

  async proclaim(c: GatewayClient, value: string): Promise<void> {
    const r = await txn(c, {
      compare: [{ result: 'EQUAL', target: 'CREATE', key: b64(this.leaderKey), create_revision: this.leaderRev.toString() }],
      success: [{ request_put: { key: b64(this.leaderKey), value: b64(value), lease: this.session.leaseId.toString() } }],
    });
    if (!r.succeeded) throw new RpcError('Unknown', 'election: not leader');
  }

  /** Resign: deletes our key if it is still the one we created. */
  async resign(bg: GatewayClient): Promise<void> {
    if (this.leaderKey === '') return;
    await txn(bg, {
      compare: [{ result: 'EQUAL', target: 'CREATE', key: b64(this.leaderKey), create_revision: this.leaderRev.toString() }],
      success: [{ request_delete_range: { key: b64(this.leaderKey) } }],
    });
    this.leaderKey = '';
  }

  /**
   * Observe: calls `onLeader` with the leader now (or the first one to come), each value it
   * proclaims, then the next leader, until `ctx` is interrupted (resolves) or fails (rejects).
   */
  async observe(ctx: GatewayClient, onLeader: (r: RangeResponse) => Promise<void>): Promise<void> {
    const aborted = () => ctx.opts.signal?.aborted === true;
    const pkey = utf8(this.prefix);
    while (!aborted()) {
      const resp = await range(ctx, oldestOrYoungest(this.prefix, 'ASCEND'));
      let header = resp.header;
      let kv: KeyValue | undefined = resp.kvs[0];
      if (!kv) {
        // No leader yet: the first put under the prefix is the next leader.
        await ctx.stream('/v3/watch', { create_request: { key: b64(pkey), range_end: b64(prefixEnd(pkey)), start_revision: header.revision.toString() } }, (m) => {
          const w = decodeWatch(m);
          const put = w.events.find((e) => e.type === 'PUT');
          if (put) {
            kv = put.kv;
            header = { ...w.header, revision: put.kv.modRevision };
          }
          return !put && !w.canceled;
        }, {});
        if (!kv) return;
      }
      const leader: KeyValue = kv;
      await onLeader({ header, kvs: [leader], more: false, count: 0n });
      let gone = false;
      await ctx.stream('/v3/watch', { create_request: { key: b64(leader.key), start_revision: (header.revision + 1n).toString() } }, async (m) => {
        const w = decodeWatch(m);
        for (const e of w.events) {
          if (e.type === 'DELETE') {
            gone = true;
            return false;
          }
          await onLeader({ header: w.header, kvs: [e.kv], more: false, count: 0n });
        }
        return !w.canceled;
      }, {});
      if (!gone) return;
    }
  }
}
