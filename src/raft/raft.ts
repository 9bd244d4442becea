// The Raft state machine: roles, terms, elections, and the follower/candidate side of
// message handling. The leader side lives in raft-leader.ts, configuration and snapshot
// restore in raft-config.ts. Modelled on etcd-io/raft's raft.go (synchronous storage:
// the application persists each Ready before it sends that Ready's messages).

import type { Entry, HardState, Message, MessageType, NodeId, ReadState, SoftState, StateType } from './types.ts';
import { NONE, emptyMessage } from './types.ts';
import type { Random } from '../platform/random.ts';
import type { RaftLogger } from './logger.ts';
import { discardLogger } from './logger.ts';
import type { Storage } from './storage.ts';
import { RaftError, isEmptyHardState } from './storage.ts';
import { RaftLog } from './log.ts';
import { ProgressTracker } from './tracker.ts';
import { ReadOnly } from './read-only.ts';
import type { ReadOnlyOption } from './read-only.ts';
import { fmtId, voteRespMsgType } from './util.ts';
import { stepLeader, bcastAppend, maybeCommit, abortLeaderTransfer } from './raft-leader.ts';
import { restoreConfig } from './raft-config.ts';
import { stepCandidate, stepFollower } from './raft-follower.ts';
import type { CampaignType, Outgoing, RaftState } from './raft-state.ts';

export type { CampaignType, Outgoing };

export { ErrProposalDropped } from './errors.ts';

export interface RaftConfig {
  id: NodeId;
  /** Ticks without hearing from a leader before a follower campaigns (randomised up to 2x). */
  electionTick: number;
  /** Ticks between leader heartbeats; must be smaller than electionTick. */
  heartbeatTick: number;
  storage: Storage;
  /** Last applied index, when restarting; entries up to it are not handed out again. */
  applied?: number;
  /** Byte limit of the entries in one MsgApp. */
  maxSizePerMsg?: number;
  /** Byte limit of the committed entries in one Ready. */
  maxCommittedSizePerReady?: number;
  /** How many MsgApp may be in flight to one follower in StateReplicate. */
  maxInflightMsgs?: number;
  /** A leader steps down when it has not heard from a quorum within an election timeout. */
  checkQuorum?: boolean;
  /** Ask for (non-binding) votes before raising the term, so a rejoining node cannot disrupt. */
  preVote?: boolean;
  readOnlyOption?: ReadOnlyOption;
  random: Random;
  logger?: RaftLogger;
}

const campaignTransferCtx = new TextEncoder().encode('CampaignTransfer');

function isCampaignTransfer(ctx: Uint8Array | undefined): boolean {
  if (!ctx || ctx.length !== campaignTransferCtx.length) return false;
  return ctx.every((b, i) => b === campaignTransferCtx[i]);
}

export class Raft implements RaftState {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  readStates: ReadState[] = [];
  readonly raftLog: RaftLog;
  readonly maxMsgSize: number;
  prs: ProgressTracker;
  state: StateType = 'StateFollower';
  isLearner = false;
  msgs: Message[] = [];
  lead: NodeId = NONE;
  /** Id of the node leadership is being handed to, or NONE. */
  leadTransferee: NodeId = NONE;
  /** Index of the last conf change proposed; a new one waits until it is applied. */
  pendingConfIndex = 0;
  readOnly: ReadOnly;
  /** Reads that arrived before this leader committed an entry of its own term. */
  pendingReadIndexMessages: Message[] = [];
  electionElapsed = 0;
  heartbeatElapsed = 0;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly heartbeatTimeout: number;
  readonly electionTimeout: number;
  randomizedElectionTimeout = 0;
  readonly random: Random;
  readonly logger: RaftLogger;

