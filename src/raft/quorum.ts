// Majority arithmetic over a set of voters (etcd-io/raft's quorum/majority.go; we only
// support single-member configuration changes, so there is no joint quorum).

import type { NodeId } from './types.ts';

export type VoteResult = 'VotePending' | 'VoteLost' | 'VoteWon';

/** Orders node ids (lowercase hex without leading zeros) numerically. */
export function compareIds(a: NodeId, b: NodeId): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortIds(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort(compareIds);
}

/**
 * The largest index that a majority of voters has acknowledged. An empty configuration
 * commits everything (so that a joining node without voters does not block).
 */
export function committedIndex(voters: ReadonlySet<NodeId>, ackedIndex: (id: NodeId) => number | undefined): number {
  if (voters.size === 0) return Number.MAX_SAFE_INTEGER;
  const acked = [...voters].map((id) => ackedIndex(id) ?? 0).sort((a, b) => b - a);
  // Sorted high to low, the majority-th value is on a quorum.
  const q = Math.floor(voters.size / 2) + 1;
  return acked[q - 1]!;
}

export function voteResult(voters: ReadonlySet<NodeId>, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  // An empty configuration always wins, by convention (as etcd-io/raft).
  if (voters.size === 0) return 'VoteWon';
  let yes = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) yes++;
  }
  const q = Math.floor(voters.size / 2) + 1;
  if (yes >= q) return 'VoteWon';
  if (yes + missing >= q) return 'VotePending';
  return 'VoteLost';
}
