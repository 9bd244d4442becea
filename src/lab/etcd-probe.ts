// etcd reads for checks, made with etcdctl's own client (the v3 JSON gateway) over a
// host's virtual network: the path a learner's etcdctl takes, so a check sees what it
// would see (and gets the same errors).
import { realClock, type Clock } from '../platform/clock.ts';
import type { Network } from '../platform/network.ts';
import { GatewayClient } from '../etcdctl/client/gateway-client.ts';
import type { TlsMaterial } from '../etcdctl/client/transport.ts';

export interface EtcdKeyValue {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
}

export type EtcdResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface EtcdRange {
  revision: number;
  kvs: EtcdKeyValue[];
}

export interface EtcdProbe {
  readonly endpoint: string;
  get(key: string, opts?: { prefix?: boolean; revision?: number }): Promise<EtcdResult<EtcdRange>>;
  /**
   * The values a key held, newest first, by reading it at earlier revisions (bounded:
   * at most `maxRevisions` reads). Lets a check see a key that was written and later
   * deleted, as `etcdctl get --rev` would.
   */
  history(key: string, opts?: { maxRevisions?: number }): Promise<EtcdResult<{ revision: number; values: EtcdKeyValue[] }>>;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: unknown) => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : '');
const num = (s: unknown) => (typeof s === 'string' || typeof s === 'number' ? Number(s) : 0);

/** The key right after every key with this prefix, as etcdctl computes range_end. */
export function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix, 'utf8');
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) {
      const end = Buffer.from(bytes.subarray(0, i + 1));
      end[i] = end[i]! + 1;
      return end.toString('latin1');
    }
  }
  return '\0';
}

/**
 * Checks read etcd as a client without a user. With authentication enabled etcd refuses
 * them, and a check's failure would blame the key; say what happened and how to undo it.
 */
export function withAuthHint(error: string): string {
  if (!/etcdserver: (user name is empty|permission denied|invalid auth token)/.test(error)) return error;
  return `${error} (authentication is enabled, and the lab's checks read etcd without a user: turn it off with etcdctl --user root auth disable)`;
}

export interface EtcdProbeOptions {
  /** Client certificate, key and CA (PEM text) for an https endpoint. */
  tls?: TlsMaterial;
  clock?: Clock;
  /** Per request, like etcdctl's --command-timeout (default 3 s). */
  timeoutMs?: number;
}

export function createEtcdProbe(net: Network, endpoint: string, opts: EtcdProbeOptions = {}): EtcdProbe {
  const base = endpoint.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 3000;
  const client = new GatewayClient({
    endpoints: [base],
    net,
    clock: opts.clock ?? realClock,
    ...(opts.tls ? { tls: opts.tls } : {}),
    dialTimeoutMs: Math.min(2000, timeoutMs),
    // A stopped etcd is a finding, not something to wait out: say "connection refused" now.
    failFast: true,
    version: '3.6.4',
  });

  async function post(path: string, body: unknown): Promise<EtcdResult<Record<string, unknown>>> {
    try {
      return { ok: true, value: await client.call(path, path, body, timeoutMs) };
    } catch (e) {
      return { ok: false, error: withAuthHint(e instanceof Error ? e.message : String(e)) };
    }
  }

  async function get(key: string, opts?: { prefix?: boolean; revision?: number }): Promise<EtcdResult<EtcdRange>> {
    const req: Record<string, string> = { key: b64(key) };
    if (opts?.prefix) req.range_end = Buffer.from(prefixEnd(key), 'latin1').toString('base64');
    if (opts?.revision !== undefined) req.revision = String(opts.revision);
    const res = await post('/v3/kv/range', req);
    if (!res.ok) return res;
    const header = (res.value.header ?? {}) as Record<string, unknown>;
    const kvs = Array.isArray(res.value.kvs) ? (res.value.kvs as Record<string, unknown>[]) : [];
    return {
      ok: true,
      value: {
        revision: num(header.revision),
        kvs: kvs.map((kv) => ({
          key: unb64(kv.key),
          value: unb64(kv.value),
          createRevision: num(kv.create_revision),
          modRevision: num(kv.mod_revision),
          version: num(kv.version),
        })),
      },
    };
  }

  return {
    endpoint: base,
    get,
    async history(key, opts) {
      const max = opts?.maxRevisions ?? 200;
      const now = await get(key);
      if (!now.ok) return now;
      const values: EtcdKeyValue[] = [];
      const seen = new Set<number>();
      const lowest = Math.max(1, now.value.revision - max + 1);
      // Walk back from the newest revision; each hit tells us which revision to skip to.
      for (let rev = now.value.revision; rev >= lowest; rev--) {
        const at = await get(key, { revision: rev });
        if (!at.ok) break; // compacted, or the server went away: report what we have
        const kv = at.value.kvs[0];
        if (!kv) continue;
        if (!seen.has(kv.modRevision)) {
          seen.add(kv.modRevision);
          values.push(kv);
        }
        rev = Math.min(rev, kv.modRevision); // every revision since modRevision shows this same value
      }
      return { ok: true, value: { revision: now.value.revision, values } };
    },
  };
}
