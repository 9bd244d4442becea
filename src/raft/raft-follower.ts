// The follower and candidate sides of Raft: accepting appends, heartbeats and snapshots
// from a leader, forwarding proposals and reads to it, and counting votes.

import type { Message, MessageType } from './types.ts';
import { NONE } from './types.ts';
import type { RaftState } from './raft-state.ts';
import { ErrProposalDropped } from './errors.ts';
import { bcastAppend } from './raft-leader.ts';
import { restoreSnapshot } from './raft-config.ts';

export function stepCandidate(r: RaftState, m: Message): void {
  const myVoteResp: MessageType = r.state === 'StatePreCandidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
  switch (m.type) {
    case 'MsgProp':
      r.logger.info(`${r.id} no leader at term ${r.term}; dropping proposal`);
      throw ErrProposalDropped;
    case 'MsgApp':
      r.becomeFollower(m.term, m.from);
      handleAppendEntries(r, m);
      return;
    case 'MsgHeartbeat':
      r.becomeFollower(m.term, m.from);
      handleHeartbeat(r, m);
      return;
    case 'MsgSnap':
      r.becomeFollower(m.term, m.from);
      handleSnapshot(r, m);
      return;
    case 'MsgTimeoutNow':
      r.logger.debug(`${r.id} [term ${r.term} state ${r.state}] ignored MsgTimeoutNow from ${m.from}`);
      return;
    default:
      if (m.type !== myVoteResp) return;
      {
        const { granted, rejected, result } = r.poll(m.from, m.type, !m.reject);
        r.logger.info(`${r.id} has received ${granted} ${m.type} votes and ${rejected} vote rejections`);
        if (result === 'VoteWon') {
          if (r.state === 'StatePreCandidate') {
            r.campaign('CampaignElection');
          } else {
            r.becomeLeader();
            bcastAppend(r);
          }
        } else if (result === 'VoteLost') {
          // A lost pre-vote does not change the term: m.term may be our future one.
          r.becomeFollower(r.term, NONE);
        }
      }
  }
}

export function stepFollower(r: RaftState, m: Message): void {
  switch (m.type) {
    case 'MsgProp':
      if (r.lead === NONE) {
        r.logger.info(`${r.id} no leader at term ${r.term}; dropping proposal`);
        throw ErrProposalDropped;
      }
      r.msgs.push({ ...m, to: r.lead });
      return;
    case 'MsgApp':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleAppendEntries(r, m);
      return;
    case 'MsgHeartbeat':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleHeartbeat(r, m);
      return;
    case 'MsgSnap':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleSnapshot(r, m);
      return;
    case 'MsgTransferLeader':
      if (r.lead === NONE) {
        r.logger.info(`${r.id} no leader at term ${r.term}; dropping leader transfer msg`);
        return;
      }
      r.msgs.push({ ...m, to: r.lead });
      return;
    case 'MsgTimeoutNow':
      r.logger.info(`${r.id} [term ${r.term}] received MsgTimeoutNow from ${m.from} and starts an election to get leadership.`);
      // A transfer skips pre-vote: the old leader asked for it, so nobody is disrupted.
      r.hup('CampaignTransfer');
      return;
    case 'MsgReadIndex':
      if (r.lead === NONE) {
        r.logger.info(`${r.id} no leader at term ${r.term}; dropping index reading msg`);
        return;
      }
      r.msgs.push({ ...m, to: r.lead });
      return;
    case 'MsgReadIndexResp': {
      const e = m.entries[0];
      if (m.entries.length !== 1 || !e) {
        r.logger.error(`${r.id} invalid format of MsgReadIndexResp from ${m.from}, entries count: ${m.entries.length}`);
        return;
      }
      r.readStates.push({ index: m.index, requestCtx: e.data });
      return;
    }
    default:
      return;
  }
}

function handleAppendEntries(r: RaftState, m: Message): void {
  if (m.index < r.raftLog.committed) {
    // Old news: we already have (and committed) more than that.
    r.send({ type: 'MsgAppResp', to: m.from, index: r.raftLog.committed });
    return;
  }
  const lastNew = r.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (lastNew !== undefined) {
    r.send({ type: 'MsgAppResp', to: m.from, index: lastNew });
    return;
  }
  r.logger.debug(
    `${r.id} [logterm: ${r.raftLog.termOrZero(m.index)}, index: ${m.index}] rejected MsgApp [logterm: ${m.logTerm}, index: ${m.index}] from ${m.from}`,
  );
  // Hint where the leader should probe next: our last entry at or below m.index whose
  // term is <= m.logTerm. The leader can then skip whole terms (fast backtracking).
  const hintIndex = Math.min(m.index, r.raftLog.lastIndex());
  const [idx, term] = r.raftLog.findConflictByTerm(hintIndex, m.logTerm);
  r.send({ type: 'MsgAppResp', to: m.from, index: m.index, reject: true, rejectHint: idx, logTerm: term });
}

function handleHeartbeat(r: RaftState, m: Message): void {
  r.raftLog.commitTo(m.commit);
  r.send({ type: 'MsgHeartbeatResp', to: m.from, ...(m.context ? { context: m.context } : {}) });
}

function handleSnapshot(r: RaftState, m: Message): void {
  const s = m.snapshot;
  if (!s) return;
  const { index, term } = s.metadata;
  if (restoreSnapshot(r, s)) {
    r.logger.info(`${r.id} [commit: ${r.raftLog.committed}] restored snapshot [index: ${index}, term: ${term}]`);
    r.send({ type: 'MsgAppResp', to: m.from, index: r.raftLog.lastIndex() });
  } else {
    r.logger.info(`${r.id} [commit: ${r.raftLog.committed}] ignored snapshot [index: ${index}, term: ${term}]`);
    r.send({ type: 'MsgAppResp', to: m.from, index: r.raftLog.committed });
  }
}
