// The leader side of Raft: replication with flow control, heartbeats, commit,
// check-quorum, ReadIndex and leadership transfer (etcd-io/raft's stepLeader).

import type { Message, NodeId } from './types.ts';
import { NONE } from './types.ts';
import type { RaftState } from './raft-state.ts';
import { ErrProposalDropped } from './errors.ts';
import { ErrCompacted, ErrSnapshotTemporarilyUnavailable, ErrUnavailable, RaftError, isEmptySnapshot } from './storage.ts';
import { voteResult } from './quorum.ts';

export function abortLeaderTransfer(r: RaftState): void {
  r.leadTransferee = NONE;
}

/** Commits whatever a quorum has acknowledged (only entries of our term count, §5.4.2). */
export function maybeCommit(r: RaftState): boolean {
  return r.raftLog.maybeCommit(r.prs.committed(), r.term);
}

export function sendAppend(r: RaftState, to: NodeId): void {
  maybeSendAppend(r, to, true);
}

/**
 * Sends to `to` the entries it is missing (or a snapshot if they were compacted). With
 * sendIfEmpty false, sends nothing when there are no new entries. Returns whether a
 * message was sent.
 */
export function maybeSendAppend(r: RaftState, to: NodeId, sendIfEmpty: boolean): boolean {
  const pr = r.prs.progress.get(to);
  if (!pr || pr.isPaused()) return false;
  const prevIndex = pr.next - 1;
  let prevTerm: number | undefined;
  let ents: Message['entries'] | undefined;
  try {
    prevTerm = r.raftLog.term(prevIndex);
    ents = r.raftLog.entries(pr.next, r.maxMsgSize);
  } catch (e) {
    if (e !== ErrCompacted && e !== ErrUnavailable) throw e;
  }
  if (ents !== undefined && ents.length === 0 && !sendIfEmpty) return false;

  if (prevTerm === undefined || ents === undefined) {
    // What the follower needs was compacted away: send a snapshot instead.
    if (!pr.recentActive) {
      r.logger.debug(`${r.id} ignore sending snapshot to ${to} since it is not recently active`);
      return false;
    }
    let snap;
    try {
      snap = r.raftLog.snapshot();
    } catch (e) {
      if (e === ErrSnapshotTemporarilyUnavailable) {
        r.logger.debug(`${r.id} failed to send snapshot to ${to} because snapshot is temporarily unavailable`);
        return false;
      }
      throw e;
    }
    if (isEmptySnapshot(snap)) throw new RaftError('need non-empty snapshot');
    const { index, term } = snap.metadata;
    r.logger.debug(
      `${r.id} [firstindex: ${r.raftLog.firstIndex()}, commit: ${r.raftLog.committed}] sent snapshot[index: ${index}, term: ${term}] to ${to} [${pr.toString()}]`,
    );
    pr.becomeSnapshot(index);
    r.logger.debug(`${r.id} paused sending replication messages to ${to} [${pr.toString()}]`);
    r.send({ type: 'MsgSnap', to, snapshot: snap });
    return true;
  }

  const n = ents.length;
  if (n > 0) {
    const last = ents[n - 1]!.index;
    if (pr.state === 'StateReplicate') {
      // Pipeline: assume delivery and keep going until the inflight window is full.
      pr.optimisticUpdate(last);
      pr.inflights.add(last);
    } else if (pr.state === 'StateProbe') {
      // One probe at a time until the follower tells us where its log matches.
      pr.probeSent = true;
    } else {
      throw new RaftError(`${r.id} is sending append in unhandled state ${pr.state}`);
    }
  }
  r.send({ type: 'MsgApp', to, index: prevIndex, logTerm: prevTerm, entries: ents, commit: r.raftLog.committed });
  return true;
}

export function sendHeartbeat(r: RaftState, to: NodeId, ctx: Uint8Array | undefined): void {
  // Never tell a follower to commit beyond what it is known to have: it might not have
  // those entries yet, and then commitTo would have to panic.
  const pr = r.prs.progress.get(to);
  const commit = Math.min(pr?.match ?? 0, r.raftLog.committed);
  r.send({ type: 'MsgHeartbeat', to, commit, ...(ctx && ctx.length > 0 ? { context: ctx } : {}) });
}

export function bcastAppend(r: RaftState): void {
  r.prs.visit((id) => {
    if (id !== r.id) sendAppend(r, id);
  });
}

export function bcastHeartbeat(r: RaftState): void {
  bcastHeartbeatWithCtx(r, r.readOnly.lastPendingRequestCtx());
}

function bcastHeartbeatWithCtx(r: RaftState, ctx: Uint8Array | undefined): void {
  r.prs.visit((id) => {
    if (id !== r.id) sendHeartbeat(r, id, ctx);
  });
}