  constructor(c: RaftConfig) {
    if (!c.id) throw new RaftError('cannot use none as id');
    if (c.heartbeatTick <= 0) throw new RaftError('heartbeat tick must be greater than 0');
    if (c.electionTick <= c.heartbeatTick) throw new RaftError('election tick must be greater than heartbeat tick');
    this.id = c.id;
    this.raftLog = new RaftLog(c.storage, c.maxCommittedSizePerReady);
    this.maxMsgSize = c.maxSizePerMsg ?? Number.MAX_SAFE_INTEGER;
    const maxInflight = c.maxInflightMsgs ?? 256;
    if (maxInflight <= 0) throw new RaftError('max inflight messages must be greater than 0');
    this.prs = new ProgressTracker(maxInflight);
    this.readOnly = new ReadOnly(c.readOnlyOption ?? 'ReadOnlySafe');
    this.checkQuorum = c.checkQuorum ?? false;
    if (this.readOnly.option === 'ReadOnlyLeaseBased' && !this.checkQuorum) {
      throw new RaftError('CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased');
    }
    this.preVote = c.preVote ?? false;
    this.heartbeatTimeout = c.heartbeatTick;
    this.electionTimeout = c.electionTick;
    this.random = c.random;
    this.logger = c.logger ?? discardLogger;

    const { hardState, confState } = c.storage.initialState();
    restoreConfig(this, confState);
    if (!isEmptyHardState(hardState)) this.loadState(hardState);
    if (c.applied !== undefined && c.applied > 0) this.raftLog.appliedTo(c.applied);
    this.becomeFollower(this.term, NONE);

    this.logger.info(
      `newRaft ${this.id} [peers: [${this.prs.voterIds().join(',')}], term: ${this.term}, commit: ${this.raftLog.committed}, ` +
        `applied: ${this.raftLog.applied}, lastindex: ${this.raftLog.lastIndex()}, lastterm: ${this.raftLog.lastTerm()}]`,
    );
  }

  private loadState(hs: HardState): void {
    if (hs.commit < this.raftLog.committed || hs.commit > this.raftLog.lastIndex()) {
      throw new RaftError(`${this.id} state.commit ${hs.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`);
    }
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  softState(): SoftState {
    return { lead: this.lead, raftState: this.state };
  }

  /** Queues a message; stamps our id and term (except on requests that carry none). */
  send(out: Outgoing): void {
    const m: Message = { ...emptyMessage(out.type, this.id, out.to), ...out };
    if (!m.from) m.from = this.id;
    if (m.type === 'MsgVote' || m.type === 'MsgVoteResp' || m.type === 'MsgPreVote' || m.type === 'MsgPreVoteResp') {
      if (m.term === 0) throw new RaftError(`term should be set when sending ${m.type}`);
    } else {
      if (m.term !== 0) throw new RaftError(`term should not be set when sending ${m.type} (was ${m.term})`);
      // Proposals and read requests are forwarded as is: the leader judges them by its own term.
      if (m.type !== 'MsgProp' && m.type !== 'MsgReadIndex') m.term = this.term;
    }
    this.msgs.push(m);
  }

  // ---- roles -------------------------------------------------------------------------

  reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    abortLeaderTransfer(this);
    this.prs.resetVotes();
    const last = this.raftLog.lastIndex();
    this.prs.visit((id, pr) => {
      pr.match = id === this.id ? last : 0;
      pr.next = last + 1;
      pr.state = 'StateProbe';
      pr.pendingSnapshot = 0;
      pr.probeSent = false;
      pr.recentActive = false;
      pr.inflights.reset();
    });
    this.pendingConfIndex = 0;
    this.readOnly = new ReadOnly(this.readOnly.option);
    this.pendingReadIndexMessages = [];
  }

  resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + this.random.int(this.electionTimeout);
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = 'StateFollower';
    this.logger.info(`${this.id} became follower at term ${this.term}`);
  }

  becomeCandidate(): void {
    if (this.state === 'StateLeader') throw new RaftError('invalid transition [leader -> candidate]');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = 'StateCandidate';
    this.logger.info(`${this.id} became candidate at term ${this.term}`);
  }

  becomePreCandidate(): void {
    if (this.state === 'StateLeader') throw new RaftError('invalid transition [leader -> pre-candidate]');
    // A pre-candidate changes neither its term nor its vote.
    this.prs.resetVotes();
    this.lead = NONE;
    this.state = 'StatePreCandidate';
    this.logger.info(`${this.id} became pre-candidate at term ${this.term}`);
  }

  becomeLeader(): void {
    if (this.state === 'StateFollower') throw new RaftError('invalid transition [follower -> leader]');
    this.reset(this.term);
    this.lead = this.id;
    this.state = 'StateLeader';
    const self = this.prs.progress.get(this.id);
    if (self) {
      self.becomeReplicate();
      self.recentActive = true;
    }
    // Conf changes in the uncommitted tail may exist; be conservative and treat the
    // whole tail as possibly holding one, so no second change is proposed meanwhile.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // An empty entry of our term: committing it commits everything before it (§5.4.2).
    this.appendEntry([{ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }]);
    this.logger.info(`${this.id} became leader at term ${this.term}`);
  }

  /** Appends entries at our term (leader only) and counts our own copy towards commit. */
  appendEntry(es: Entry[]): void {
    let li = this.raftLog.lastIndex();
    const ents = es.map((e, i) => ({ ...e, term: this.term, index: li + 1 + i }));
    li = this.raftLog.append(ents);
    this.prs.progress.get(this.id)?.maybeUpdate(li);
    maybeCommit(this);
  }

  /** Whether this node may become leader: a voter with no snapshot waiting to be applied. */
  promotable(): boolean {
    const pr = this.prs.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasPendingSnapshot();
  }

  // ---- ticks -------------------------------------------------------------------------

  tick(): void {
    if (this.state === 'StateLeader') this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.step({ ...emptyMessage('MsgHup', this.id, NONE) });
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(emptyMessage('MsgCheckQuorum', this.id, NONE));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.state === 'StateLeader' && this.leadTransferee !== NONE) abortLeaderTransfer(this);
    }
    if (this.state !== 'StateLeader') return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(emptyMessage('MsgBeat', this.id, NONE));
    }
  }

  // ---- elections ---------------------------------------------------------------------

  hup(t: CampaignType): void {
    if (this.state === 'StateLeader') {
      this.logger.debug(`${this.id} ignoring MsgHup because already leader`);
      return;
    }
    if (!this.promotable()) {
      this.logger.warn(`${this.id} is unpromotable and can not campaign`);
      return;
    }
    // A conf change committed but not applied could change who may vote: wait for it.
    if (this.raftLog.committed > this.raftLog.applied) {
      const pending = this.raftLog
        .slice(this.raftLog.applied + 1, this.raftLog.committed + 1)
        .filter((e) => e.type === 'confchange').length;
      if (pending > 0) {
        this.logger.warn(
          `${this.id} cannot campaign at term ${this.term} since there are still ${pending} pending configuration changes to apply`,
        );
        return;
      }
    }
    this.logger.info(`${this.id} is starting a new election at term ${this.term}`);
    this.campaign(t);
  }

  campaign(t: CampaignType): void {
    let term: number;
    let voteMsg: MessageType;
    if (t === 'CampaignPreElection') {
      this.becomePreCandidate();
      voteMsg = 'MsgPreVote';
      // Pre-vote requests carry the term we would campaign at, without raising ours.
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteMsg = 'MsgVote';
      term = this.term;
    }
    if (this.poll(this.id, voteRespMsgType(voteMsg), true).result === 'VoteWon') {
      // A single-voter cluster wins at once.
      if (t === 'CampaignPreElection') this.campaign('CampaignElection');
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.raftLog.lastIndex();
    const lastTerm = this.raftLog.lastTerm();
    for (const id of this.prs.voterIds()) {
      if (id === this.id) continue;
      this.logger.info(`${this.id} [logterm: ${lastTerm}, index: ${lastIndex}] sent ${voteMsg} request to ${id} at term ${this.term}`);
      this.send({
        type: voteMsg,
        to: id,
        term,
        index: lastIndex,
        logTerm: lastTerm,
        ...(t === 'CampaignTransfer' ? { context: campaignTransferCtx } : {}),
      });
    }
  }

  poll(id: NodeId, t: MessageType, granted: boolean): { granted: number; rejected: number; result: ReturnType<ProgressTracker['tallyVotes']>['result'] } {
    if (granted) this.logger.info(`${this.id} received ${t} from ${id} at term ${this.term}`);
    else this.logger.info(`${this.id} received ${t} rejection from ${id} at term ${this.term}`);
    this.prs.recordVote(id, granted);
    return this.prs.tallyVotes();
  }

  // ---- step --------------------------------------------------------------------------

  /** Feeds one message (from the network or generated locally) to the state machine. */
  step(m: Message): void {
    if (m.term === 0) {
      // Local message (or a forwarded proposal / read request).
    } else if (m.term > this.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        const force = isCampaignTransfer(m.context);
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        if (!force && inLease) {
          // We heard from a live leader recently: a vote now would only disrupt it.
          this.logger.info(
            `${this.id} [logterm: ${this.raftLog.lastTerm()}, index: ${this.raftLog.lastIndex()}, vote: ${fmtId(this.vote)}] ignored ${m.type} from ${m.from} ` +
              `[logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}: lease is not expired (remaining ticks: ${this.electionTimeout - this.electionElapsed})`,
          );
          return;
        }
      }
      if (m.type === 'MsgPreVote') {
        // Never change our term in response to a pre-vote.
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // Granted pre-votes carry the future term we asked for; the real election raises it.
      } else {
        this.logger.info(`${this.id} [term: ${this.term}] received a ${m.type} message with higher term from ${m.from} [term: ${m.term}]`);
        if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap') this.becomeFollower(m.term, m.from);
        else this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        // A stale leader cut off by a partition: tell it our term so it steps down. With
        // check-quorum or pre-vote our term would otherwise never reach it.
        this.send({ type: 'MsgAppResp', to: m.from });
      } else if (m.type === 'MsgPreVote') {
        this.logger.info(
          `${this.id} [logterm: ${this.raftLog.lastTerm()}, index: ${this.raftLog.lastIndex()}, vote: ${fmtId(this.vote)}] rejected ${m.type} from ${m.from} ` +
            `[logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}`,
        );
        this.send({ type: 'MsgPreVoteResp', to: m.from, term: this.term, reject: true });
      } else {
        this.logger.info(`${this.id} [term: ${this.term}] ignored a ${m.type} message with lower term from ${m.from} [term: ${m.term}]`);
      }
      return;
    }

    switch (m.type) {
      case 'MsgHup':
        this.hup(this.preVote ? 'CampaignPreElection' : 'CampaignElection');
        return;
      case 'MsgVote':
      case 'MsgPreVote': {
        const canVote =
          this.vote === m.from ||
          (this.vote === NONE && this.lead === NONE) ||
          (m.type === 'MsgPreVote' && m.term > this.term);
        const prefix = `${this.id} [logterm: ${this.raftLog.lastTerm()}, index: ${this.raftLog.lastIndex()}, vote: ${fmtId(this.vote)}]`;
        const suffix = `${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}`;
        if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
          this.logger.info(`${prefix} cast ${m.type} for ${suffix}`);
          // The response carries the request's term so the candidate counts it.
          this.send({ type: voteRespMsgType(m.type), to: m.from, term: m.term });
          if (m.type === 'MsgVote') {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.logger.info(`${prefix} rejected ${m.type} from ${suffix}`);
          this.send({ type: voteRespMsgType(m.type), to: m.from, term: this.term, reject: true });
        }
        return;
      }
      default:
        if (this.state === 'StateLeader') stepLeader(this, m);
        else if (this.state === 'StateFollower') stepFollower(this, m);
        else stepCandidate(this, m);
    }
  }
}
