// A learner's three etcd members on three virtual hosts form a real cluster: each is
// started from its own host's terminal with the course's command line, they talk over
// the virtual network, and stopping processes really stops members. What the terminals
// print is compared with what the real etcd/etcdctl print in the same situation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCheckContext } from '../../src/lab/check-context.ts';
import type { TerminalDriver } from '../../src/lab/terminal-driver.ts';
import lab from '../../labs/playground/lab.ts';
import { clusterLabSandbox, terminalsPerHost } from '../../labs/04-cluster/testing.ts';

const IPS = ['10.0.0.11', '10.0.0.12', '10.0.0.13'];
const ENDPOINTS = IPS.map((ip) => `${ip}:2379`).join(',');
const startLine = (n: number) => {
  const ip = IPS[n - 1]!;
  return `etcd --name node-${n} --initial-advertise-peer-urls http://${ip}:2380 --listen-peer-urls http://${ip}:2380 --listen-client-urls http://${ip}:2379,http://127.0.0.1:2379 --advertise-client-urls http://${ip}:2379 --initial-cluster-token etcd-cluster-1 --initial-cluster node-1=http://10.0.0.11:2380,node-2=http://10.0.0.12:2380,node-3=http://10.0.0.13:2380 --initial-cluster-state new > etcd.log 2>&1 &`;
};

/** Runs a line and returns what it printed (without the echoed line and the prompt), plus its exit status. */
async function sh(t: TerminalDriver, line: string, timeoutMs = 20_000): Promise<{ out: string; status: number }> {
  const r = await t.run(`${line}; echo "rc=$?"`, { timeoutMs });
  assert.ok(r.completed, `"${line}" did not come back:\n${r.output}`);
  // After the echoed line: the output, then rc=N (a job's "Terminated" notice may follow).
  const body = r.output.split('\n').slice(1).join('\n');
  const m = /(?:^|\n)rc=(\d+)\n/.exec(body);
  assert.ok(m, `no exit status in:\n${r.output}`);
  return { out: body.slice(0, m.index), status: Number(m[1]) };
}

/** Polls until `pred` holds for a command's output (bounded). */
async function until(t: TerminalDriver, line: string, pred: (r: { out: string; status: number }) => boolean, tries = 10): Promise<{ out: string; status: number }> {
  let last = { out: '', status: -1 };
  for (let i = 0; i < tries; i++) {
    last = await sh(t, line);
    if (pred(last)) return last;
    await sh(t, 'sleep 1');
  }
  assert.fail(`"${line}" never gave the expected answer; last:\n${last.out}`);
}