export function sendTimeoutNow(r: RaftState, to: NodeId): void {
  r.send({ type: 'MsgTimeoutNow', to });
}

/** Whether this leader has committed an entry of its own term (its empty entry at least). */
function committedEntryInCurrentTerm(r: RaftState): boolean {
  return r.raftLog.termOrZero(r.raftLog.committed) === r.term;
}

/** A read is answered locally (readStates) or back to the follower that forwarded it. */
function responseToReadIndexReq(r: RaftState, req: Message, readIndex: number): void {
  const ctx = req.entries[0]?.data ?? new Uint8Array(0);
  if (req.from === NONE || req.from === r.id) {
    r.readStates.push({ index: readIndex, requestCtx: ctx });
    return;
  }
  r.send({ type: 'MsgReadIndexResp', to: req.from, index: readIndex, entries: req.entries });
}

function sendMsgReadIndexResponse(r: RaftState, m: Message): void {
  if (r.readOnly.option === 'ReadOnlySafe') {
    // Remember the commit index now; answer once a quorum acks a heartbeat carrying ctx.
    const ctx = m.entries[0]?.data;
    r.readOnly.addRequest(r.raftLog.committed, m);
    r.readOnly.recvAck(r.id, ctx);
    bcastHeartbeatWithCtx(r, ctx);
  } else {
    responseToReadIndexReq(r, m, r.raftLog.committed);
  }
}

function releasePendingReadIndexMessages(r: RaftState): void {
  if (r.pendingReadIndexMessages.length === 0) return;
  if (!committedEntryInCurrentTerm(r)) {
    r.logger.error('pending MsgReadIndex should be released only after first commit in current term');
    return;
  }
  const msgs = r.pendingReadIndexMessages;
  r.pendingReadIndexMessages = [];
  for (const m of msgs) sendMsgReadIndexResponse(r, m);
}

