// Leases: ids, TTLs, the keys attached to each, and expiry (etcd's server/lease lessor).
//
// What is replicated (the same on every member): which leases exist, their granted TTL
// and their keys. Expiry is leader-local in etcd: a follower never expires a lease; a new
// leader "promotes" its lessor, which restarts every lease's clock (now + TTL). We keep an
// expiry per lease but only the leader's calls (renew, expired, promote) look at it; the
// server proposes a LeaseRevoke through raft for what expired() returns, as etcd's leader does.
//
// Minimum TTL: etcd raises a smaller requested TTL to ceil(1.5 * election timeout) seconds,
// i.e. (3 * electionTicks / 2) * heartbeat — 2 s with the default 100 ms heartbeat and
// 1000 ms election timeout. `minLeaseTtl` is that figure; the server computes it from its flags.
import type { BinKey } from './bytes.ts';
import { ErrLeaseExist, ErrLeaseNotFound, ErrLeaseTTLTooLarge } from './errors.ts';

/** etcd's MaxLeaseTTL, in seconds. */
export const MAX_LEASE_TTL = 9_000_000_000;

/** ceil((3 * electionTicks / 2) * heartbeat) in seconds, as etcd computes its minimum lease TTL. */
export function minLeaseTtlSeconds(heartbeatMs = 100, electionMs = 1000): number {
  const electionTicks = Math.floor(electionMs / heartbeatMs);
  return Math.ceil((Math.floor((3 * electionTicks) / 2) * heartbeatMs) / 1000);
}

export interface Lease {
  id: string;
  /** The granted TTL in seconds (after raising to the minimum). */
  ttl: number;
  /** Leader-local: when the lease expires, in ms on the caller's clock. */
  expiryMs: number;
  keys: Set<BinKey>;
}

/** Canonical hex lease id: lowercase, no leading zeros, '' for none (lease 0). */
export function normalizeLeaseId(id: string | undefined): string {
  if (!id) return '';
  const s = id.toLowerCase().replace(/^0+/, '');
  return s;
}

export function leaseIdValue(id: string): bigint {
  return id === '' ? 0n : BigInt('0x' + id);
}

export class Lessor {
  private leases = new Map<string, Lease>();
  constructor(readonly minTtl: number = minLeaseTtlSeconds()) {}

  grant(idIn: string, ttlIn: number, nowMs: number): Lease {
    const id = normalizeLeaseId(idIn);
    if (id === '') throw new ErrLeaseNotFound();
    if (ttlIn > MAX_LEASE_TTL) throw new ErrLeaseTTLTooLarge();
    if (this.leases.has(id)) throw new ErrLeaseExist();
    const ttl = Math.max(Math.trunc(ttlIn), this.minTtl);
    const lease: Lease = { id, ttl, expiryMs: nowMs + ttl * 1000, keys: new Set() };
    this.leases.set(id, lease);
    return lease;
  }

  lookup(id: string): Lease | undefined {
    return this.leases.get(normalizeLeaseId(id));
  }

  /** Forgets the lease and returns its keys, sorted so every member deletes them in the same order. */
  remove(id: string): BinKey[] {
    const lease = this.lookup(id);
    if (!lease) throw new ErrLeaseNotFound();
    this.leases.delete(lease.id);
    return [...lease.keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  attach(id: string, key: BinKey): void {
    this.lookup(id)?.keys.add(key);
  }

  detach(id: string, key: BinKey): void {
    this.lookup(id)?.keys.delete(key);
  }

  /** Keep-alive (leader only): restarts the lease's clock and returns its TTL. */
  renew(id: string, nowMs: number): number {
    const lease = this.lookup(id);
    if (!lease || lease.expiryMs <= nowMs) throw new ErrLeaseNotFound();
    lease.expiryMs = nowMs + lease.ttl * 1000;
    return lease.ttl;
  }

  /** Seconds left (truncated like etcd), never below 0. */
  remainingSeconds(lease: Lease, nowMs: number): number {
    return Math.max(0, Math.trunc((lease.expiryMs - nowMs) / 1000));
  }

  /** Leases whose time is up (leader only), soonest first; the server proposes their revocation. */
  expired(nowMs: number): string[] {
    return this.list()
      .filter((l) => l.expiryMs <= nowMs)
      .map((l) => l.id);
  }

  /** A member becoming leader restarts every lease's clock, as etcd's Promote does. */
  promote(nowMs: number): void {
    for (const l of this.leases.values()) l.expiryMs = nowMs + l.ttl * 1000;
  }

  get size(): number {
    return this.leases.size;
  }

  /** All leases, soonest expiry first (ties by id, so the order is deterministic). */
  list(): Lease[] {
    return [...this.leases.values()].sort((a, b) => a.expiryMs - b.expiryMs || cmpId(a.id, b.id));
  }

  /** Restores a lease from a snapshot (keys are re-attached from the key space). */
  restore(id: string, ttl: number, expiryMs: number): void {
    this.leases.set(id, { id, ttl, expiryMs, keys: new Set() });
  }
}

function cmpId(a: string, b: string): number {
  const x = leaseIdValue(a);
  const y = leaseIdValue(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
