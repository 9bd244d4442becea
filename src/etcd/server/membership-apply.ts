// Applying membership entries to the member list: alarms and conf changes, with etcd's
// checks and log lines. Raft's own configuration and the peer transport are the caller's.
import type { ConfChange } from '../../raft/types.ts';
import type { Logger } from '../log.ts';
import { ErrPeerUrlExists, MembershipError, type AlarmMember, type Member, type RaftCluster } from './membership.ts';

const CALLER = 'etcdserver/server.go';

/** ACTIVATE raises NOSPACE or CORRUPT for a member; DEACTIVATE clears what matches ('' and NONE match all). */
export function applyAlarm(cluster: RaftCluster, a: { action: 'ACTIVATE' | 'DEACTIVATE'; memberId: string; alarm: string }, log: Logger): AlarmMember[] {
  const matches = (m: AlarmMember) => (a.memberId === '' || m.memberId === a.memberId) && (a.alarm === 'NONE' || m.alarm === a.alarm);
  if (a.action === 'ACTIVATE' && (a.alarm === 'NOSPACE' || a.alarm === 'CORRUPT')) {
    if (!cluster.alarms.some((m) => m.memberId === a.memberId && m.alarm === a.alarm)) {
      cluster.alarms.push({ memberId: a.memberId, alarm: a.alarm });
      log.warn(`${CALLER}:2360`, 'alarm raised', { alarm: a.alarm, from: a.memberId });
    }
    return cluster.alarms.filter(matches);
  }
  const gone = cluster.alarms.filter(matches);
  cluster.alarms = cluster.alarms.filter((m) => !matches(m));
  for (const m of gone) log.warn(`${CALLER}:2380`, 'alarm disarmed', { alarm: m.alarm, from: m.memberId });
  return gone;
}

/** etcd's ValidateConfigurationChange at apply time: throws a MembershipError when refused. */
export function checkConfChange(cluster: RaftCluster, cc: ConfChange, member: Member | undefined): void {
  if (cc.type === 'ConfChangeAddNode' || cc.type === 'ConfChangeAddLearnerNode') {
    if (!member) throw new MembershipError('membership: missing member attributes');
    // Adding a voter that is a learner already is a promotion.
    if (!(cluster.members.get(member.id)?.isLearner && cc.type === 'ConfChangeAddNode')) cluster.validateAdd(member);
  } else if (cc.type === 'ConfChangeRemoveNode' || cc.type === 'ConfChangeUpdateNode') {
    cluster.validateRemove(cc.nodeId);
    if (cc.type === 'ConfChangeUpdateNode' && member) {
      for (const m of cluster.members.values()) {
        if (m.id !== member.id && m.peerUrls.some((u) => member.peerUrls.includes(u))) throw new MembershipError(ErrPeerUrlExists);
      }
    }
  }
}

/** What the peer transport must do after a conf change. */
export interface PeerChange {
  /** A peer to add, or whose URLs changed. */
  peer?: Member;
  /** A peer to forget. */
  removedPeer?: string;
  /** This member itself was removed. */
  removedSelf: boolean;
}

/** Applies an accepted conf change to the member list, logging as etcd's membership does. */
export function applyConfChangeToCluster(cluster: RaftCluster, cc: ConfChange, member: Member | undefined, localId: string, log: Logger): PeerChange {
  const out: PeerChange = { removedSelf: false };
  if ((cc.type === 'ConfChangeAddNode' || cc.type === 'ConfChangeAddLearnerNode') && member) {
    if (!cluster.members.has(member.id)) {
      cluster.add({ ...member, isLearner: cc.type === 'ConfChangeAddLearnerNode' });
      log.info('membership/cluster.go:421', 'added member', {
        'cluster-id': cluster.clusterId,
        'local-member-id': localId,
        'added-peer-id': member.id,
        'added-peer-peer-urls': member.peerUrls,
        'added-peer-is-learner': cc.type === 'ConfChangeAddLearnerNode',
      });
    } else if (cc.type === 'ConfChangeAddNode') {
      cluster.promote(member.id);
    }
    if (member.id !== localId) out.peer = member;
  } else if (cc.type === 'ConfChangeUpdateNode' && member) {
    cluster.updatePeerUrls(member.id, member.peerUrls);
    log.info('membership/cluster.go:520', 'updated member', { 'cluster-id': cluster.clusterId, 'local-member-id': localId, 'updated-remote-peer-id': member.id, 'updated-remote-peer-urls': member.peerUrls });
    if (member.id !== localId) out.peer = member;
  } else if (cc.type === 'ConfChangeRemoveNode') {
    cluster.remove(cc.nodeId);
    log.info('membership/cluster.go:477', 'removed member', { 'cluster-id': cluster.clusterId, 'local-member-id': localId, 'removed-remote-peer-id': cc.nodeId });
    if (cc.nodeId === localId) out.removedSelf = true;
    else out.removedPeer = cc.nodeId;
  }
  return out;
}
