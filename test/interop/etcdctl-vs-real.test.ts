// Our etcdctl against the real one: both talk to a real etcd (Debian's 3.4 build) and
// must print the same bytes, apart from what differs between etcdctl 3.4 and 3.6 (the
// reference): the client's warning log format, "Revision : 0" in fields output, the
// extra status columns of 3.6, and measured durations.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runEtcdctl } from '../../src/etcdctl/main.ts';
import { NodeNetwork } from '../../src/platform/node-network.ts';
import { realClock } from '../../src/platform/clock.ts';
import { FsError, type FileSystem, type FsErrorCode } from '../../src/platform/filesystem.ts';
import { CollectingOutput, inputFrom } from '../../src/sandbox/io.ts';
import { freePort, missingRealTools, realEtcdctl, REAL_ETCD, REAL_ETCDCTL, startRealEtcd, startRealEtcdctl, stopRealEtcd, type ToolOutput } from './support.ts';

const installed = missingRealTools([REAL_ETCD, REAL_ETCDCTL]).length === 0;

/** node:fs behind our FileSystem, enough for etcdctl (certificates, snapshot files). */
const nodeFs: FileSystem = (() => {
  const wrap = <T>(syscall: string, p: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code) throw new FsError(code as FsErrorCode, syscall, p);
      throw e;
    }
  };
  return {
    readFile: (p) => wrap('open', p, () => new Uint8Array(fs.readFileSync(p))),
    writeFile: (p, d, o) => wrap('open', p, () => fs.writeFileSync(p, d, { mode: o?.mode })),
    appendFile: (p, d) => wrap('open', p, () => fs.appendFileSync(p, d)),
    fsync: () => undefined,
    rename: (a, b) => wrap('rename', a, () => fs.renameSync(a, b)),
    unlink: (p) => wrap('unlink', p, () => fs.unlinkSync(p)),
    mkdir: (p, o) => void wrap('mkdir', p, () => fs.mkdirSync(p, o)),
    rmdir: (p, o) => wrap('rmdir', p, () => fs.rmSync(p, { recursive: o?.recursive })),
    readdir: (p) => wrap('open', p, () => fs.readdirSync(p).sort()),
    stat: (p) =>
      wrap('stat', p, () => {
        const s = fs.statSync(p);
        return { type: s.isDirectory() ? 'dir' : 'file', size: s.size, mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, mtimeMs: s.mtimeMs };
      }),
    exists: (p) => fs.existsSync(p),
    chmod: (p, m) => wrap('chmod', p, () => fs.chmodSync(p, m)),
  };
})();

