// Facts about an etcd cluster spread over the lab's hosts, for lesson 04's checks:
//  - what each member says about itself when asked over the virtual network (the wire
//    etcdctl uses): cluster id, its member id, the member list, its health, its leader;
//  - the history of the members, from what etcd recorded in the sandbox's event log
//    ('etcd-started' with member and cluster ids, 'etcd-leader' on every leader change)
//    and the hosts' process exits (so a member killed with SIGKILL counts as stopped too).
import type { CheckContext, LabEvent } from '../../src/lab/check-context.ts';

export interface LabHost {
  name: string;
  ip: string;
}

/** Go prints member ids as hex; the gateway sends them as decimal strings. */
export const hexId = (decimal: unknown): string => {
  try {
    return BigInt(String(decimal ?? '0')).toString(16);
  } catch {
    return String(decimal);
  }
};

export interface MemberAnswer {
  host: string;
  endpoint: string;
  /** Why it did not answer, in words; undefined when it did. */
  error?: string;
  clusterId?: string;
  memberId?: string;
  members?: { id: string; name: string; clientUrls: string[] }[];
  /** GET /health: status and body. */
  health?: { status: number; body: string };
  /** From /v3/maintenance/status: the leader it knows (hex; '' for none) and its errors. */
  leader?: string;
  errors?: string[];
}

async function postJson(ctx: CheckContext, from: string, url: string, body: unknown): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; error: string }> {
  const out = await ctx.http(url, { host: from, method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, timeoutMs: 2500 });
  if (!out.ok) return { ok: false, error: out.error };
  try {
    const v = JSON.parse(out.response.body) as Record<string, unknown>;
    if (out.response.status !== 200) return { ok: false, error: `${out.response.status} ${String(v.message ?? v.error ?? '')}`.trim() };
    return { ok: true, value: v };
  } catch {
    return { ok: false, error: `answered ${out.response.status} with a body that is not JSON` };
  }
}

/** Asks the member on `host` (at its eth0 address, from `from`) who it is and what it knows. */
export async function askMember(ctx: CheckContext, host: LabHost, from: string): Promise<MemberAnswer> {
  const base = `http://${host.ip}:2379`;
  const answer: MemberAnswer = { host: host.name, endpoint: `${host.ip}:2379` };
  const list = await postJson(ctx, from, `${base}/v3/cluster/member/list`, { linearizable: false });
  if (!list.ok) {
    answer.error = list.error;
    return answer;
  }
  const header = (list.value.header ?? {}) as Record<string, unknown>;
  answer.clusterId = hexId(header.cluster_id);
  answer.memberId = hexId(header.member_id);
  const members = Array.isArray(list.value.members) ? (list.value.members as Record<string, unknown>[]) : [];
  answer.members = members.map((m) => ({
    id: hexId(m.ID),
    name: String(m.name ?? ''),
    clientUrls: Array.isArray(m.clientURLs) ? m.clientURLs.map(String) : [],
  }));
  const health = await ctx.http(`${base}/health`, { host: from, timeoutMs: 2500 });
  if (health.ok) answer.health = { status: health.response.status, body: health.response.body.trim() };
  const status = await postJson(ctx, from, `${base}/v3/maintenance/status`, {});
  if (status.ok) {
    answer.leader = status.value.leader === undefined ? '' : hexId(status.value.leader);
    answer.errors = Array.isArray(status.value.errors) ? status.value.errors.map(String) : [];
  }
  return answer;
}

export const isHealthy = (a: MemberAnswer): boolean => a.health?.status === 200 && /"health"\s*:\s*"true"/.test(a.health.body);

/** Asks every host's member, from the first host (as `etcdctl --endpoints=…` there would). */
export async function askAll(ctx: CheckContext, hosts: readonly LabHost[]): Promise<MemberAnswer[]> {
  const from = hosts[0]!.name;
  return Promise.all(hosts.map((h) => askMember(ctx, h, from)));
}

/** One run of an etcd member: from its 'etcd-started' record to its process's exit. */
export interface MemberRun {
  host: string;
  pid: number;
  name: string;
  memberId: string;
  clusterId: string;
  startedAt: number;
  /** Undefined while it runs. */
  endedAt?: number;
  /** Its order in the event log, to break ties between records made in the same millisecond. */
  startSeq: number;
  endSeq?: number;
}

export function memberRuns(events: readonly LabEvent[]): MemberRun[] {
  const runs: MemberRun[] = [];
  const open = new Map<string, MemberRun>();
  // A member counts from its process's start: it takes part in elections before it says
  // it is ready (etcd records 'etcd-started' only once it has joined and published itself).
  const processStart = new Map<string, { at: number; seq: number }>();
  events.forEach((e, seq) => {
    if (e.type === 'process-start') processStart.set(`${e.host}/${Number(e.data.pid)}`, { at: e.at, seq });
    if (e.type === 'etcd-started') {
      const pid = Number(e.data.pid);
      const began = processStart.get(`${e.host}/${pid}`) ?? { at: e.at, seq };
      const run: MemberRun = {
        host: e.host,
        pid,
        name: String(e.data.name ?? ''),
        memberId: String(e.data.memberId ?? ''),
        clusterId: String(e.data.clusterId ?? ''),
        startedAt: began.at,
        startSeq: began.seq,
      };
      runs.push(run);
      open.set(`${e.host}/${pid}`, run);
    } else if (e.type === 'process-exit' || e.type === 'etcd-stopped') {
      const key = `${e.host}/${Number(e.data.pid)}`;
      const run = open.get(key);
      if (run) {
        run.endedAt = e.at;
        run.endSeq = seq;
        open.delete(key);
      }
    }
  });
  return runs;
}

