import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { realClock } from '../../platform/clock.ts';
import type { SimClock } from '../../platform/sim-clock.ts';
import { CollectingOutput, emptyInput } from '../io.ts';
import { installProgram } from '../programs.ts';
import type { RunningProcess } from '../types.ts';
import { run, testSandbox } from './testing.ts';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ss on a host running etcd with an etcdctl watch', () => {
  const sb = testSandbox([{ name: 'node-1', ip: '10.0.0.11' }], realClock as unknown as SimClock);
  const h = sb.host('node-1');
  for (const n of ['etcd', 'etcdctl']) installProgram(h.rootFs, `/usr/local/bin/${n}`, n, 'v3.6.4');
  let etcd: RunningProcess;
  const stopWatch = new AbortController();
  let watch: Promise<unknown>;

  before(async () => {
    // etcd as root (as systemd would run it), started directly so no probe opens connections first.
    const cred = h.users.credentials('root')!;
    const prog = h.resolveProgram('etcd', { path: '/usr/local/bin', cwd: '/root', cred });
    assert.ok(prog.ok);
    const log = new CollectingOutput();
    etcd = h.start({ command: prog.command, argv: ['etcd', '--data-dir', '/var/lib/etcd'], env: { PATH: '/usr/local/bin:/usr/bin:/bin' }, cwd: '/root', cred, stdin: emptyInput, stdout: log, stderr: log, ppid: 1 });
    for (let i = 0; i < 100 && !log.text().includes('ready to serve client requests'); i++) await pause(50);
    assert.ok(log.text().includes('ready to serve client requests'), log.text());
    // The learner watches a key: one connection, pid 1001, the first ephemeral port.
    watch = run(h, 'etcdctl watch foo', { signal: stopWatch.signal, env: { PATH: '/usr/local/bin:/usr/bin:/bin' } });
    for (let i = 0; i < 100 && h.network.sockets().filter((s) => s.state === 'ESTAB').length < 2; i++) await pause(20);
    assert.equal(etcd.info.pid, 1000);
  });

  after(async () => {
    stopWatch.abort('SIGINT');
    await watch;
    etcd.kill('SIGTERM');
    await etcd.exited;
    await sb.dispose();
  });

  it('ss -tlnp: is etcd listening on 2379? (root sees the process)', async () => {
    const r = await run(h, 'ss -tlnp', { as: 'root' });
    assert.equal(r.status, 0);
    assert.equal(
      r.stdout,
      'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess                        \n' +
        'LISTEN 0      4096       127.0.0.1:2380      0.0.0.0:*    users:(("etcd",pid=1000,fd=3))\n' +
        'LISTEN 0      4096       127.0.0.1:2379      0.0.0.0:*    users:(("etcd",pid=1000,fd=4))\n',
    );
  });

  it('ss -tnp: the watch connection shows from both ends; the accepted end is etcd\'s', async () => {
    const r = await run(h, 'ss -tnp', { as: 'root' });
    assert.equal(
      r.stdout,
      'State Recv-Q Send-Q Local Address:Port  Peer Address:Port Process                           \n' +
        'ESTAB 0      0          127.0.0.1:32768    127.0.0.1:2379  users:(("etcdctl",pid=1001,fd=3))\n' +
        'ESTAB 0      0          127.0.0.1:2379     127.0.0.1:32768 users:(("etcd",pid=1000,fd=5))   \n',
    );
  });

  it('ss -tanp | grep 2380, ss -tl (names), ss -H -tln', async () => {
    const grep = await run(h, ['bash', '-c', 'ss -tanp | grep 2380'], { as: 'root' });
    assert.equal(grep.stdout, 'LISTEN 0      4096       127.0.0.1:2380       0.0.0.0:*     users:(("etcd",pid=1000,fd=3))   \n');
    // Debian's /etc/services names neither 2379 nor 2380, so they stay numbers even without -n.
    assert.equal(
      (await run(h, 'ss -tl')).stdout,
      'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n' +
        'LISTEN 0      4096       127.0.0.1:2380      0.0.0.0:*          \n' +
        'LISTEN 0      4096       127.0.0.1:2379      0.0.0.0:*          \n',
    );
    assert.equal((await run(h, 'ss -H -tln')).stdout, 'LISTEN 0      4096   127.0.0.1:2380 0.0.0.0:*\nLISTEN 0      4096   127.0.0.1:2379 0.0.0.0:*\n');
  });

  it('filters: sport, dport, or, state words (a single state drops the State column)', async () => {
    assert.equal(
      (await run(h, ['ss', '-ltn', 'sport = :2379'])).stdout,
      'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\nLISTEN 0      4096       127.0.0.1:2379      0.0.0.0:*          \n',
    );
    // The same words as separate arguments mean the same.
    assert.equal((await run(h, 'ss -Hltn sport = :2379')).stdout, 'LISTEN 0      4096   127.0.0.1:2379 0.0.0.0:*\n');
    assert.equal(
      (await run(h, ['ss', '-tn', 'state', 'established', '( sport = :2379 or sport = :2380 )'])).stdout,
      'Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n0      0          127.0.0.1:2379    127.0.0.1:32768       \n',
    );
    assert.equal((await run(h, ['ss', '-Htn', 'dport = :2379'])).stdout, 'ESTAB 0      0      127.0.0.1:32768 127.0.0.1:2379\n');
    assert.equal((await run(h, ['ss', '-Htan', 'state', 'listening', 'sport > :2379'])).stdout, '0      4096   127.0.0.1:2380 0.0.0.0:*\n');
    assert.equal((await run(h, ['ss', '-Htan', 'not', 'src', '127.0.0.1'])).stdout, '');
    assert.equal((await run(h, ['ss', '-Htan', 'exclude', 'listening', 'dst', 'localhost:2379'])).stdout, 'ESTAB 0      0      127.0.0.1:32768 127.0.0.1:2379\n');
    // Nothing selected: the header alone, sized by itself.
    assert.equal((await run(h, ['ss', '-tln', 'sport = :ssh'])).stdout, 'State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n');
    assert.equal((await run(h, 'ss -tlnu -6')).stdout, 'Netid State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n');
  });

  it('-p as the learner: only the learner\'s own processes are named', async () => {
    const listen = await run(h, 'ss -tlnp');
    assert.ok(!listen.stdout.includes('users:'), listen.stdout);
    assert.equal(
      (await run(h, 'ss -tnp')).stdout,
      'State Recv-Q Send-Q Local Address:Port  Peer Address:Port Process                           \n' +
        'ESTAB 0      0          127.0.0.1:32768    127.0.0.1:2379  users:(("etcdctl",pid=1001,fd=3))\n' +
        'ESTAB 0      0          127.0.0.1:2379     127.0.0.1:32768                                  \n',
    );
  });

  it('-r names addresses from /etc/hosts; default tables add the Netid column', async () => {
    assert.equal((await run(h, 'ss -Htr')).stdout, 'ESTAB 0      0      localhost:32768 localhost:2379 \nESTAB 0      0      localhost:2379  localhost:32768\n');
    assert.equal((await run(h, 'ss -H')).stdout, 'tcp ESTAB 0      0      127.0.0.1:32768 127.0.0.1:2379 \ntcp ESTAB 0      0      127.0.0.1:2379  127.0.0.1:32768\n');
  });

  it('free counts etcd\'s resident memory (what systemctl status reports for it) in "used"', async () => {
    const used = Number((await run(h, 'free')).stdout.split('\n')[1]!.trim().split(/\s+/)[2]);
    // The idle system's 157920 kB, init (12288 kB), etcd (24204 kB at least, plus its data), etcdctl and free itself.
    assert.equal(used, 157920 + Math.ceil((h.residentBytes() + 1760 * 1024) / 1024));
    assert.ok(used - 157920 > 12288 + 24204 + 2 * 1760, String(used));
  });

  it('ss -s sums up the socket table', async () => {
    assert.equal(
      (await run(h, 'ss -s')).stdout,
      'Total: 4\nTCP:   4 (estab 2, closed 0, orphaned 0, timewait 0)\n\nTransport Total     IP        IPv6\n' +
        'RAW\t  0         0         0        \nUDP\t  0         0         0        \nTCP\t  4         4         0        \n' +
        'INET\t  4         4         0        \nFRAG\t  0         0         0        \n\n',
    );
    const withList = (await run(h, 'ss -s -Htln')).stdout.split('\n');
    assert.deepEqual(withList.slice(-3), ['LISTEN 0      4096   127.0.0.1:2380 0.0.0.0:*', 'LISTEN 0      4096   127.0.0.1:2379 0.0.0.0:*', '']);
  });

  it('on a terminal, spare width is shared out as ss does (80 columns)', async () => {
    const r = await run(h, 'ss -tn', { tty: true });
    assert.equal(
      r.stdout,
      'State  Recv-Q   Send-Q     Local Address:Port      Peer Address:Port   Process  \n' +
        'ESTAB  0        0              127.0.0.1:32768        127.0.0.1:2379            \n' +
        'ESTAB  0        0              127.0.0.1:2379         127.0.0.1:32768           \n',
    );
  });
});

