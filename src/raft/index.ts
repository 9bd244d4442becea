// The raft package's public surface, for the etcd server and tests.

export { RawNode, ErrProposalDropped, ErrStepLocalMsg, ErrStepPeerNotFound } from './raw-node.ts';
export type { RaftConfig, Peer, PeerProgress, Status } from './raw-node.ts';
export {
  MemoryStorage,
  RaftError,
  ErrCompacted,
  ErrUnavailable,
  ErrSnapOutOfDate,
  ErrSnapshotTemporarilyUnavailable,
  emptyHardState,
  isEmptyHardState,
  emptySnapshot,
  isEmptySnapshot,
} from './storage.ts';
export type { Storage, InitialState } from './storage.ts';
export { encodeConfChange, decodeConfChange, describeConfChange, describeConfState } from './conf-change.ts';
export { describeMessage, describeEntry, isLocalMsg, isResponseMsg } from './util.ts';
export type { RaftLogger } from './logger.ts';
export { discardLogger } from './logger.ts';
export type { ReadOnlyOption } from './read-only.ts';
export * from './types.ts';
