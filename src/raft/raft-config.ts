// Membership: applying single-member configuration changes and restoring the
// configuration from storage or from a snapshot (etcd-io/raft's confchange/ and
// raft.applyConfChange / raft.restore). Only one member changes at a time, so there is
// never a joint configuration.

import type { ConfChange, ConfState, NodeId, Snapshot } from './types.ts';
import { NONE } from './types.ts';
import type { RaftState } from './raft-state.ts';
import { Progress } from './progress.ts';
import { ProgressTracker } from './tracker.ts';
import { RaftError } from './storage.ts';
import { describeConfState } from './conf-change.ts';
import { abortLeaderTransfer, bcastAppend, maybeCommit, maybeSendAppend } from './raft-leader.ts';

function newProgress(r: RaftState, isLearner: boolean): Progress {
  // Probe from our last index: the new member most likely has nothing and will be
  // walked back (or sent a snapshot) by the rejection.
  const pr = new Progress(Math.max(r.raftLog.lastIndex(), 1), r.prs.maxInflight, isLearner);
  // Counted as active so check-quorum does not depose us before it can answer.
  pr.recentActive = true;
  return pr;
}

function addMember(r: RaftState, id: NodeId, isLearner: boolean): void {
  const prs = r.prs;
  const pr = prs.progress.get(id);
  if (!pr) {
    prs.progress.set(id, newProgress(r, isLearner));
  } else {
    pr.isLearner = isLearner;
  }
  if (isLearner) {
    prs.voters.delete(id);
    prs.learners.add(id);
  } else {
    prs.learners.delete(id);
    prs.voters.add(id);
  }
}

/** Sets the configuration a node starts with (from storage's ConfState). */
export function restoreConfig(r: RaftState, cs: ConfState): void {
  for (const id of cs.voters) addMember(r, id, false);
  for (const id of cs.learners) addMember(r, id, true);
  if (cs.voters.length > 0 || cs.learners.length > 0) {
    r.logger.info(`${r.id} switched to configuration ${describeConfState(r.prs.confState())}`);
  }
  const self = r.prs.progress.get(r.id);
  r.isLearner = self?.isLearner ?? false;
}

/** Applies one committed configuration change; returns the new configuration. */
export function applyConfChange(r: RaftState, cc: ConfChange): ConfState {
  const prs = r.prs;
  const id = cc.nodeId;
  switch (cc.type) {
    case 'ConfChangeAddNode':
      if (id !== NONE) addMember(r, id, false);
      break;
    case 'ConfChangeAddLearnerNode':
      if (id !== NONE) {
        if (prs.voters.has(id) && prs.voters.size === 1) throw new RaftError('removed all voters');
        addMember(r, id, true);
      }
      break;
    case 'ConfChangeRemoveNode':
      if (prs.voters.has(id) && prs.voters.size === 1) throw new RaftError('removed all voters');
      prs.voters.delete(id);
      prs.learners.delete(id);
      prs.progress.delete(id);
      prs.votes.delete(id);
      break;
    case 'ConfChangeUpdateNode':
      break;
  }
  return switchToConfig(r);
}

/** Reacts to a new configuration: commit may move (quorum changed), transfers may end. */
function switchToConfig(r: RaftState): ConfState {
  const cs = r.prs.confState();
  r.logger.info(`${r.id} switched to configuration ${describeConfState(cs)}`);
  const self = r.prs.progress.get(r.id);
  r.isLearner = self?.isLearner ?? false;
  if ((!self || r.isLearner) && r.state === 'StateLeader') {
    // Removed or demoted: a leader that is not a voter must not keep leading.
    r.becomeFollower(r.term, NONE);
    return cs;
  }
  if (r.state !== 'StateLeader' || cs.voters.length === 0) return cs;
  if (maybeCommit(r)) {
    bcastAppend(r);
  } else {
    // New members need their first MsgApp.
    r.prs.visit((id) => {
      if (id !== r.id) maybeSendAppend(r, id, false);
    });
  }
  if (r.leadTransferee !== NONE && !r.prs.voters.has(r.leadTransferee)) abortLeaderTransfer(r);
  return cs;
}

/** A follower installs a leader's snapshot; returns false if it was not needed. */
export function restoreSnapshot(r: RaftState, s: Snapshot): boolean {
  const { index, term, confState } = s.metadata;
  if (index <= r.raftLog.committed) return false;
  if (r.state !== 'StateFollower') {
    // Only a leader sends snapshots, and a leader of our term makes us a follower first.
    r.logger.warn(`${r.id} attempted to restore snapshot as leader; should never happen`);
    r.becomeFollower(r.term + 1, NONE);
    return false;
  }
  if (!confState.voters.includes(r.id) && !confState.learners.includes(r.id)) {
    r.logger.warn(`${r.id} attempted to restore snapshot but it is not in the ConfState ${describeConfState(confState)}; should never happen`);
    return false;
  }
  if (r.raftLog.matchTerm(index, term)) {
    // We have the entry the snapshot ends with: just commit up to it.
    r.logger.info(
      `${r.id} [commit: ${r.raftLog.committed}, lastindex: ${r.raftLog.lastIndex()}, lastterm: ${r.raftLog.lastTerm()}] ` +
        `fast-forwarded commit to snapshot [index: ${index}, term: ${term}]`,
    );
    r.raftLog.commitTo(index);
    return false;
  }
  r.raftLog.restore(s);
  r.prs = new ProgressTracker(r.prs.maxInflight);
  restoreConfig(r, confState);
  const self = r.prs.progress.get(r.id);
  self?.maybeUpdate(self.next - 1);
  r.logger.info(
    `${r.id} [commit: ${r.raftLog.committed}, lastindex: ${r.raftLog.lastIndex()}, lastterm: ${r.raftLog.lastTerm()}] ` +
      `restored snapshot [index: ${index}, term: ${term}]`,
  );
  return true;
}
