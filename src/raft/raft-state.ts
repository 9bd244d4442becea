// The Raft node as the role and configuration code sees it. A leaf module: raft.ts
// calls into raft-leader.ts, raft-follower.ts and raft-config.ts, and those take this
// interface rather than the Raft class, so none of them imports raft.ts back. Raft
// implements it.
import type { Entry, Message, MessageType, NodeId, ReadState, StateType } from './types.ts';
import type { RaftLogger } from './logger.ts';
import type { RaftLog } from './log.ts';
import type { ProgressTracker } from './tracker.ts';
import type { ReadOnly } from './read-only.ts';

export type CampaignType = 'CampaignPreElection' | 'CampaignElection' | 'CampaignTransfer';

/** Fields of a message to send; missing ones take emptyMessage's defaults. */
export type Outgoing = Partial<Message> & { type: MessageType; to: NodeId };

export interface RaftState {
  readonly id: NodeId;
  term: number;
  state: StateType;
  isLearner: boolean;
  lead: NodeId;
  /** Id of the node leadership is being handed to, or NONE. */
  leadTransferee: NodeId;
  /** Index of the last conf change proposed; a new one waits until it is applied. */
  pendingConfIndex: number;
  /** Reads that arrived before this leader committed an entry of its own term. */
  pendingReadIndexMessages: Message[];
  readStates: ReadState[];
  electionElapsed: number;
  readonly raftLog: RaftLog;
  readonly maxMsgSize: number;
  prs: ProgressTracker;
  readOnly: ReadOnly;
  msgs: Message[];
  readonly logger: RaftLogger;

  /** Queues a message; stamps our id and term (except on requests that carry none). */
  send(out: Outgoing): void;
  becomeFollower(term: number, lead: NodeId): void;
  becomeLeader(): void;
  /** Appends entries at our term (leader only) and counts our own copy towards commit. */
  appendEntry(es: Entry[]): void;
  hup(t: CampaignType): void;
  campaign(t: CampaignType): void;
  poll(id: NodeId, t: MessageType, granted: boolean): { granted: number; rejected: number; result: ReturnType<ProgressTracker['tallyVotes']>['result'] };
}
