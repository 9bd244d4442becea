// Lab 01: one host with etcd and etcdctl already installed. The learner starts etcd,
// checks its health, writes and reads keys, uses prefixes, history and a watch.
import { installProgram } from '../../src/sandbox/programs.ts';
import type { CheckContext } from '../../src/lab/check-context.ts';
import { etcdctlCommand, processRuns } from '../../src/lab/process-history.ts';
import type { CheckResult, LabDefinition } from '../../src/lab/types.ts';

export const ETCD_VERSION = '3.6.4';
const HOME = '/home/learner';

const ok = (message: string): CheckResult => ({ ok: true, message });
const fail = (message: string): CheckResult => ({ ok: false, message });

/** Is an etcd answering on 127.0.0.1:2379 of node-1? Returns why not in words. */
async function etcdAnswers(ctx: CheckContext): Promise<string | undefined> {
  const health = await ctx.http('http://127.0.0.1:2379/health');
  if (!health.ok) return `nothing answers on 127.0.0.1:2379 (${health.error}); is etcd running?`;
  return undefined;
}

/** Values a key held, oldest first, or an error in words. */
async function valuesOf(ctx: CheckContext, key: string): Promise<{ values: { value: string; modRevision: number }[] } | { error: string }> {
  const down = await etcdAnswers(ctx);
  if (down) return { error: down };
  const h = await ctx.etcd().history(key);
  if (!h.ok) return { error: `could not read ${key} from etcd: ${h.error}` };
  return { values: [...h.value.values].reverse() };
}

