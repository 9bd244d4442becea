// The Playground: three hosts with etcd installed, no tasks; the command line its intro
// suggests, run in each host's terminal, forms one three-member cluster.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadCourse } from '../../src/lab/course.ts';
import lab from './lab.ts';
import { clusterLabSandbox, terminalsPerHost } from '../04-cluster/testing.ts';

const intro = readFileSync(new URL('./intro.md', import.meta.url), 'utf8');
/** The shell code blocks of the intro, in order. */
const blocks = [...intro.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());

test('the course offers the Playground: no lesson, three hosts, its intro rendered with runnable blocks', async () => {
  const course = await loadCourse();
  assert.equal(course.lab('playground'), lab);
  assert.ok(!course.lessons.some((l) => l.lab?.id === 'playground'));
  assert.deepEqual(lab.topology.hosts.map((h) => `${h.name} ${h.ip}`), ['node-1 10.0.0.11', 'node-2 10.0.0.12', 'node-3 10.0.0.13']);
  assert.equal(lab.tasks.length, 0);
  const html = course.intros.get('playground') ?? '';
  assert.match(html, /<h1>Playground<\/h1>/);
  assert.match(html, /class="code-block runnable"[\s\S]*--initial-cluster node-1=http:\/\/10\.0\.0\.11:2380/);
});

test('etcd 3.6.4 is installed on every host, and the intro\'s command line forms one cluster', async () => {
  const sandbox = await clusterLabSandbox(lab);
  const terms = await terminalsPerHost(sandbox, lab);
  try {
    for (const t of terms) {
      const v = await t.run('etcd --version | head -1; etcdctl version | head -1');
      assert.match(v.output, /etcd Version: 3\.6\.4\netcdctl version: 3\.6\.4\n/);
    }
    const [start, ...rest] = blocks;
    assert.ok(start?.startsWith('N=$(hostname)'), 'the first block of the intro starts a member');
    for (const t of terms) assert.ok((await t.run(start!)).completed);
    await terms[0]!.run('sleep 2');
    for (const line of rest[0]!.split('\n')) assert.ok((await terms[0]!.run(line)).completed);
    const out = terms[0]!.output;
    for (const n of [1, 2, 3]) assert.match(out, new RegExp(`\\| started \\| node-${n} \\| http://10\\.0\\.0\\.1${n}:2380 \\| http://10\\.0\\.0\\.1${n}:2379 \\|`));
    const leaders = out.match(/\|\s+true \|\s+false \|/g) ?? [];
    assert.equal(leaders.length, 1, `one leader in endpoint status:\n${out}`);
    const put = await terms[1]!.run('etcdctl put from-node-2 hi');
    assert.match(put.output, /\nOK\n/);
    const get = await terms[2]!.run('etcdctl get from-node-2 --print-value-only');
    assert.match(get.output, /\nhi\n/);
  } finally {
    for (const t of terms) t.close();
    sandbox.dispose();
  }
});
