// Small helpers of the etcd server: request classification, ids, durations and error mapping.
import type { ApplyRequest, TxnRequest } from '../mvcc/types.ts';
import { computeMemberId } from '../types/id.ts';
import { Errors } from './errors.ts';
import { MembershipError, ErrIdExists, ErrIdNotFound, ErrIdRemoved, ErrPeerUrlExists } from './membership.ts';

/** Requests etcd's capped applier refuses while NOSPACE is raised: puts (also inside txns) and lease grants. */
export function takesSpace(req: ApplyRequest): boolean {
  const ops = (t: TxnRequest): boolean => [...(t.success ?? []), ...(t.failure ?? [])].some((op) => 'requestPut' in op || ('requestTxn' in op && ops(op.requestTxn)));
  return 'put' in req || 'leaseGrant' in req || ('txn' in req && ops(req.txn));
}

/** The proposer's request id, carried in the conf change context next to the member. */
export function requestIdOf(ctx: Uint8Array): string | undefined {
  try {
    const v = (JSON.parse(new TextDecoder().decode(ctx)) as { requestId?: unknown }).requestId;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function hexBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.padStart(16, '0'), 'hex'));
}

export function formatMs(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  if (ms > 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export function humanQuota(n: number): string {
  return `${(n / 1e9).toFixed(1)} GB`;
}

export function membershipToServerError(e: Error): Error {
  if (!(e instanceof MembershipError)) return e;
  switch (e.message) {
    case ErrIdExists:
      return Errors.memberExist();
    case ErrPeerUrlExists:
      return Errors.peerUrlExist();
    case ErrIdNotFound:
    case ErrIdRemoved:
      return Errors.memberNotFound();
    default:
      return e;
  }
}

/** A runtime-added member's id: etcd hashes its peer URLs with the current unix second (no token). */
export function computeAddedMemberId(peerUrls: string[], nowSec: number): string {
  return computeMemberId(peerUrls, '', nowSec);
}