/** A moment in a cluster's life: how many of its members ran just after event `seq`. */
export interface ClusterMoment {
  seq: number;
  at: number;
  running: string[];
}

export interface ClusterHistory {
  clusterId: string;
  /** Distinct members seen running in this cluster (by member id → name). */
  members: Map<string, string>;
  quorum: number;
  moments: ClusterMoment[];
}

/** For each cluster id, how many of its members ran after each start and stop, in order. */
export function clusterHistories(events: readonly LabEvent[]): ClusterHistory[] {
  const byCluster = new Map<string, MemberRun[]>();
  for (const r of memberRuns(events)) {
    if (!r.clusterId) continue;
    const list = byCluster.get(r.clusterId) ?? [];
    list.push(r);
    byCluster.set(r.clusterId, list);
  }
  const out: ClusterHistory[] = [];
  for (const [clusterId, runs] of byCluster) {
    const members = new Map(runs.map((r) => [r.memberId, r.name]));
    const changes: { seq: number; at: number; run: MemberRun; up: boolean }[] = [];
    for (const r of runs) {
      changes.push({ seq: r.startSeq, at: r.startedAt, run: r, up: true });
      if (r.endSeq !== undefined) changes.push({ seq: r.endSeq, at: r.endedAt!, run: r, up: false });
    }
    changes.sort((a, b) => a.seq - b.seq);
    const running = new Map<string, number>();
    const moments: ClusterMoment[] = [];
    for (const c of changes) {
      const n = running.get(c.run.memberId) ?? 0;
      running.set(c.run.memberId, c.up ? n + 1 : n - 1);
      moments.push({ seq: c.seq, at: c.at, running: [...running].filter(([, k]) => k > 0).map(([id]) => members.get(id) || id) });
    }
    out.push({ clusterId, members, quorum: Math.floor(members.size / 2) + 1, moments });
  }
  return out;
}

export interface QuorumStory {
  history: ClusterHistory;
  /** When all members first ran together. */
  formed?: ClusterMoment;
  /** The first moment after `formed` with fewer than a quorum running (but the learner left at least one). */
  lost?: ClusterMoment;
  /** The first moment after `lost` with a quorum running again. */
  regained?: ClusterMoment;
  /** The first leader elected after `regained` (from the members' 'etcd-leader' records). */
  leaderAfter?: { at: number; host: string; leader: string; term: number };
  /** A member lost its leader after `lost` (etcd's own "lost leader" record). */
  noLeaderSeen?: { at: number; host: string };
}

/** The story of the cluster with the most members: formed, lost quorum, regained it. */
export function quorumStory(events: readonly LabEvent[], clusterSize = 3): QuorumStory | undefined {
  const histories = clusterHistories(events).filter((h) => h.members.size >= clusterSize);
  if (histories.length === 0) return undefined;
  histories.sort((a, b) => b.members.size - a.members.size);
  let best: QuorumStory | undefined;
  for (const history of histories) {
    const story: QuorumStory = { history };
    const ms = history.moments;
    const fi = ms.findIndex((m) => m.running.length === history.members.size);
    if (fi >= 0) {
      story.formed = ms[fi];
      const li = ms.findIndex((m, i) => i > fi && m.running.length < history.quorum && m.running.length > 0);
      if (li >= 0) {
        story.lost = ms[li];
        const ri = ms.findIndex((m, i) => i > li && m.running.length >= history.quorum);
        if (ri >= 0) story.regained = ms[ri];
      }
    }
    const memberHosts = new Set(memberRuns(events).filter((r) => r.clusterId === history.clusterId).map((r) => r.host));
    events.forEach((e, seq) => {
      if (e.type !== 'etcd-leader' || !memberHosts.has(e.host)) return;
      const leader = String(e.data.leader ?? '');
      if (story.lost && seq > story.lost.seq && !story.noLeaderSeen && leader === '') story.noLeaderSeen = { at: e.at, host: e.host };
      if (story.regained && seq > story.regained.seq && !story.leaderAfter && leader !== '') {
        story.leaderAfter = { at: e.at, host: e.host, leader, term: Number(e.data.term ?? 0) };
      }
    });
    const score = (s: QuorumStory) => (s.formed ? 1 : 0) + (s.lost ? 1 : 0) + (s.regained ? 1 : 0) + (s.leaderAfter ? 1 : 0);
    if (!best || score(story) > score(best)) best = story;
  }
  return best;
}

/**
 * The member's own copy of a key: a serializable range, which the member answers from its
 * local store without asking the leader (etcdctl get --consistency=s).
 */
export async function localCopy(ctx: CheckContext, host: LabHost, from: string, key: string): Promise<{ ok: true; value: string | undefined } | { ok: false; error: string }> {
  const r = await postJson(ctx, from, `http://${host.ip}:2379/v3/kv/range`, { key: Buffer.from(key).toString('base64'), serializable: true });
  if (!r.ok) return r;
  const kvs = Array.isArray(r.value.kvs) ? (r.value.kvs as Record<string, unknown>[]) : [];
  const v = kvs[0]?.value;
  return { ok: true, value: kvs.length === 0 ? undefined : Buffer.from(typeof v === 'string' ? v : '', 'base64').toString('utf8') };
}