async function ours(args: string[], stdin = ''): Promise<ToolOutput> {
  const stdout = new CollectingOutput();
  const stderr = new CollectingOutput();
  const status = await runEtcdctl({
    argv: args,
    env: {},
    stdin: inputFrom(stdin),
    stdout,
    stderr,
    net: new NodeNetwork(),
    fs: nodeFs,
    signal: new AbortController().signal,
    clock: realClock,
    version: '3.6.4',
    cwd: os.tmpdir(),
  });
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

const real = (args: string[], stdin = ''): Promise<ToolOutput> => realEtcdctl(args, { stdin });

/** Removes what legitimately differs between etcdctl 3.4 and 3.6. */
function normalise(o: ToolOutput): ToolOutput {
  const clean = (s: string) =>
    s
      .split('\n')
      .filter((l) => !l.startsWith('{"level":"warn"'))
      .filter((l) => l !== '"Revision" : 0')
      .join('\n')
      .replace(/took = [0-9.]+(µs|ms|s)/g, 'took = T')
      .replace(/"took":"[0-9.]+(µs|ms|s)"/g, '"took":"T"')
      // A measured duration also sets a table column's width.
      .replace(/\| +[0-9.]+(µs|ms|s) \|/g, '| T |')
      .replace(/\| +TOOK +\|/g, '| TOOK |')
      .replace(/^\+[-+]+\+$/gm, '+---+');
  return { status: o.status, stdout: clean(o.stdout), stderr: clean(o.stderr) };
}

describe('etcdctl against the real etcdctl', { skip: installed ? false : `real etcd/etcdctl not installed at ${REAL_ETCD}, ${REAL_ETCDCTL}` }, () => {
  let etcd: ChildProcess | undefined;
  let dir = '';
  let ep = '';
  let g: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcd-interop-'));
    const client = await freePort();
    const peer = await freePort();
    ep = `127.0.0.1:${client}`;
    g = [`--endpoints=${ep}`];
    etcd = await startRealEtcd(
      [
        '--name=interop',
        `--data-dir=${dir}/data`,
        `--listen-client-urls=http://${ep}`,
        `--advertise-client-urls=http://${ep}`,
        `--listen-peer-urls=http://127.0.0.1:${peer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
        `--initial-cluster=interop=http://127.0.0.1:${peer}`,
      ],
      { healthEndpoint: ep },
    );
    await real([...g, 'put', '/foo', 'bar']);
    await real([...g, 'put', '/foo/bar', 'baz']);
    await real([...g, 'put', '/foo/bar/baz', 'bat']);
    await real([...g, 'put', 'bin', '\x01\x02 tab\there "quoted"']);
  });

  after(async () => {
    if (etcd) await stopRealEtcd(etcd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const reads: string[][] = [
    ['get', '/foo'],
    ['get', '/foo', '--print-value-only'],
    ['get', '--prefix', '/foo', '--keys-only'],
    ['get', '/foo', '--prefix', '-w', 'json'],
    ['get', '/foo', '--prefix', '-w', 'fields'],
    ['get', '/foo', '--prefix', '--limit=1', '--order=DESCEND', '--sort-by=VALUE'],
    ['get', '', '--from-key', '--keys-only'],
    ['get', '/foo', '/foo/bar/c'],
    ['get', '/foo', '--rev=2'],
    ['get', 'bin', '--hex'],
    ['get', 'bin', '-w', 'fields'],
    ['get', '/foo', '-w', 'table'],
    ['get', '/foo', '--prefix', '-w', 'protobuf'],
    ['member', 'list', '-w', 'protobuf'],
    ['get', '/foo', '--user=root:secret'],
    ['get', '/foo', '--discovery-srv=example.com'],
    ['get', '/foo', '--consistency=s'],
    ['get', '/foo', '--consistency=x'],
    ['get', '/foo', '--rev=999'],
    ['get'],
    ['gett'],
    ['member', 'list'],
    ['member', 'list', '-w', 'table'],
    ['member', 'list', '-w', 'json'],
    ['endpoint', 'health', '-w', 'json'],
    ['endpoint', 'health', '-w', 'table'],
    ['endpoint', 'health'],
    ['lease', 'list'],
    ['lease', 'timetolive', '1234'],
    ['lease', 'revoke', 'zz'],
    ['lease', 'grant', 'x'],
    ['compaction', 'abc'],
    ['watch'],
    ['del'],
    ['put'],
    ['member', 'add', 'x'],
    ['member', 'remove', 'zz'],
  ];

  for (const args of reads) {
    it(`etcdctl ${args.join(' ')}`, async () => {
      const a = normalise(await real([...g, ...args]));
      const b = normalise(await ours([...g, ...args]));
      // etcdctl 3.4 prints an error a second time when cobra already did; 3.6 does not.
      const dedup = (s: string) => {
        const lines = s.split('\n');
        const i = lines.findIndex((l, k) => k > 0 && l.startsWith('Error: ') && lines.indexOf(l) < k);
        return i > 0 ? lines.slice(0, i).join('\n') + '\n' : s;
      };
      if (args.join(' ') === 'endpoint health') {
        // 3.4 writes the healthy line to stderr, 3.6 to stdout.
        assert.equal(b.stdout + b.stderr, a.stdout + a.stderr);
      } else if (b.stdout.startsWith('NAME:') || a.stdout.startsWith('NAME:')) {
        // Usage layout differs between the versions (3.4 indents with tabs); the error must not.
        assert.equal(dedup(b.stderr), dedup(a.stderr));
      } else {
        assert.equal(b.stdout, a.stdout);
        assert.equal(dedup(b.stderr), dedup(a.stderr));
      }
      assert.equal(b.status, a.status);
    });
  }

  it('puts, deletes and transactions print the same, revisions aside', async () => {
    const steps: { args: string[]; stdin?: string }[] = [
      { args: ['put', 'k', 'v1'] },
      { args: ['put', 'k', 'v2', '--prev-kv'] },
      { args: ['put', 'k', 'v3', '--prev-kv', '-w', 'json'] },
      { args: ['put', 'k', '--ignore-value'] },
      { args: ['put', 'k', 'v4', '--lease=1234'] },
      { args: ['del', 'nothing'] },
      { args: ['txn'], stdin: 'value("k") = "v3"\n\nput t 1\nget k\n\nput t 2\n\n' },
      { args: ['txn', '-w', 'json'], stdin: 'mod("k") > "0"\n\nget k\n\n\n' },
      { args: ['txn'], stdin: 'bad\n\n\n\n' },
      { args: ['txn'], stdin: 'mod("k") > "0"\n\nput a\n\n\n' },
    ];
    const rev = (s: string) => s.replace(/"revision":\d+/g, '"revision":R').replace(/"(create|mod)_revision":\d+/g, '"$1_revision":R');
    const reset = () => real([...g, 'del', '', '--from-key=true']).then(() => Promise.all(['/foo', '/foo/bar', '/foo/bar/baz'].map((k) => real([...g, 'put', k, 'x']))));
    const play = async (who: typeof ours) => {
      await reset();
      const outs: ToolOutput[] = [];
      for (const st of steps) outs.push(normalise(await who([...g, ...st.args], st.stdin)));
      return outs;
    };
    const mine = await play(ours);
    const theirs = await play(real);
    steps.forEach((st, i) => {
      assert.equal(rev(mine[i]!.stdout), rev(theirs[i]!.stdout), `stdout of ${st.args.join(' ')}`);
      assert.equal(mine[i]!.status, theirs[i]!.status, `status of ${st.args.join(' ')}`);
    });
    // Deleting a prefix: ours deletes, then the real one finds nothing left.
    await real([...g, 'put', 'p/1', 'x']);
    await real([...g, 'put', 'p/2', 'y']);
    assert.equal((await ours([...g, 'del', 'p/', '--prefix', '--prev-kv'])).stdout, '2\np/1\nx\np/2\ny\n');
    assert.equal((await real([...g, 'del', 'p/', '--prefix'])).stdout, '0\n');
  });

  it('endpoint status shows the same values in the 3.6 layout', async () => {
    const a = await real([...g, 'endpoint', 'status']);
    const b = await ours([...g, 'endpoint', 'status']);
    const ra = a.stdout.trim().split(', ');
    const rb = b.stdout.trim().split(', ');
    // 3.4: endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors
    // 3.6: endpoint, ID, version, storage version, db size, in use, % not in use, quota, is leader, is learner, raft term, raft index, raft applied index, errors, downgrade target, downgrade enabled
    assert.deepEqual([rb[0], rb[1], rb[2], rb[4], rb[8], rb[9], rb[10]], [ra[0], ra[1], ra[2], ra[3], ra[4], ra[5], ra[6]]);
    assert.equal(rb.length, 16);
  });

  it('watch prints the same events', async () => {
    // Both watchers start from the next revision, so an event made before a watcher is
    // established is replayed, not missed: no guessing how long the start takes.
    const next = (JSON.parse((await real([...g, 'get', 'wk', '-w', 'json'])).stdout) as { header: { revision: number } }).header.revision + 1;
    const args = [...g, 'watch', 'wk', '--prefix', '-w', 'json', `--rev=${next}`];
    const ac = new AbortController();
    const stdout = new CollectingOutput();
    const w = runEtcdctl({ argv: args, env: {}, stdin: inputFrom(''), stdout, stderr: new CollectingOutput(), net: new NodeNetwork(), fs: nodeFs, signal: ac.signal, clock: realClock });
    const realW = startRealEtcdctl(args);
    // -w json prints a line per watch response: one for the put, one for the delete. A watcher
    // that starts after both replays them in ONE response, so the delete waits until both
    // watchers have printed the put.
    const lines = (s: string) => s.split('\n').length - 1;
    const untilLines = async (n: number) => {
      for (let i = 0; i < 200 && (lines(stdout.text()) < n || lines(realW.stdout()) < n); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await real([...g, 'put', 'wk1', 'a']);
    await untilLines(1);
    await real([...g, 'del', 'wk1']);
    await untilLines(2);
    ac.abort('SIGINT');
    realW.interrupt();
    assert.equal(await w, 130);
    assert.equal(stdout.text(), realW.stdout());
    assert.equal(stdout.text().split('\n').length, 3);
  });
});