test('three hosts, three terminals: form a cluster, lose one, lose quorum, recover', async () => {
  const sandbox = await clusterLabSandbox(lab);
  const terms = await terminalsPerHost(sandbox, lab, { cols: 1000 });
  const ctx = createCheckContext(sandbox);
  try {
    for (let n = 1; n <= 3; n++) {
      const r = await terms[n - 1]!.run(startLine(n));
      assert.match(r.output, /\n\[1\] \d+\n/, 'the shell reports the background job');
    }
    const health = await until(terms[0]!, `etcdctl --endpoints=${ENDPOINTS} endpoint health --cluster`, (r) => r.status === 0);
    assert.equal(health.out.split('\n').filter((l) => /^http:\/\/10\.0\.0\.1[123]:2379 is healthy: successfully committed proposal: took = [\d.]+(ms|µs|s)$/.test(l)).length, 3, health.out);

    const members = await sh(terms[0]!, `etcdctl --endpoints=${ENDPOINTS} member list -w table`);
    assert.equal(members.status, 0);
    const rows = members.out.split('\n').filter((l) => /^\| [0-9a-f]{16} \| started \|/.test(l));
    assert.equal(rows.length, 3, members.out);
    const ids = rows.map((r) => r.split('|')[1]!.trim());
    assert.deepEqual([...ids].sort(), ids, 'etcd lists members sorted by id');

    const status = await sh(terms[1]!, `etcdctl --endpoints=${ENDPOINTS} endpoint status --cluster -w table`);
    const statusRows = status.out.split('\n').filter((l) => /^\| http:\/\/10\.0\.0\.1[123]:2379 \|/.test(l));
    assert.equal(statusRows.length, 3, status.out);
    const cells = statusRows.map((l) => l.split('|').map((c) => c.trim()));
    // | ENDPOINT | ID | VERSION | STORAGE VERSION | DB SIZE | IN USE | % | QUOTA | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | …
    const leaderRow = cells.filter((c) => c[9] === 'true');
    assert.equal(leaderRow.length, 1, `exactly one leader:\n${status.out}`);
    assert.equal(new Set(cells.map((c) => c[11])).size, 1, 'every member is at the same raft term');
    const leaderIp = /10\.0\.0\.1([123])/.exec(leaderRow[0]![1]!)!;
    const leaderN = Number(leaderIp[1]);

    // A write on one host, read on the two others (each through its own member).
    assert.equal((await sh(terms[0]!, 'etcdctl put greeting hello')).out, 'OK');
    for (const t of terms.slice(1)) assert.equal((await sh(t, 'etcdctl get greeting')).out, 'greeting\nhello');

    // Stop the leader's member: the two others elect a new leader and keep taking writes.
    const first = leaderN;
    assert.equal((await sh(terms[first - 1]!, 'kill %1')).status, 0);
    // A leader hands its leadership over before it stops (as etcd does on SIGTERM): wait for the process to end.
    await until(terms[first - 1]!, 'pgrep -x etcd', (r) => r.status === 1);
    const others = [1, 2, 3].filter((n) => n !== first);
    const a = terms[others[0]! - 1]!;
    const b = terms[others[1]! - 1]!;
    const twoLeft = await until(a, `etcdctl --endpoints=${ENDPOINTS} endpoint status -w table --command-timeout=2s`, (r) => /\|\s+true \|\s+false \|/.test(r.out));
    assert.match(twoLeft.out, new RegExp(`Failed to get the status of endpoint 10\\.0\\.0\\.1${first}:2379 \\(context deadline exceeded\\)`));
    assert.equal(twoLeft.status, 1, 'endpoint status exits 1 when an endpoint failed');
    assert.equal((await sh(a, 'etcdctl put one-down still-works')).out, 'OK');
    assert.equal((await sh(b, 'etcdctl get one-down --print-value-only')).out, 'still-works');

    // Stop a second member: one of three is no majority.
    assert.equal((await sh(a, 'pkill etcd')).status, 0);
    await until(a, 'pgrep -x etcd', (r) => r.status === 1);
    await sh(b, 'sleep 2');
    const put = await sh(b, 'etcdctl put two-down nope');
    assert.equal(put.status, 1);
    assert.match(put.out, /\nError: context deadline exceeded$/);
    assert.match(put.out, /"method":"\/etcdserverpb\.KV\/Put"/);
    const longPut = await sh(b, 'etcdctl put two-down nope --command-timeout=8s', 30_000);
    assert.equal(longPut.status, 1);
    // Real etcd: "etcdserver: request timed out" when raft took the proposal before the
    // leader was gone, "context deadline exceeded" when it had no leader to hand it to.
    assert.match(longPut.out, /\nError: (etcdserver: request timed out|context deadline exceeded)$/);
    assert.equal((await sh(b, 'etcdctl get greeting --consistency=s')).out, 'greeting\nhello');
    const lin = await sh(b, 'etcdctl get greeting --command-timeout=2s');
    assert.equal(lin.status, 1);
    assert.match(lin.out, /\nError: context deadline exceeded$/);
    const survivor = others[1]!;
    const h = await ctx.http('http://127.0.0.1:2379/health', { host: `node-${survivor}`, timeoutMs: 5000 });
    assert.ok(h.ok, h.ok ? '' : h.error);
    assert.equal(h.response.status, 503);
    assert.equal(h.response.body.trim(), '{"health":"false","reason":"RAFT NO LEADER"}');
    const lonely = await sh(b, `etcdctl --endpoints=${ENDPOINTS} endpoint status -w table --command-timeout=2s`, 30_000);
    assert.equal(lonely.status, 1);
    assert.match(lonely.out, new RegExp(`\\| 10\\.0\\.0\\.1${survivor}:2379 \\| [0-9a-f]{16} \\| +3\\.6\\.4 \\|.*\\| etcdserver: no leader \\|`));
    const unhealthy = await sh(b, `etcdctl --endpoints=${ENDPOINTS} endpoint health --command-timeout=2s`, 30_000);
    assert.equal(unhealthy.status, 1);
    assert.match(unhealthy.out, /is unhealthy: failed to commit proposal: context deadline exceeded/);
    assert.match(unhealthy.out, /\nError: unhealthy cluster$/);

    // Restart the first member from its data directory: a majority again, a leader, the data intact.
    await terms[first - 1]!.run(startLine(first));
    await until(terms[first - 1]!, 'etcdctl endpoint health', (r) => r.status === 0, 15);
    assert.equal((await sh(terms[first - 1]!, 'etcdctl get greeting --print-value-only')).out, 'hello');
    assert.equal((await sh(terms[first - 1]!, 'etcdctl get one-down --print-value-only')).out, 'still-works');
    assert.equal((await sh(b, 'etcdctl put back again')).out, 'OK');
    assert.equal((await sh(b, 'etcdctl get two-down')).out, '', 'the writes that failed were not applied');
    const back = await sh(terms[first - 1]!, `etcdctl --endpoints=${ENDPOINTS} endpoint status -w table --command-timeout=2s`, 30_000);
    assert.equal(back.out.split('\n').filter((l) => /\|\s+true \|\s+false \|/.test(l)).length, 1, back.out);
  } finally {
    for (const t of terms) t.close();
    sandbox.dispose();
  }
});
