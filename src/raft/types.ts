// Raft's messages and records, after etcd-io/raft's raftpb. Node ids are lowercase hex
// strings of etcd's uint64 member ids ('' = none); terms and indexes are numbers.

export type NodeId = string;
export const NONE: NodeId = '';

export type EntryType = 'normal' | 'confchange';

export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  /** Opaque to raft. An empty normal entry is what a new leader appends. */
  data: Uint8Array;
}

export type MessageType =
  | 'MsgHup'
  | 'MsgBeat'
  | 'MsgProp'
  | 'MsgApp'
  | 'MsgAppResp'
  | 'MsgVote'
  | 'MsgVoteResp'
  | 'MsgSnap'
  | 'MsgHeartbeat'
  | 'MsgHeartbeatResp'
  | 'MsgUnreachable'
  | 'MsgSnapStatus'
  | 'MsgCheckQuorum'
  | 'MsgTransferLeader'
  | 'MsgTimeoutNow'
  | 'MsgReadIndex'
  | 'MsgReadIndexResp'
  | 'MsgPreVote'
  | 'MsgPreVoteResp';

export interface ConfState {
  voters: NodeId[];
  learners: NodeId[];
}

export interface SnapshotMetadata {
  confState: ConfState;
  index: number;
  term: number;
}

export interface Snapshot {
  data: Uint8Array;
  metadata: SnapshotMetadata;
}

export interface Message {
  type: MessageType;
  to: NodeId;
  from: NodeId;
  term: number;
  /** Term of the entry at `index` (the one before `entries`), for MsgApp; last log term for votes. */
  logTerm: number;
  index: number;
  entries: Entry[];
  commit: number;
  snapshot?: Snapshot;
  reject: boolean;
  rejectHint: number;
  /** Opaque context: ReadIndex request ids, campaign-transfer marker. */
  context?: Uint8Array;
}

export interface HardState {
  term: number;
  vote: NodeId;
  commit: number;
}

export type StateType = 'StateFollower' | 'StateCandidate' | 'StateLeader' | 'StatePreCandidate';

export interface SoftState {
  lead: NodeId;
  raftState: StateType;
}

export type ConfChangeType = 'ConfChangeAddNode' | 'ConfChangeRemoveNode' | 'ConfChangeUpdateNode' | 'ConfChangeAddLearnerNode';

export interface ConfChange {
  type: ConfChangeType;
  nodeId: NodeId;
  /** Opaque to raft (etcd puts the member's JSON here). */
  context: Uint8Array;
}

/** A linearizable read may be served once the applied index reaches `index`. */
export interface ReadState {
  index: number;
  requestCtx: Uint8Array;
}

/** What the application must do, in this order: persist, send, apply; then advance(). */
export interface Ready {
  softState?: SoftState;
  hardState?: HardState;
  readStates: ReadState[];
  /** To append to stable storage before sending messages. */
  entries: Entry[];
  /** To persist (and apply to the state machine) when set. */
  snapshot?: Snapshot;
  /** Committed, to apply to the state machine. */
  committedEntries: Entry[];
  /** To send after entries are persisted. */
  messages: Message[];
  /** Whether hardState/entries must be fsynced before messages go out. */
  mustSync: boolean;
}

export function emptyMessage(type: MessageType, from: NodeId, to: NodeId): Message {
  return { type, to, from, term: 0, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0 };
}
