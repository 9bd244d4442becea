// Lab 04: three hosts with etcd installed. The learner starts one member on each host so
// that they form one cluster over the lab network, writes on one host and reads on
// another, stops one member (writes still work), stops a second (quorum is lost: writes
// fail), and brings members back (a leader is elected, the data is intact).
// Every check reads real state: each member is asked over the virtual network what
// cluster it belongs to, and the history comes from what etcd recorded in the event log.
import type { CheckContext } from '../../src/lab/check-context.ts';
import { etcdctlCommand, processRuns } from '../../src/lab/process-history.ts';
import type { CheckResult, LabDefinition } from '../../src/lab/types.ts';
import { installProgram } from '../../src/sandbox/programs.ts';
import { askAll, clusterHistories, isHealthy, localCopy, quorumStory, type LabHost, type MemberAnswer } from './cluster-facts.ts';

export const ETCD_VERSION = '3.6.4';
export const HOSTS: LabHost[] = [
  { name: 'node-1', ip: '10.0.0.11' },
  { name: 'node-2', ip: '10.0.0.12' },
  { name: 'node-3', ip: '10.0.0.13' },
];
export const INITIAL_CLUSTER = HOSTS.map((h) => `${h.name}=http://${h.ip}:2380`).join(',');
export const ENDPOINTS = HOSTS.map((h) => `${h.ip}:2379`).join(',');
export const KEY = 'greeting';

/** The command line that starts the member of host `n` (1, 2, 3), as the lesson gives it. */
export function memberCommand(n: number): string {
  const h = HOSTS[n - 1]!;
  return [
    `etcd --name ${h.name}`,
    `--initial-advertise-peer-urls http://${h.ip}:2380`,
    `--listen-peer-urls http://${h.ip}:2380`,
    `--listen-client-urls http://${h.ip}:2379,http://127.0.0.1:2379`,
    `--advertise-client-urls http://${h.ip}:2379`,
    '--initial-cluster-token etcd-cluster-1',
    `--initial-cluster ${INITIAL_CLUSTER}`,
    '--initial-cluster-state new',
  ].join(' ');
}

const ok = (message: string): CheckResult => ({ ok: true, message });
const fail = (message: string): CheckResult => ({ ok: false, message });

function describeAnswer(a: MemberAnswer): string {
  if (a.error) return `${a.host} (${a.endpoint}): ${a.error}`;
  return `${a.host}: member ${a.memberId} of cluster ${a.clusterId} with ${a.members?.length ?? 0} member(s)`;
}

/** Three members, one per host, answering over the network and agreeing on one cluster of three. */
async function oneClusterProblem(ctx: CheckContext): Promise<{ problem: string } | { clusterId: string; answers: MemberAnswer[] }> {
  const notRunning = HOSTS.filter((h) => ctx.processes('etcd', { host: h.name }).length === 0).map((h) => h.name);
  const answers = await askAll(ctx, HOSTS);
  const silent = answers.filter((a) => a.error);
  if (notRunning.length || silent.length) {
    const parts: string[] = [];
    if (notRunning.length) parts.push(`no etcd process runs on ${notRunning.join(', ')}`);
    const refused = silent.filter((a) => !notRunning.includes(a.host));
    if (refused.length) parts.push(refused.map(describeAnswer).join('; '));
    const fine = answers.filter((a) => !a.error).map((a) => a.host);
    return { problem: `${parts.join('; ')}${fine.length ? ` (answering: ${fine.join(', ')})` : ''}` };
  }
  const clusters = new Set(answers.map((a) => a.clusterId));
  if (clusters.size > 1) {
    return { problem: `the members do not form one cluster: ${answers.map(describeAnswer).join('; ')}. Each was started as its own cluster: stop them, remove their data directories (*.etcd) and start all three with the same --initial-cluster and --initial-cluster-token` };
  }
  const small = answers.find((a) => (a.members?.length ?? 0) !== HOSTS.length);
  if (small) return { problem: `${describeAnswer(small)}; a cluster of the three hosts has 3 members (check --initial-cluster)` };
  const names = new Set(answers.flatMap((a) => a.members?.map((m) => m.name) ?? []));
  const missing = HOSTS.filter((h) => !names.has(h.name)).map((h) => h.name);
  if (missing.length) return { problem: `the cluster's members are named ${[...names].join(', ')}; ${missing.join(', ')} is not among them (use --name <host>)` };
  return { clusterId: answers[0]!.clusterId!, answers };
}

