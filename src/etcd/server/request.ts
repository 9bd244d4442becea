// What goes into a raft entry: one client request with the proposer's request id and
// wall time (the store's leases read time only from here, so replicas agree), encoded as
// JSON with byte fields as {"$b": base64}. Plus etcd's id generator for requests and leases.
import type { ApplyRequest } from '../mvcc/types.ts';
import { idToHex, hexToId } from '../types/id.ts';
import type { AuthInfo, AuthRequest } from '../auth/auth-store.ts';

/** Requests only the server understands (everything else goes to the store). */
export type ServerOnlyRequest =
  | { leaseRenew: { id: string } }
  /** A member announces its name and client URLs once started (etcd's "publish"). */
  | { memberAttr: { id: string; name: string; clientUrls: string[] } }
  /** etcd's AlarmRequest (ACTIVATE / DEACTIVATE); memberId '' and alarm NONE match all. */
  | { alarm: { action: 'ACTIVATE' | 'DEACTIVATE'; memberId: string; alarm: AlarmType } }
  /** The Auth service's calls (../auth/auth-store.ts), applied by the auth store. */
  | { auth: AuthRequest };

export type AlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';

export type ServerRequest = ApplyRequest | ServerOnlyRequest;

export interface Envelope {
  /** Hex request id. */
  id: string;
  nowMs: number;
  req: ServerRequest;
  /** Who proposed it, when auth is on (etcd's RequestHeader username and auth_revision). */
  user?: AuthInfo;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeEnvelope(e: Envelope): Uint8Array {
  // The holder's own value, not v: a Buffer's toJSON runs before the replacer sees it.
  return enc.encode(
    JSON.stringify(e, function (this: Record<string, unknown>, k: string, v: unknown) {
      const own = this[k];
      return own instanceof Uint8Array ? { $b: Buffer.from(own).toString('base64') } : v;
    }),
  );
}

export function decodeEnvelope(data: Uint8Array): Envelope {
  const e = JSON.parse(dec.decode(data), (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o['$b'] === 'string' && Object.keys(o).length === 1) return new Uint8Array(Buffer.from(o['$b'], 'base64'));
    }
    return v;
  }) as Envelope;
  if (typeof e !== 'object' || e === null || typeof e.id !== 'string' || typeof e.nowMs !== 'number' || typeof e.req !== 'object') {
    throw new Error('malformed request entry');
  }
  return e;
}

/**
 * etcd's idutil.Generator: the member id's low 16 bits, then 40 bits of milliseconds and
 * an 8-bit counter. Lease ids and request ids made this way look like real etcd's.
 */
export class IdGenerator {
  private prefix: bigint;
  private suffix: bigint;
  constructor(memberIdHex: string, nowMs: number) {
    this.prefix = (hexToId(memberIdHex) & 0xffffn) << 48n;
    this.suffix = (BigInt(Math.floor(nowMs)) & ((1n << 40n) - 1n)) << 8n;
  }
  next(): string {
    this.suffix = (this.suffix + 1n) & ((1n << 48n) - 1n);
    return idToHex(this.prefix | this.suffix);
  }
}
