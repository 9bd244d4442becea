// Cluster membership calls (etcd's Cluster service): add, remove, update, promote, with
// etcd's checks (strict reconfig: never lose quorum, learners must catch up first).
import { EtcdServerRequests } from './server-requests.ts';
import { Errors } from './errors.ts';
import type { Member } from './membership.ts';
import { computeAddedMemberId, membershipToServerError } from './server-util.ts';

export abstract class EtcdServerMembership extends EtcdServerRequests {
  async memberAdd(peerUrls: string[], isLearner: boolean, signal?: AbortSignal): Promise<{ member: Member; members: Member[] }> {
    const id = computeAddedMemberId(peerUrls, Math.floor(this.clock.now() / 1000));
    const member: Member = { id, name: '', peerUrls, clientUrls: [], isLearner };
    try {
      this.cluster.validateAdd(member);
    } catch (e) {
      throw membershipToServerError(e as Error);
    }
    if ((this.opts.strictReconfigCheck ?? true) && !isLearner && !this.hasQuorumAfterAdd()) throw Errors.notEnoughStarted();
    const reqId = this.ids.next();
    const ctx = new TextEncoder().encode(JSON.stringify({ ...member, requestId: reqId }));
    const r = await this.proposeConf({ type: isLearner ? 'ConfChangeAddLearnerNode' : 'ConfChangeAddNode', nodeId: id, context: ctx }, reqId, signal);
    return { member, members: 'confChange' in r ? r.confChange : this.cluster.list() };
  }

  async memberRemove(id: string, signal?: AbortSignal): Promise<Member[]> {
    if (this.cluster.removed.has(id) || !this.cluster.members.has(id)) throw Errors.memberNotFound();
    if ((this.opts.strictReconfigCheck ?? true) && !this.hasQuorumAfterRemove(id)) throw Errors.notEnoughStarted();
    const reqId = this.ids.next();
    const ctx = new TextEncoder().encode(JSON.stringify({ id, name: '', peerUrls: [], clientUrls: [], isLearner: false, requestId: reqId }));
    const r = await this.proposeConf({ type: 'ConfChangeRemoveNode', nodeId: id, context: ctx }, reqId, signal);
    return 'confChange' in r ? r.confChange : this.cluster.list();
  }

  async memberUpdate(id: string, peerUrls: string[], signal?: AbortSignal): Promise<Member[]> {
    const m = this.cluster.members.get(id);
    if (this.cluster.removed.has(id) || !m) throw Errors.memberNotFound();
    const reqId = this.ids.next();
    const ctx = new TextEncoder().encode(JSON.stringify({ ...m, peerUrls, requestId: reqId }));
    const r = await this.proposeConf({ type: 'ConfChangeUpdateNode', nodeId: id, context: ctx }, reqId, signal);
    return 'confChange' in r ? r.confChange : this.cluster.list();
  }

  /** A learner becomes a voter once it has caught up (90% of the leader's log, as etcd asks). */
  async memberPromote(id: string, signal?: AbortSignal): Promise<Member[]> {
    const m = this.cluster.members.get(id);
    if (this.cluster.removed.has(id) || !m) throw Errors.memberNotFound();
    if (!m.isLearner) throw Errors.memberNotLearner();
    if (this.isLeader) {
      const st = this.node.status();
      const match = st.progress[id]?.match ?? 0;
      if (match < 0.9 * st.progress[this.memberId]!.match) throw Errors.learnerNotReady();
    }
    const reqId = this.ids.next();
    const ctx = new TextEncoder().encode(JSON.stringify({ ...m, requestId: reqId }));
    const r = await this.proposeConf({ type: 'ConfChangeAddNode', nodeId: id, context: ctx }, reqId, signal);
    return 'confChange' in r ? r.confChange : this.cluster.list();
  }

  /** Members the leader has heard from recently (ourselves included). */
  private activeVoters(): Set<string> {
    const st = this.node.status();
    const active = new Set<string>([this.memberId]);
    for (const [id, pr] of Object.entries(st.progress)) if (pr.recentActive) active.add(id);
    return active;
  }

  private hasQuorumAfterAdd(): boolean {
    if (!this.isLeader) return true;
    const voters = this.cluster.voters();
    const active = this.activeVoters();
    const started = voters.filter((v) => active.has(v)).length;
    return started >= Math.floor((voters.length + 1) / 2) + 1;
  }

  private hasQuorumAfterRemove(id: string): boolean {
    if (!this.isLeader) return true;
    const voters = this.cluster.voters().filter((v) => v !== id);
    const active = this.activeVoters();
    const started = voters.filter((v) => active.has(v)).length;
    return voters.length === 0 || started >= Math.floor(voters.length / 2) + 1;
  }

}
