// etcd reads for checks over etcd's v3 JSON gateway (base64 keys and values, int64 as
// strings), made from a host's virtual network: the wire a learner's etcdctl and curl
// use, so a check sees what they would see.
// (etcdctl's GatewayClient would be the natural client to reuse, but its transport passes
// `agent: false` to node:http, which makes node dial real TCP instead of the virtual
// network; until that is fixed the checks make their requests with virtual-http.ts.)
import type { Network } from '../platform/network.ts';
import { virtualHttp } from './virtual-http.ts';

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

export interface EtcdProbeOptions {
  /** Per request (default 3 s). */
  timeoutMs?: number;
}

export function createEtcdProbe(net: Network, endpoint: string, opts: EtcdProbeOptions = {}): EtcdProbe {
  const base = endpoint.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 3000;

  async function post(path: string, body: unknown): Promise<EtcdResult<Record<string, unknown>>> {
    const out = await virtualHttp(net, { method: 'POST', url: `${base}${path}`, body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, timeoutMs });
    if (!out.ok) return { ok: false, error: out.error };
    let parsed: unknown;
    try {
      parsed = JSON.parse(out.response.body);
    } catch {
      return { ok: false, error: `${base}${path} answered ${out.response.status} with a body that is not JSON` };
    }
    const obj = (parsed ?? {}) as Record<string, unknown>;
    if (out.response.status !== 200) {
      const msg = typeof obj.message === 'string' ? obj.message : typeof obj.error === 'string' ? obj.error : out.response.body.slice(0, 200);
      return { ok: false, error: `${base}${path} answered ${out.response.status}: ${msg}` };
    }
    return { ok: true, value: obj };
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
