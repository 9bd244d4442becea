// The application's handle on a Raft node (etcd-io/raft's RawNode). Drive it like this:
//
//   every heartbeat interval:  node.tick()
//   on a peer message:         node.step(msg)
//   whenever node.hasReady():  const rd = node.ready();
//                              persist rd.snapshot, rd.entries, rd.hardState (fsync if rd.mustSync)
//                              and mirror them into the MemoryStorage raft reads;
//                              send rd.messages;
//                              apply rd.snapshot, then rd.committedEntries (conf changes via
//                              applyConfChange); answer rd.readStates once applied >= index;
//                              node.advance(rd)
//
// Starting a brand-new member: new RawNode(cfg) on an empty MemoryStorage, then
// bootstrap(peers). Restarting: fill the MemoryStorage from disk first (applySnapshot,
// setHardState, append the WAL entries), then new RawNode(cfg) -- no bootstrap. Raft's
// membership comes from the snapshot's ConfState plus the conf-change entries after it,
// so either leave cfg.applied unset (committed entries after the snapshot come again in
// Ready: skip their effect on your state machine if you already applied them, but still
// call applyConfChange for conf changes), or set applied only up to the snapshot index.

import type { ConfChange, ConfState, Entry, HardState, Message, NodeId, Ready, SoftState, StateType } from './types.ts';
import { NONE, emptyMessage } from './types.ts';
import { Raft } from './raft.ts';
import type { RaftConfig } from './raft.ts';
import type { ProgressState } from './progress.ts';
import { RaftError, emptyHardState, isEmptyHardState } from './storage.ts';
import { applyConfChange } from './raft-config.ts';
import { encodeConfChange } from './conf-change.ts';
import { isLocalMsg, isResponseMsg } from './util.ts';

export { ErrProposalDropped } from './raft.ts';
export type { RaftConfig } from './raft.ts';

export const ErrStepLocalMsg = new RaftError('raft: cannot step raft local message');
export const ErrStepPeerNotFound = new RaftError('raft: cannot step as peer not found');

export interface Peer {
  id: NodeId;
  /** Opaque; etcd puts the member's JSON here. */
  context?: Uint8Array;
}

export interface PeerProgress {
  match: number;
  next: number;
  state: ProgressState;
  isLearner: boolean;
  recentActive: boolean;
  paused: boolean;
  pendingSnapshot: number;
}

export interface Status {
  id: NodeId;
  hardState: HardState;
  softState: SoftState;
  applied: number;
  /** Per member, only on the leader. */
  progress: Record<NodeId, PeerProgress>;
  leadTransferee: NodeId;
  confState: ConfState;
}

function hardStatesEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export class RawNode {
  readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  private lastReady: Ready | undefined;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  /**
   * Writes the initial membership of a brand-new cluster into the log, as etcd-io/raft's
   * Bootstrap: one committed ConfChangeAddNode entry per peer at indexes 1..n, term 1.
   * The application sees them as committed entries in the first Ready and must apply
   * them (applyConfChange) like any other; doing so again is harmless.
   */
  bootstrap(peers: Array<NodeId | Peer>): void {
    if (peers.length === 0) throw new RaftError('must provide at least one peer to Bootstrap');
    const r = this.raft;
    if (r.raftLog.storage.lastIndex() !== 0) throw new RaftError("can't bootstrap a nonempty Storage");
    // Nothing is persisted yet: the first Ready must carry a HardState.
    this.prevHardState = emptyHardState();
    r.becomeFollower(1, NONE);
    const ps: Peer[] = peers.map((p) => (typeof p === 'string' ? { id: p } : p));
    const ents: Entry[] = ps.map((p, i) => ({
      term: 1,
      index: i + 1,
      type: 'confchange',
      data: encodeConfChange({ type: 'ConfChangeAddNode', nodeId: p.id, context: p.context ?? new Uint8Array(0) }),
    }));
    r.raftLog.append(ents);
    // Committed but not applied, so the application observes them via Ready.
    r.raftLog.committed = ents.length;
    for (const p of ps) applyConfChange(r, { type: 'ConfChangeAddNode', nodeId: p.id, context: new Uint8Array(0) });
  }

  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (as if the election timeout had passed). */
  campaign(): void {
    this.raft.step(emptyMessage('MsgHup', this.raft.id, NONE));
  }

  /** Proposes data for the log; throws ErrProposalDropped when there is no leader to take it. */
  propose(data: Uint8Array): void {
    const m = emptyMessage('MsgProp', this.raft.id, NONE);
    m.entries = [{ term: 0, index: 0, type: 'normal', data }];
    this.raft.step(m);
  }

  proposeConfChange(cc: ConfChange): void {
    const m = emptyMessage('MsgProp', this.raft.id, NONE);
    m.entries = [{ term: 0, index: 0, type: 'confchange', data: encodeConfChange(cc) }];
    this.raft.step(m);
  }

  /** Applies a committed conf change to raft's configuration; returns the new one. */
  applyConfChange(cc: ConfChange): ConfState {
    return applyConfChange(this.raft, cc);
  }

  /** Feeds a message from a peer. Local message types are refused. */
  step(m: Message): void {
    if (isLocalMsg(m.type)) throw ErrStepLocalMsg;
    if (isResponseMsg(m.type) && !this.raft.prs.progress.has(m.from)) throw ErrStepPeerNotFound;
    this.raft.step(m);
  }

  /**
   * Asks for a linearizable read. ctx identifies the request; a ReadState with it appears
   * in a later Ready (the read may be served once applied >= its index).
   */
  readIndex(ctx: Uint8Array): void {
    const m = emptyMessage('MsgReadIndex', this.raft.id, NONE);
    m.entries = [{ term: 0, index: 0, type: 'normal', data: ctx }];
    this.raft.step(m);
  }

  /** Asks the leader to hand leadership to `to` (works from any node that knows the leader). */
  transferLeader(to: NodeId): void {
    this.raft.step(emptyMessage('MsgTransferLeader', to, NONE));
  }

  reportUnreachable(id: NodeId): void {
    this.raft.step(emptyMessage('MsgUnreachable', id, NONE));
  }

  reportSnapshot(id: NodeId, failed: boolean): void {
    const m = emptyMessage('MsgSnapStatus', id, NONE);
    m.reject = failed;
    this.raft.step(m);
  }

  hasReady(): boolean {
    const r = this.raft;
    const ss = r.softState();
    if (ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState) return true;
    const hs = r.hardState();
    if (!isEmptyHardState(hs) && !hardStatesEqual(hs, this.prevHardState)) return true;
    if (r.raftLog.hasPendingSnapshot()) return true;
    if (r.msgs.length > 0 || r.raftLog.unstableEntries().length > 0 || r.raftLog.hasNextEnts()) return true;
    return r.readStates.length > 0;
  }

  /** What to persist, send and apply now. Call advance() when done before the next ready(). */
  ready(): Ready {
    const r = this.raft;
    const hs = r.hardState();
    const ss = r.softState();
    const entries = [...r.raftLog.unstableEntries()];
    const snapshot = r.raftLog.unstable.snapshot;
    const rd: Ready = {
      readStates: r.readStates,
      entries,
      committedEntries: r.raftLog.nextEnts(),
      messages: r.msgs,
      mustSync: entries.length > 0 || hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote || snapshot !== undefined,
    };
    if (ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState) {
      rd.softState = ss;
      this.prevSoftState = ss;
    }
    if (!isEmptyHardState(hs) && !hardStatesEqual(hs, this.prevHardState)) rd.hardState = hs;
    if (snapshot) rd.snapshot = snapshot;
    // Messages and read states are handed over once.
    r.msgs = [];
    r.readStates = [];
    this.lastReady = rd;
    return rd;
  }

  /** The Ready was persisted, sent and applied. Defaults to the last one returned. */
  advance(rd?: Ready): void {
    const ready = rd ?? this.lastReady;
    if (!ready) return;
    this.lastReady = undefined;
    const r = this.raft;
    if (ready.hardState) this.prevHardState = ready.hardState;
    const lastCommitted = ready.committedEntries[ready.committedEntries.length - 1];
    const applied = lastCommitted ? lastCommitted.index : (ready.snapshot?.metadata.index ?? 0);
    if (applied > 0) r.raftLog.appliedTo(applied);
    const lastEntry = ready.entries[ready.entries.length - 1];
    if (lastEntry) r.raftLog.stableTo(lastEntry.index, lastEntry.term);
    if (ready.snapshot) r.raftLog.stableSnapTo(ready.snapshot.metadata.index);
  }

  status(): Status {
    const r = this.raft;
    const progress: Record<NodeId, PeerProgress> = {};
    if (r.state === 'StateLeader') {
      r.prs.visit((id, pr) => {
        progress[id] = {
          match: pr.match,
          next: pr.next,
          state: pr.state,
          isLearner: pr.isLearner,
          recentActive: pr.recentActive,
          paused: pr.isPaused(),
          pendingSnapshot: pr.pendingSnapshot,
        };
      });
    }
    return {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      progress,
      leadTransferee: r.leadTransferee,
      confState: r.prs.confState(),
    };
  }

  /** Convenience for callers that only need the role. */
  get state(): StateType {
    return this.raft.state;
  }

  get lead(): NodeId {
    return this.raft.lead;
  }
}
