// Sentinel errors of the raft package, compared by identity (like Go's errors.Is).

/** A sentinel error raft and storage compare by identity, like Go's `errors.Is`. */
export class RaftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RaftError';
  }
}

/** The requested index is below the first available one (it was compacted away). */
export const ErrCompacted = new RaftError('requested index is unavailable due to compaction');
/** The requested snapshot is older than the one storage already has. */
export const ErrSnapOutOfDate = new RaftError('requested index is older than the existing snapshot');
/** The requested index is above the last one storage has. */
export const ErrUnavailable = new RaftError('requested entry at index is unavailable');
/** Storage cannot produce a snapshot right now; raft retries later. */
export const ErrSnapshotTemporarilyUnavailable = new RaftError('snapshot is temporarily unavailable');

/** A proposal was not accepted: there is no leader, or leadership is being transferred. */
export const ErrProposalDropped = new RaftError('raft proposal dropped');