const lab: LabDefinition = {
  id: '04-cluster',
  title: 'A three-member cluster and quorum',
  topology: { hosts: HOSTS.map((h) => ({ ...h })) },

  setup(sandbox) {
    for (const h of HOSTS) {
      const fs = sandbox.host(h.name).rootFs;
      for (const name of ['etcd', 'etcdctl', 'etcdutl']) installProgram(fs, `/usr/local/bin/${name}`, name, ETCD_VERSION);
    }
  },

  tasks: [
    {
      id: 'form-cluster',
      title: 'Start a member on each host; the three form one cluster',
      async check(ctx) {
        const r = await oneClusterProblem(ctx);
        if ('problem' in r) return fail(r.problem);
        const leaders = new Set(r.answers.map((a) => a.leader).filter(Boolean));
        const leader = [...leaders][0];
        const leaderName = r.answers.find((a) => a.memberId === leader)?.host;
        if (!leader || leaders.size > 1) return fail(`one cluster (${r.clusterId}) of 3 members answers, but it has no single leader yet (members report ${[...leaders].join(', ') || 'none'}); wait a moment and check again`);
        return ok(`node-1, node-2 and node-3 each run a member of cluster ${r.clusterId} (3 members); the leader is ${leaderName ?? leader}`);
      },
    },
    {
      id: 'replicated-write',
      title: `Write ${KEY} on one host, read it on another`,
      async check(ctx) {
        // Each member is asked for its own copy (a serializable read is answered from the
        // member's local store), so this shows the write reached every member.
        const copies: string[] = [];
        const problems: string[] = [];
        for (const h of HOSTS) {
          const r = await localCopy(ctx, h, HOSTS[0]!.name, KEY);
          if (!r.ok) problems.push(`${h.name} (${h.ip}:2379): ${r.error}`);
          else if (r.value === undefined) problems.push(`${h.name}'s store has no key ${KEY}`);
          else copies.push(`${h.name} has ${KEY} = ${JSON.stringify(r.value)}`);
        }
        if (copies.length === 0) return fail(problems.join('; '));
        // Reading on another host: an etcdctl get of the key that succeeded on a host other
        // than the one whose etcdctl put wrote it.
        const runs = HOSTS.flatMap((h) => processRuns(ctx.events(), h.name).map((r) => ({ ...r, host: h.name, cmd: etcdctlCommand(r.argv) })));
        const puts = runs.filter((r) => r.cmd?.command === 'put' && r.cmd.key === KEY && r.status === 0);
        const gets = runs.filter((r) => r.cmd?.command === 'get' && r.cmd.key === KEY && r.status === 0);
        const pair = puts.flatMap((p) => gets.filter((g) => g.host !== p.host && g.startedAt >= (p.endedAt ?? p.startedAt)).map((g) => ({ p, g })))[0];
        if (!pair) {
          const where = puts.length ? `it was written with etcdctl put on ${[...new Set(puts.map((p) => p.host))].join(', ')}` : `no etcdctl put ${KEY} has succeeded on any host yet`;
          return fail(`${copies.join(', ')}; ${where}, and no etcdctl get ${KEY} has succeeded on another host after that`);
        }
        if (problems.length) return ok(`${copies.join(', ')} (${problems.join('; ')}); written on ${pair.p.host}, read on ${pair.g.host}`);
        return ok(`written on ${pair.p.host}, read on ${pair.g.host}; every member has its own copy: ${copies.join(', ')}`);
      },
    },
    {
      id: 'survive-one',
      title: 'Stop one member; the cluster still takes writes',
      async check(ctx) {
        const histories = clusterHistories(ctx.events()).filter((h) => h.members.size >= HOSTS.length);
        if (histories.length === 0) return fail('etcd has not recorded a cluster of 3 members running yet: start the three members first');
        const runs = HOSTS.flatMap((h) => processRuns(ctx.events(), h.name).map((r) => ({ ...r, host: h.name, cmd: etcdctlCommand(r.argv) })));
        const writes = runs.filter((r) => ['put', 'del', 'delete', 'txn'].includes(r.cmd?.command ?? '') && r.status === 0 && r.endedAt !== undefined);
        let sawDegraded = false;
        for (const h of histories) {
          const formedAt = h.moments.findIndex((m) => m.running.length === h.members.size);
          if (formedAt < 0) continue;
          // Intervals after the cluster formed in which a quorum, but not every member, ran.
          for (let i = formedAt + 1; i < h.moments.length; i++) {
            const m = h.moments[i]!;
            if (m.running.length >= h.members.size || m.running.length < h.quorum) continue;
            sawDegraded = true;
            const until = h.moments[i + 1]?.at ?? Infinity;
            const w = writes.find((r) => r.startedAt >= m.at && r.endedAt! <= until);
            if (w) {
              const down = [...h.members.values()].filter((n) => !m.running.includes(n));
              return ok(`with ${down.join(', ')} stopped and ${m.running.join(', ')} running, \`${w.argv.join(' ')}\` on ${w.host} succeeded: ${m.running.length} of ${h.members.size} is still a majority`);
            }
          }
        }
        if (!sawDegraded) return fail('no member of the three-member cluster has been stopped while the others kept running (stop one, e.g. kill %1 on its host)');
        return fail('a member was stopped while the others ran, but no etcdctl write (put/del/txn) succeeded during that time: write a key now');
      },
    },
    {
      id: 'lose-quorum',
      title: 'Stop a second member; quorum is lost',
      async check(ctx) {
        const story = quorumStory(ctx.events(), HOSTS.length);
        if (!story) return fail('etcd has not recorded a cluster of 3 members running yet: start the three members first');
        if (!story.formed) return fail(`the members of cluster ${story.history.clusterId} have not all run at the same time yet`);
        if (!story.lost) {
          const now = story.history.moments.at(-1)?.running ?? [];
          return fail(`the cluster has kept a majority all along (running now: ${now.join(', ') || 'none'}); stop members until only one is left`);
        }
        const lost = story.lost;
        const leaderless = story.noLeaderSeen ? `; etcd on ${story.noLeaderSeen.host} then reported it lost its leader` : '';
        return ok(`only ${lost.running.join(', ')} of ${story.history.members.size} members ran: fewer than the ${story.history.quorum} a majority needs${leaderless}`);
      },
    },
    {
      id: 'recover',
      title: 'Restart members; a leader is elected and the data is intact',
      async check(ctx) {
        const story = quorumStory(ctx.events(), HOSTS.length);
        if (!story?.lost) return fail('quorum has not been lost yet, so there is nothing to recover from: do the previous task first');
        if (!story.regained) return fail(`since quorum was lost (only ${story.lost.running.join(', ')} ran), no majority of members has run again: restart a stopped member with the same command line`);
        const answers = await askAll(ctx, HOSTS);
        const healthy = answers.filter(isHealthy);
        if (healthy.length < story.history.quorum) {
          return fail(`only ${healthy.length} member(s) report {"health":"true"} (${answers.map((a) => `${a.host}: ${a.error ?? a.health?.body ?? 'no answer'}`).join('; ')}); a majority (${story.history.quorum}) must be healthy`);
        }
        const foreign = healthy.find((a) => a.clusterId !== story.history.clusterId);
        if (foreign) return fail(`${foreign.host} answers as cluster ${foreign.clusterId}, not the original ${story.history.clusterId}: it was started with a fresh data directory instead of rejoining`);
        // Linearizable read through a healthy member: needs the leader and a quorum.
        const from = healthy[0]!;
        const r = await ctx.etcd({ host: HOSTS[0]!.name, endpoint: `http://${from.endpoint}` }).history(KEY);
        if (!r.ok) return fail(`the members are healthy, but reading ${KEY} through ${from.host} failed: ${r.error}`);
        const current = r.value.values[0];
        if (!current) return fail(`the cluster is healthy again, but ${KEY} does not exist in it`);
        const leader = healthy.find((a) => a.leader)?.leader;
        if (!leader) return fail(`${healthy.map((a) => a.host).join(', ')} answer, but none of them knows a leader yet; wait a moment`);
        const leaderHost = answers.find((a) => a.memberId === leader)?.host ?? leader;
        const election = story.leaderAfter ? ` (etcd recorded the election at term ${story.leaderAfter.term})` : '';
        return ok(`${healthy.map((a) => a.host).join(', ')} are healthy again with ${leaderHost} as leader${election}; ${KEY} = ${JSON.stringify(current.value)} survived`);
      },
    },
  ],

  solution: [
    'export ENDPOINTS=10.0.0.11:2379,10.0.0.12:2379,10.0.0.13:2379',
    `${memberCommand(1)} > etcd.log 2>&1 &`,
    `ssh node-2 'nohup ${memberCommand(2)} > etcd.log 2>&1 &'`,
    `ssh node-3 'nohup ${memberCommand(3)} > etcd.log 2>&1 &'`,
    'sleep 2',
    'etcdctl --endpoints=$ENDPOINTS member list -w table',
    'etcdctl --endpoints=$ENDPOINTS endpoint status --cluster -w table',
    'etcdctl --endpoints=$ENDPOINTS endpoint health --cluster',
    `etcdctl put ${KEY} 'hello from node-1'`,
    `ssh node-3 etcdctl get ${KEY}`,
    // One member down: node-1's own.
    'kill %1',
    'sleep 2',
    'etcdctl --endpoints=$ENDPOINTS endpoint status -w table',
    'ssh node-2 etcdctl put one-down still-works',
    'ssh node-3 etcdctl get one-down',
    // A second member down: only node-3 is left.
    'ssh node-2 pkill etcd',
    'sleep 2',
    'ssh node-3 etcdctl put two-down nope --command-timeout=2s',
    'ssh node-3 etcdctl get greeting --consistency=s',
    'ssh node-3 curl -s http://127.0.0.1:2379/health',
    'etcdctl --endpoints=$ENDPOINTS endpoint status -w table',
    // Back to a majority: node-1 restarts from its data directory.
    `${memberCommand(1)} > etcd.log 2>&1 &`,
    'sleep 3',
    `etcdctl get ${KEY}`,
    'etcdctl put back again',
    `ssh node-2 'nohup ${memberCommand(2)} > etcd.log 2>&1 &'`,
    'sleep 2',
    'etcdctl --endpoints=$ENDPOINTS endpoint health --cluster',
  ],
};

export default lab;