describe('ss without etcd', () => {
  it('names well-known ports from /etc/services; a Go wildcard listener is *; v4 peers are v4-mapped', async () => {
    const sb = testSandbox([{ name: 'node-1', ip: '10.0.0.11' }, { name: 'node-2', ip: '10.0.0.12' }]);
    const h1 = sb.host('node-1');
    const l = await h1.network.listen({ host: '0.0.0.0', port: 443 }, () => {});
    const c = await sb.host('node-2').network.connect({ host: 'node-1', port: 443 });
    await new Promise((r) => setImmediate(r));
    assert.equal(
      (await run(h1, 'ss -ta')).stdout,
      'State  Recv-Q Send-Q      Local Address:Port        Peer Address:Port Process\n' +
        'LISTEN 0      4096                    *:https                  *:*           \n' +
        'ESTAB  0      0      [::ffff:10.0.0.11]:https [::ffff:10.0.0.12]:32768       \n',
    );
    assert.equal((await run(h1, 'ss -Hta4')).stdout, '');
    assert.equal((await run(sb.host('node-2'), 'ss -Htr')).stdout, 'ESTAB 0      0      node-2:32768 node-1:https\n');
    c.destroy();
    await l.close();
    await sb.dispose();
  });

  it('help, version and errors in ss\'s words', async () => {
    const h = testSandbox().host('node-1');
    const help = await run(h, 'ss -h');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: ss \[ OPTIONS \]\n {7}ss \[ OPTIONS \] \[ FILTER \]\n {3}-h, --help {10}this message\n/);
    assert.equal((await run(h, 'ss -V')).stdout, 'ss utility, iproute2-6.1.0\n');
    const bad = await run(h, 'ss -Q');
    assert.equal(bad.status, 255);
    assert.equal(bad.stderr, `ss: invalid option -- 'Q'\n${help.stdout}`);
    assert.equal((await run(h, 'ss --bogus')).stderr.split('\n')[0], "ss: unrecognized option '--bogus'");
    assert.deepEqual(await run(h, 'ss -t state bogus'), { status: 255, stdout: '', stderr: 'ss: wrong state name: bogus\n' });
    assert.deepEqual(await run(h, 'ss -t state'), { status: 255, stdout: '', stderr: 'Command line is not complete. Try option "help"\n' });
    assert.deepEqual(await run(h, ['ss', '-tln', 'sport = :2379', 'bogus']), { status: 1, stdout: '', stderr: 'Error: "bogus" does not look like a port.\nCannot parse dst/src address.\n' });
    assert.deepEqual(await run(h, 'ss -t foo'), { status: 1, stdout: '', stderr: 'Error: an inet prefix is expected rather than "foo".\nCannot parse dst/src address.\n' });
    const syntax = await run(h, ['ss', '-tln', 'sport = :2379 )']);
    assert.equal(syntax.status, 255);
    assert.equal(syntax.stderr, `ss: bison bellows (while parsing filter): "syntax error!" Sorry.\n${help.stdout}`);
    assert.equal((await run(h, ['ss', '-t', '127.0.0.1'])).status, 255);
    assert.equal((await run(h, 'ss -f bogus')).stderr.split('\n')[0], 'ss: "bogus" is invalid family');
    assert.equal((await run(h, 'ss -A bogus')).stderr.split('\n')[0], 'ss: "bogus" is illegal socket table id');
    assert.deepEqual(await run(h, 'ss -Z'), { status: 1, stdout: '', stderr: 'ss: SELinux is not enabled.\n' });
  });
});