const lab: LabDefinition = {
  id: '01-first-contact',
  title: 'First contact with etcd',
  topology: { hosts: [{ name: 'node-1', ip: '10.0.0.11' }] },

  setup(sandbox) {
    // This lesson starts with the binaries in place; lesson 02 installs them the hard way.
    const fs = sandbox.host('node-1').rootFs;
    for (const name of ['etcd', 'etcdctl', 'etcdutl']) installProgram(fs, `/usr/local/bin/${name}`, name, ETCD_VERSION);
  },

  tasks: [
    {
      id: 'start-etcd',
      title: 'Run etcd in the background, logging to etcd.log',
      async check(ctx) {
        const procs = ctx.processes('etcd');
        if (procs.length === 0) return fail('no etcd process is running on node-1 (looked for a process whose argv[0] is etcd)');
        const down = await etcdAnswers(ctx);
        if (down) return fail(`an etcd process runs (pid ${procs.map((p) => p.pid).join(', ')}), but ${down}`);
        const health = await ctx.http('http://127.0.0.1:2379/health');
        const body = health.ok ? health.response.body.trim() : '';
        if (!/"health"\s*:\s*"true"/.test(body)) return fail(`GET http://127.0.0.1:2379/health answered ${JSON.stringify(body)}, not {"health":"true"}`);
        const log = ctx.file(`${HOME}/etcd.log`);
        if (!log.exists) return fail(`etcd is healthy, but ${HOME}/etcd.log does not exist: start it with its output redirected there`);
        if (!log.content?.includes('ready to serve client requests')) {
          return fail(`${HOME}/etcd.log exists (${log.stat?.size ?? 0} bytes) but has no "ready to serve client requests" line: was etcd's output (stdout and stderr) sent there?`);
        }
        return ok(`etcd pid ${procs[0]!.pid} is healthy on 127.0.0.1:2379 and ${HOME}/etcd.log shows it is ready to serve client requests`);
      },
    },
    {
      id: 'write-foo',
      title: 'Store the key foo with the value bar',
      async check(ctx) {
        const r = await valuesOf(ctx, 'foo');
        if ('error' in r) return fail(r.error);
        const hit = r.values.find((v) => v.value === 'bar');
        if (!hit) {
          return fail(r.values.length ? `foo has held ${r.values.map((v) => JSON.stringify(v.value)).join(', ')}, never "bar"` : 'the key foo does not exist in etcd');
        }
        return ok(`foo held "bar" at revision ${hit.modRevision}`);
      },
    },
    {
      id: 'rewrite-foo',
      title: 'Give foo a new value, then read the old one back by revision',
      async check(ctx) {
        const r = await valuesOf(ctx, 'foo');
        if ('error' in r) return fail(r.error);
        const first = r.values.findIndex((v) => v.value === 'bar');
        if (first < 0) return fail('foo never held "bar" yet: do the previous task first');
        const later = r.values.slice(first + 1);
        if (later.length === 0) return fail(`foo still holds its first value "bar" (written at revision ${r.values[first]!.modRevision}); put a new value`);
        return ok(`foo held "bar" at revision ${r.values[first]!.modRevision} and was written again at revision ${later[0]!.modRevision} ("${later[0]!.value}")`);
      },
    },
    {
      id: 'prefix-keys',
      title: 'Build a small tree of keys under /foo',
      async check(ctx) {
        const wanted: [string, string][] = [
          ['/foo', 'bar'],
          ['/foo/bar', 'baz'],
          ['/foo/bar/baz', 'bat'],
        ];
        const found: string[] = [];
        for (const [key, value] of wanted) {
          const r = await valuesOf(ctx, key);
          if ('error' in r) return fail(r.error);
          if (!r.values.some((v) => v.value === value)) {
            const seen = r.values.length ? `it has held ${r.values.map((v) => JSON.stringify(v.value)).join(', ')}` : 'it does not exist';
            return fail(`${found.length ? `found ${found.join(', ')}; ` : ''}expected ${key} = ${value}, but ${seen}`);
          }
          found.push(`${key} = ${value}`);
        }
        return ok(`found ${found.join(', ')}`);
      },
    },
    {
      id: 'delete-prefix',
      title: 'Delete everything under /foo with one command',
      async check(ctx) {
        const down = await etcdAnswers(ctx);
        if (down) return fail(down);
        const now = await ctx.etcd().get('/foo', { prefix: true });
        if (!now.ok) return fail(`could not list the prefix /foo: ${now.error}`);
        if (now.value.kvs.length > 0) {
          return fail(`keys under /foo still exist: ${now.value.kvs.map((kv) => kv.key).join(', ')}`);
        }
        const past = await valuesOf(ctx, '/foo/bar');
        if ('error' in past) return fail(past.error);
        if (past.values.length === 0) return fail('no keys under /foo now, but /foo/bar never existed either: build the tree first, then delete it');
        return ok(`no keys under /foo at revision ${now.value.revision}; /foo/bar existed before (revision ${past.values[0]!.modRevision})`);
      },
    },
    {
      id: 'watch-key',
      title: 'Watch a key in a second terminal while you change it',
      async check(ctx) {
        const down = await etcdAnswers(ctx);
        if (down) return fail(down);
        // What etcd recorded when a watch was created: the key and the revision it began at.
        const watches = ctx.events().filter((w) => (w.type === 'etcd-watch' || w.type === 'etcd.watch') && w.host === 'node-1');
        for (const w of watches) {
          const key = typeof w.data.key === 'string' ? w.data.key : undefined;
          if (key === undefined) continue;
          const since = Number(w.data.revision ?? w.data.startRevision ?? 0);
          const prefix = w.data.prefix === true || (typeof w.data.rangeEnd === 'string' && w.data.rangeEnd !== '');
          const r = await valuesOf(ctx, key);
          if ('error' in r) return fail(r.error);
          const changed = r.values.find((v) => v.modRevision > since);
          if (changed) return ok(`a watch on ${key} began at revision ${since}; ${key} was written at revision ${changed.modRevision} while it watched`);
          if (prefix) {
            const now = await ctx.etcd().get(key, { prefix: true });
            if (now.ok && now.value.kvs.some((kv) => kv.modRevision > since)) return ok(`a watch on the prefix ${key} saw writes after revision ${since}`);
          }
        }
        // etcd also counts every event it hands to a watcher.
        const metrics = await ctx.http('http://127.0.0.1:2379/metrics');
        const sent = metrics.ok ? /^etcd_debugging_mvcc_events_total\s+(\d+(?:\.\d+)?(?:e\+?\d+)?)/m.exec(metrics.response.body) : null;
        if (sent && Number(sent[1]) > 0) return ok(`etcd has delivered ${Number(sent[1])} event(s) to watchers (etcd_debugging_mvcc_events_total)`);
        // Otherwise the host's process history: an `etcdctl watch K` that was running while
        // the key K (still in etcd's history) was written by another process.
        const runs = processRuns(ctx.events(), 'node-1');
        const watchRuns = runs.filter((r) => etcdctlCommand(r.argv)?.command === 'watch');
        for (const w of watchRuns) {
          const cmd = etcdctlCommand(w.argv)!;
          if (cmd.key === undefined) continue;
          const prefix = cmd.flags.includes('--prefix');
          const matches = (k: string | undefined) => k !== undefined && (prefix ? k.startsWith(cmd.key!) : k === cmd.key);
          const writer = runs.find((r) => {
            const c = etcdctlCommand(r.argv);
            if (!c || !['put', 'del', 'delete'].includes(c.command) || !matches(c.key) || r.status !== 0) return false;
            return r.startedAt >= w.startedAt && (w.endedAt === undefined || (r.endedAt ?? Infinity) <= w.endedAt);
          });
          if (writer) {
            const key = etcdctlCommand(writer.argv)!.key!;
            const r = await valuesOf(ctx, key);
            if ('error' in r) return fail(r.error);
            if (r.values.length > 0) return ok(`\`${w.argv.join(' ')}\` (pid ${w.pid}) was watching when \`${writer.argv.join(' ')}\` changed ${key}`);
          }
        }
        if (watchRuns.length) {
          const list = watchRuns.map((w) => `\`${w.argv.join(' ')}\``).join(', ');
          return fail(`${list} ran on node-1, but nothing wrote the watched key while it was watching: change it from your other terminal`);
        }
        if (watches.length) {
          const list = watches.map((w) => `${String(w.data.key ?? '?')} (from revision ${String(w.data.revision ?? w.data.startRevision ?? '?')})`).join(', ');
          return fail(`etcd saw a watch on ${list}, but no watched key changed while it watched: write to it from your other terminal`);
        }
        return fail('no watch has seen a change yet (looked at the watches etcd recorded, its etcd_debugging_mvcc_events_total metric, and the etcdctl processes that ran on node-1)');
      },
    },
  ],

  solution: [
    'etcd > etcd.log 2>&1 &',
    // etcd needs a moment before it serves; wait for it rather than guess how long.
    'until etcdctl endpoint health >/dev/null 2>&1; do sleep 0.2; done',
    'curl http://127.0.0.1:2379/health',
    'curl -s http://127.0.0.1:2379/version',
    'etcdctl endpoint health',
    'etcdctl endpoint status -w table',
    'etcdctl put foo bar',
    'etcdctl get foo',
    'etcdctl get foo --print-value-only',
    'etcdctl get foo -w json',
    'etcdctl put foo baz',
    'etcdctl get foo --rev=2',
    'etcdctl put /foo bar',
    'etcdctl put /foo/bar baz',
    'etcdctl put /foo/bar/baz bat',
    'etcdctl get --prefix /foo --keys-only',
    'etcdctl del --prefix /foo',
    'etcdctl get /foo/bar --rev=5',
    'etcdctl watch foo > watch.log 2>&1 &',
    'sleep 1',
    'etcdctl put foo hello',
    'sleep 1',
    'cat watch.log',
    'kill %2',
  ],
};

export default lab;
