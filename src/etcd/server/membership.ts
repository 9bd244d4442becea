// The cluster's members as etcd's membership package keeps them: id, name, peer and client
// URLs, learner flag; removed ids are remembered so they can never come back.
import { computeClusterId, computeMemberId } from '../types/id.ts';
import type { ParsedUrl } from '../types/urls.ts';

export interface Member {
  /** Hex member id. */
  id: string;
  /** Empty until the member has started and published its attributes. */
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

export class MembershipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MembershipError';
  }
}

export const ErrIdRemoved = 'membership: ID removed';
export const ErrIdExists = 'membership: ID exists';
export const ErrIdNotFound = 'membership: ID not found';
export const ErrPeerUrlExists = 'membership: peerURL exists';

export interface AlarmMember {
  memberId: string;
  alarm: 'NOSPACE' | 'CORRUPT';
}

export class RaftCluster {
  clusterId = '';
  readonly members = new Map<string, Member>();
  readonly removed = new Set<string>();
  /** Raised alarms (replicated through raft, kept in snapshots like etcd's alarm bucket). */
  alarms: AlarmMember[] = [];

  /** The cluster as --initial-cluster describes it, with ids derived from the token. */
  static fromUrlsMap(token: string, map: Map<string, ParsedUrl[]>): RaftCluster {
    const c = new RaftCluster();
    for (const [name, urls] of map) {
      const peerUrls = urls.map((u) => u.text);
      const id = computeMemberId(peerUrls, token);
      if (c.members.has(id)) throw new MembershipError(`member exists with identical ID ${JSON.stringify({ id, name, peerUrls })}`);
      c.members.set(id, { id, name, peerUrls, clientUrls: [], isLearner: false });
    }
    c.clusterId = computeClusterId([...c.members.keys()]);
    return c;
  }

  memberByName(name: string): Member | undefined {
    for (const m of this.members.values()) if (m.name === name) return m;
    return undefined;
  }

  /** Sorted by id, as etcd lists members. */
  list(): Member[] {
    return [...this.members.values()].sort((a, b) => (BigInt('0x' + a.id) < BigInt('0x' + b.id) ? -1 : 1));
  }

  voters(): string[] {
    return this.list()
      .filter((m) => !m.isLearner)
      .map((m) => m.id);
  }

  validateAdd(m: Member): void {
    if (this.removed.has(m.id)) throw new MembershipError(ErrIdRemoved);
    if (this.members.has(m.id)) throw new MembershipError(ErrIdExists);
    const urls = new Set<string>();
    for (const x of this.members.values()) for (const u of x.peerUrls) urls.add(u);
    for (const u of m.peerUrls) if (urls.has(u)) throw new MembershipError(ErrPeerUrlExists);
  }

  validateRemove(id: string): void {
    if (this.removed.has(id)) throw new MembershipError(ErrIdRemoved);
    if (!this.members.has(id)) throw new MembershipError(ErrIdNotFound);
  }

  add(m: Member): void {
    this.members.set(m.id, { ...m, peerUrls: [...m.peerUrls], clientUrls: [...m.clientUrls] });
  }

  remove(id: string): void {
    this.members.delete(id);
    this.removed.add(id);
  }

  updateAttributes(id: string, name: string, clientUrls: string[]): void {
    const m = this.members.get(id);
    if (m) {
      m.name = name;
      m.clientUrls = [...clientUrls];
    }
  }

  updatePeerUrls(id: string, peerUrls: string[]): void {
    const m = this.members.get(id);
    if (m) m.peerUrls = [...peerUrls];
  }

  promote(id: string): void {
    const m = this.members.get(id);
    if (m) m.isLearner = false;
  }

  toJSON(): { clusterId: string; members: Member[]; removed: string[]; alarms?: AlarmMember[] } {
    return { clusterId: this.clusterId, members: this.list(), removed: [...this.removed].sort(), alarms: this.alarms };
  }

  static fromJSON(j: { clusterId: string; members: Member[]; removed: string[]; alarms?: AlarmMember[] }): RaftCluster {
    const c = new RaftCluster();
    c.clusterId = j.clusterId;
    c.alarms = j.alarms ?? [];
    for (const m of j.members) c.add(m);
    for (const r of j.removed) c.removed.add(r);
    return c;
  }
}