export function stepLeader(r: RaftState, m: Message): void {
  switch (m.type) {
    case 'MsgBeat':
      bcastHeartbeat(r);
      return;
    case 'MsgCheckQuorum':
      if (!r.prs.quorumActive()) {
        r.logger.warn(`${r.id} stepped down to follower since quorum is not active`);
        r.becomeFollower(r.term, NONE);
      }
      // Everyone must prove themselves again before the next check.
      r.prs.visit((id, pr) => {
        if (id !== r.id) pr.recentActive = false;
      });
      return;
    case 'MsgProp': {
      if (m.entries.length === 0) throw new RaftError(`${r.id} stepped empty MsgProp`);
      if (!r.prs.progress.has(r.id)) {
        // We were removed from the configuration while still leader.
        throw ErrProposalDropped;
      }
      if (r.leadTransferee !== NONE) {
        r.logger.debug(`${r.id} [term ${r.term}] transfer leadership to ${r.leadTransferee} is in progress; dropping proposal`);
        throw ErrProposalDropped;
      }
      const entries = m.entries.map((e, i) => {
        if (e.type !== 'confchange') return e;
        // One conf change at a time: a second one before the first is applied could
        // produce two disjoint majorities.
        if (r.pendingConfIndex > r.raftLog.applied) {
          r.logger.info(
            `${r.id} ignoring conf change at config ${r.prs.voterIds().join(' ')}: possible unapplied conf change at index ${r.pendingConfIndex} (applied to ${r.raftLog.applied})`,
          );
          return { ...e, type: 'normal' as const, data: new Uint8Array(0) };
        }
        r.pendingConfIndex = r.raftLog.lastIndex() + i + 1;
        return e;
      });
      r.appendEntry(entries);
      bcastAppend(r);
      return;
    }
    case 'MsgReadIndex':
      if (r.prs.isSingleton()) {
        // Only us: our commit index is the cluster's.
        responseToReadIndexReq(r, m, r.raftLog.committed);
        return;
      }
      // Until we commit an entry of our term our commit index may be behind the
      // previous leader's, so the read would be stale. Hold it.
      if (!committedEntryInCurrentTerm(r)) {
        r.pendingReadIndexMessages.push(m);
        return;
      }
      sendMsgReadIndexResponse(r, m);
      return;
    default:
      break;
  }

  const pr = r.prs.progress.get(m.from);
  if (!pr) {
    r.logger.debug(`${r.id} no progress available for ${m.from}`);
    return;
  }
  switch (m.type) {
    case 'MsgAppResp': {
      pr.recentActive = true;
      if (m.reject) {
        r.logger.debug(
          `${r.id} received MsgAppResp(rejected, hint: (index ${m.rejectHint}, term ${m.logTerm})) from ${m.from} for index ${m.index}`,
        );
        // Skip past the follower's whole conflicting term(s) in one round trip.
        let nextProbeIdx = m.rejectHint;
        if (m.logTerm > 0) nextProbeIdx = r.raftLog.findConflictByTerm(m.rejectHint, m.logTerm)[0];
        if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
          r.logger.debug(`${r.id} decreased progress of ${m.from} to [${pr.toString()}]`);
          if (pr.state === 'StateReplicate') pr.becomeProbe();
          sendAppend(r, m.from);
        }
        return;
      }
      const oldPaused = pr.isPaused();
      if (!pr.maybeUpdate(m.index)) return;
      if (pr.state === 'StateProbe') {
        pr.becomeReplicate();
      } else if (pr.state === 'StateSnapshot' && pr.match >= pr.pendingSnapshot) {
        r.logger.debug(`${r.id} recovered from needing snapshot, resumed sending replication messages to ${m.from} [${pr.toString()}]`);
        pr.becomeProbe();
        pr.becomeReplicate();
      } else if (pr.state === 'StateReplicate') {
        pr.inflights.freeLE(m.index);
      }
      if (maybeCommit(r)) {
        releasePendingReadIndexMessages(r);
        bcastAppend(r);
      } else if (oldPaused) {
        // It was paused and now is not: resume.
        sendAppend(r, m.from);
      }
      // More may fit into the inflight window now.
      while (maybeSendAppend(r, m.from, false)) {
        /* keep filling the window */
      }
      if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) {
        r.logger.info(`${r.id} sent MsgTimeoutNow to ${m.from} after received MsgAppResp`);
        sendTimeoutNow(r, m.from);
      }
      return;
    }
    case 'MsgHeartbeatResp': {
      pr.recentActive = true;
      pr.probeSent = false;
      // Free one slot so a stalled pipeline can make progress after message loss.
      if (pr.state === 'StateReplicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
      if (pr.match < r.raftLog.lastIndex()) sendAppend(r, m.from);
      if (r.readOnly.option !== 'ReadOnlySafe' || !m.context || m.context.length === 0) return;
      const acks = r.readOnly.recvAck(m.from, m.context);
      if (!acks) return;
      const votes = new Map<NodeId, boolean>();
      for (const id of acks) votes.set(id, true);
      if (voteResult(r.prs.voters, votes) !== 'VoteWon') return;
      for (const rs of r.readOnly.advance(m.context)) responseToReadIndexReq(r, rs.req, rs.index);
      return;
    }
    case 'MsgSnapStatus':
      if (pr.state !== 'StateSnapshot') return;
      if (!m.reject) {
        pr.becomeProbe();
        r.logger.debug(`${r.id} snapshot succeeded, resumed sending replication messages to ${m.from} [${pr.toString()}]`);
      } else {
        // Forget the failed snapshot so the next probe does not assume it arrived.
        pr.pendingSnapshot = 0;
        pr.becomeProbe();
        r.logger.debug(`${r.id} snapshot failed, resumed sending replication messages to ${m.from} [${pr.toString()}]`);
      }
      // Wait for the follower's MsgAppResp (or a heartbeat response) before the next MsgApp.
      pr.probeSent = true;
      return;
    case 'MsgUnreachable':
      // Optimistic pipelining is pointless if messages are being lost.
      if (pr.state === 'StateReplicate') pr.becomeProbe();
      r.logger.debug(`${r.id} failed to send message to ${m.from} because it is unreachable [${pr.toString()}]`);
      return;
    case 'MsgTransferLeader': {
      if (pr.isLearner) {
        r.logger.debug(`${r.id} is learner. Ignored transferring leadership`);
        return;
      }
      const transferee = m.from;
      if (r.leadTransferee !== NONE) {
        if (r.leadTransferee === transferee) {
          r.logger.info(
            `${r.id} [term ${r.term}] transfer leadership to ${transferee} is in progress, ignores request to same node ${transferee}`,
          );
          return;
        }
        r.logger.info(`${r.id} [term ${r.term}] abort previous transferring leadership to ${r.leadTransferee}`);
        abortLeaderTransfer(r);
      }
      if (transferee === r.id) {
        r.logger.debug(`${r.id} is already leader. Ignored transferring leadership to self`);
        return;
      }
      r.logger.info(`${r.id} [term ${r.term}] starts to transfer leadership to ${transferee}`);
      // The transfer must finish within one election timeout, or it is abandoned.
      r.electionElapsed = 0;
      r.leadTransferee = transferee;
      if (pr.match === r.raftLog.lastIndex()) {
        sendTimeoutNow(r, transferee);
        r.logger.info(`${r.id} sends MsgTimeoutNow to ${transferee} immediately as ${transferee} already has up-to-date log`);
      } else {
        sendAppend(r, transferee);
      }
      return;
    }
    default:
      return;
  }
}
