// The leader's view of the cluster: the configuration (voters and learners), each
// member's Progress, and the votes of the current election (etcd-io/raft's tracker/).

import type { ConfState, NodeId } from './types.ts';
import { Progress } from './progress.ts';
import { committedIndex, sortIds, voteResult } from './quorum.ts';
import type { VoteResult } from './quorum.ts';

export class ProgressTracker {
  voters = new Set<NodeId>();
  learners = new Set<NodeId>();
  progress = new Map<NodeId, Progress>();
  votes = new Map<NodeId, boolean>();
  readonly maxInflight: number;

  constructor(maxInflight: number) {
    this.maxInflight = maxInflight;
  }

  confState(): ConfState {
    return { voters: sortIds(this.voters), learners: sortIds(this.learners) };
  }

  isSingleton(): boolean {
    return this.voters.size === 1 && this.learners.size === 0;
  }

  /** The highest index replicated on a quorum of voters. */
  committed(): number {
    return committedIndex(this.voters, (id) => this.progress.get(id)?.match);
  }

  /** Visits every member in id order (deterministic message order). */
  visit(fn: (id: NodeId, pr: Progress) => void): void {
    for (const id of sortIds(this.progress.keys())) fn(id, this.progress.get(id)!);
  }

  /** Whether a quorum of voters was recently active (check-quorum). */
  quorumActive(): boolean {
    const votes = new Map<NodeId, boolean>();
    for (const [id, pr] of this.progress) {
      if (!pr.isLearner) votes.set(id, pr.recentActive);
    }
    return voteResult(this.voters, votes) === 'VoteWon';
  }

  resetVotes(): void {
    this.votes = new Map();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const [id, v] of this.votes) {
      if (!this.voters.has(id)) continue;
      if (v) granted++;
      else rejected++;
    }
    return { granted, rejected, result: voteResult(this.voters, this.votes) };
  }

  voterIds(): NodeId[] {
    return sortIds(this.voters);
  }
}
