import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ctl, fakeGateway, memoryFs, HDR, type FakeGateway } from './test-support.ts';
import { SimClock } from '../platform/sim-clock.ts';
import { NetError, type Network } from '../platform/network.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const kv = (k: string, v: string, rev: string, ver = '1') => ({ key: b64(k), create_revision: rev, mod_revision: rev, version: ver, value: b64(v) });

let gw: FakeGateway;
before(async () => {
  gw = await fakeGateway({
    '/v3/kv/range': (body) => {
      if (body.key === b64('missing')) return { json: { header: HDR } };
      if (body.revision === '1') return { status: 400, json: { error: 'etcdserver: mvcc: required revision has been compacted', message: 'etcdserver: mvcc: required revision has been compacted', code: 11 } };
      return { json: { header: HDR, kvs: [kv('/foo', 'bar', '2'), kv('/foo/bar', 'baz', '3')], count: '2' } };
    },
    '/v3/kv/put': (body) => ({ json: { header: { ...HDR, revision: '6' }, ...(body.prev_kv ? { prev_kv: kv(Buffer.from(String(body.key), 'base64').toString(), 'old', '4') } : {}) } }),
    '/v3/kv/deleterange': () => ({ json: { header: HDR, deleted: '3' } }),
    '/v3/kv/txn': () => ({ json: { header: HDR, succeeded: true, responses: [{ response_put: { header: { revision: '5' } } }, { response_range: { header: { revision: '5' }, kvs: [kv('a', '1', '5')], count: '1' } }] } }),
    '/v3/cluster/member/list': () => ({
      json: { header: { cluster_id: HDR.cluster_id, member_id: HDR.member_id, raft_term: '2' }, members: [{ ID: HDR.member_id, name: 'node-1', peerURLs: ['http://10.0.0.11:2380'], clientURLs: ['http://10.0.0.11:2379'] }] },
    }),
    '/v3/maintenance/status': () => ({
      json: { header: HDR, version: '3.6.4', dbSize: '20480', leader: HDR.member_id, raftIndex: '9', raftTerm: '2', raftAppliedIndex: '9', dbSizeInUse: '16384', storageVersion: '3.6.0', dbSizeQuota: '2147483648' },
    }),
    '/v3/maintenance/alarm': () => ({ json: { header: HDR } }),
    '/v3/lease/grant': () => ({ json: { header: HDR, ID: '7587883283532437248', TTL: '60' } }),
    '/v3/lease/revoke': () => ({ status: 404, json: { error: 'etcdserver: requested lease not found', message: 'etcdserver: requested lease not found', code: 5 } }),
    '/v3/watch': () => ({
      stream: [
        { header: HDR, created: true },
        { header: { ...HDR, revision: '7' }, events: [{ kv: kv('w', '1', '7') }, { type: 'DELETE', kv: { key: b64('w'), mod_revision: '8' } }] },
        { header: HDR, canceled: true, compact_revision: '3' },
      ],
    }),
  });
});
after(() => gw.close());

const ep = () => `--endpoints=${gw.endpoint}`;

describe('etcdctl get', () => {
  it('prints keys and values, one per line', async () => {
    const r = await ctl([ep(), 'get', '/foo', '--prefix']);
    assert.equal(r.stdout, '/foo\nbar\n/foo/bar\nbaz\n');
    assert.equal(r.status, 0);
    assert.deepEqual(gw.requests.at(-1)!.body, { key: b64('/foo'), range_end: b64('/fop') });
  });

  it('prints only values with --print-value-only, and asks for a revision with --rev', async () => {
    const r = await ctl([ep(), 'get', '/foo', '--print-value-only', '--rev=3', '--limit', '2', '--order=DESCEND', '--sort-by=MODIFY']);
    assert.equal(r.stdout, 'bar\nbaz\n');
    assert.deepEqual(gw.requests.at(-1)!.body, { key: b64('/foo'), limit: '2', revision: '3', sort_order: 'DESCEND', sort_target: 'MOD' });
  });

  it('-w json keeps 64-bit numbers exact, as numbers, with base64 keys', async () => {
    const r = await ctl([ep(), 'get', '/foo', '-w', 'json']);
    assert.equal(
      r.stdout,
      '{"header":{"cluster_id":14841639068965178418,"member_id":10276657743932975437,"revision":5,"raft_term":2},"kvs":[{"key":"L2Zvbw==","create_revision":2,"mod_revision":2,"version":1,"value":"YmFy"},{"key":"L2Zvby9iYXI=","create_revision":3,"mod_revision":3,"version":1,"value":"YmF6"}],"count":2}\n',
    );
  });

  it('-w fields prints the header and each key', async () => {
    const r = await ctl([ep(), 'get', 'missing', '-w', 'fields']);
    assert.equal(r.stdout, '"ClusterID" : 14841639068965178418\n"MemberID" : 10276657743932975437\n"Revision" : 5\n"RaftTerm" : 2\n"More" : false\n"Count" : 0\n');
  });

  it('rejects a table and reports the server error with the client warning', async () => {
    const t = await ctl([ep(), 'get', '/foo', '-w', 'table']);
    assert.equal(t.stderr, 'Error: table not supported as output format\n');
    assert.equal(t.status, 4);
    const c = await ctl([ep(), 'get', '/foo', '--rev=1']);
    assert.equal(c.status, 1);
    assert.match(c.stderr, /^\{"level":"warn",.*"msg":"retrying of unary invoker failed".*"error":"rpc error: code = OutOfRange desc = etcdserver: mvcc: required revision has been compacted"\}\n/);
    assert.ok(c.stderr.endsWith('Error: etcdserver: mvcc: required revision has been compacted\n'));
  });

  it('validates arguments before connecting, with etcdctl exit codes', async () => {
    const r = await ctl([ep(), 'get']);
    assert.equal(r.stderr, 'Error: get command needs one argument as key and an optional argument as range_end\n');
    assert.equal(r.status, 128);
    const p = await ctl([ep(), 'get', 'a', 'b', '--prefix']);
    assert.equal(p.stderr, 'Error: too many arguments, only accept one argument when `--prefix` or `--from-key` is set\n');
  });
});

describe('etcdctl put, del, txn', () => {
  it('put prints OK, and the previous pair with --prev-kv', async () => {
    assert.equal((await ctl([ep(), 'put', 'foo', 'bar'])).stdout, 'OK\n');
    assert.equal((await ctl([ep(), 'put', 'foo', 'bar', '--prev-kv'])).stdout, 'OK\nfoo\nold\n');
  });

  it('put reads the value from stdin when it is not given', async () => {
    const r = await ctl([ep(), 'put', 'cfg'], { stdin: 'line1\nline2\n' });
    assert.equal(r.stdout, 'OK\n');
    assert.equal(gw.requests.at(-1)!.body.value, b64('line1\nline2\n'));
    const none = await ctl([ep(), 'put', 'cfg']);
    assert.equal(none.stderr, 'Error: put command needs 1 argument and input from stdin or 2 arguments\n');
    assert.equal(none.status, 128);
  });

  it('del prints how many keys it deleted', async () => {
    assert.equal((await ctl([ep(), 'del', '/foo', '--prefix'])).stdout, '3\n');
  });

  it('txn reads compares and requests from stdin and prints SUCCESS and the results', async () => {
    const r = await ctl([ep(), 'txn'], { stdin: 'mod("a") > "0"\n\nput a 1\nget a\n\n\n' });
    assert.equal(r.stdout, 'SUCCESS\n\nOK\n\na\n1\n');
    const body = gw.requests.at(-1)!.body;
    assert.deepEqual(body.compare, [{ result: 'GREATER', target: 'MOD', key: b64('a'), mod_revision: '0' }]);
    const bad = await ctl([ep(), 'txn'], { stdin: 'mod("a" > "0"\n\n\n\n' });
    assert.equal(bad.stderr, 'Error: malformed comparison: mod("a" > "0"; got mod("a")  ""\n');
    assert.equal(bad.status, 3);
  });
});

describe('etcdctl cluster commands', () => {
  it('member list as table and simple', async () => {
    const t = await ctl([ep(), 'member', 'list', '-w', 'table']);
    assert.equal(
      t.stdout,
      [
        '+------------------+---------+--------+-----------------------+-----------------------+------------+',
        '|        ID        | STATUS  |  NAME  |      PEER ADDRS       |     CLIENT ADDRS      | IS LEARNER |',
        '+------------------+---------+--------+-----------------------+-----------------------+------------+',
        '| 8e9e05c52164694d | started | node-1 | http://10.0.0.11:2380 | http://10.0.0.11:2379 |      false |',
        '+------------------+---------+--------+-----------------------+-----------------------+------------+',
        '',
      ].join('\n'),
    );
    const s = await ctl([ep(), 'member', 'list']);
    assert.equal(s.stdout, '8e9e05c52164694d, started, node-1, http://10.0.0.11:2380, http://10.0.0.11:2379, false\n');
  });

  it('endpoint status has etcd 3.6 columns', async () => {
    const r = await ctl([ep(), 'endpoint', 'status', '-w', 'table']);
    const header = r.stdout.split('\n')[1]!.split('|').map((c) => c.trim()).filter(Boolean);
    assert.deepEqual(header, ['ENDPOINT', 'ID', 'VERSION', 'STORAGE VERSION', 'DB SIZE', 'IN USE', 'PERCENTAGE NOT IN USE', 'QUOTA', 'IS LEADER', 'IS LEARNER', 'RAFT TERM', 'RAFT INDEX', 'RAFT APPLIED INDEX', 'ERRORS', 'DOWNGRADE TARGET VERSION', 'DOWNGRADE ENABLED']);
    assert.match(r.stdout, /\| 8e9e05c52164694d \|   3\.6\.4 \|           3\.6\.0 \|   20 kB \|  16 kB \|                   20% \| 2\.1 GB \|      true \|      false \|/);
    const s = await ctl([ep(), 'endpoint', 'status']);
    assert.equal(s.stdout, `${gw.endpoint}, 8e9e05c52164694d, 3.6.4, 3.6.0, 20 kB, 16 kB, 20%, 2.1 GB, true, false, 2, 9, 9, , , false\n`);
  });

  it('endpoint health says healthy with the time it took', async () => {
    const r = await ctl([ep(), 'endpoint', 'health']);
    assert.match(r.stdout, new RegExp(`^${gw.endpoint.replace(/\./g, '\\.')} is healthy: successfully committed proposal: took = [0-9.]+(µs|ms)\\n$`));
    assert.equal(r.status, 0);
  });

  it('lease grant prints the ID in hex; a failed revoke is wrapped', async () => {
    assert.equal((await ctl([ep(), 'lease', 'grant', '60'])).stdout, 'lease 694d77aa9e38260f granted with TTL(60s)\n'.replace('694d77aa9e38260f', (7587883283532437248n).toString(16).padStart(16, '0')));
    const r = await ctl([ep(), 'lease', 'revoke', '1234']);
    assert.ok(r.stderr.endsWith('Error: failed to revoke lease (etcdserver: requested lease not found)\n'));
    assert.equal(r.status, 1);
  });
});

describe('etcdctl watch', () => {
  it('streams events and exits when the server cancels the watch', async () => {
    const r = await ctl([ep(), 'watch', 'w']);
    assert.equal(r.stdout, 'PUT\nw\n1\nDELETE\nw\n\n');
    assert.equal(r.stderr, 'watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n');
    assert.equal(r.status, 5);
  });
});

describe('etcdctl flags, env and errors', () => {
  it('prints the version it was installed as', async () => {
    assert.equal((await ctl(['version'], { version: '3.6.4' })).stdout, 'etcdctl version: 3.6.4\nAPI version: 3.6\n');
    assert.equal((await ctl(['version'], { version: '3.5.21' })).stdout, 'etcdctl version: 3.5.21\nAPI version: 3.5\n');
  });

  it('unknown flags and commands fail in cobra words', async () => {
    const f = await ctl(['get', '--foo']);
    assert.equal(f.stderr, 'Error: unknown flag: --foo\n\n');
    assert.match(f.stdout, /^NAME:\n  get - Gets the key or a range of keys\n\nUSAGE:\n  etcdctl get \[options\] <key> \[range_end\] \[flags\]\n\nOPTIONS:\n/);
    assert.equal(f.status, 1);
    const c = await ctl(['gett']);
    assert.equal(c.stderr, 'Error: unknown command "gett" for "etcdctl"\n\nDid you mean this?\n\tget\n\nRun \'etcdctl --help\' for usage.\n');
    const v = await ctl(['get', '--rev', 'abc', 'x']);
    assert.match(v.stderr, /^Error: invalid argument "abc" for "--rev" flag: strconv.ParseInt: parsing "abc": invalid syntax\n/);
  });

  it('quotes bad flag values as Go does: %q in pflag and strconv, \\xNN bytes in time', async () => {
    // Checked against Debian's etcdctl 3.4: strconv.Quote uses \a and \u0085, time.quote spells out bytes.
    const d = await ctl(['--dial-timeout', 'a\x07b\u0085é', 'get', 'x']);
    assert.equal(d.stderr.split('\n')[0], 'Error: invalid argument "a\\ab\\u0085é" for "--dial-timeout" flag: time: invalid duration "a\\x07b\\xc2\\x85\\xc3\\xa9"');
    const r = await ctl(['get', '--rev', 'x\ny', 'k']);
    assert.equal(r.stderr.split('\n')[0], 'Error: invalid argument "x\\ny" for "--rev" flag: strconv.ParseInt: parsing "x\\ny": invalid syntax');
    const lease = await ctl(['put', 'k', 'v', '--lease', 'z\x07']);
    assert.equal(lease.stderr, 'Error: bad lease ID (strconv.ParseInt: parsing "z\\a": invalid syntax), expecting ID in Hex\n');
    const watch = await ctl(['watch'], { env: { ETCDCTL_WATCH_KEY: '', ETCDCTL_WATCH_RANGE_END: 'a\x07' } });
    assert.equal(watch.stderr, 'Error: ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END="a\\a"\n');
    const member = await ctl(['member', 'remove', 'z\x07']);
    assert.equal(member.stderr, 'Error: bad member ID arg (strconv.ParseUint: parsing "z\\a": invalid syntax), expecting ID in Hex\n');
  });

  it('help is aligned with tabs like etcd 3.6', async () => {
    const r = await ctl(['get', '--help']);
    assert.ok(r.stdout.includes('      --consistency="l"\t\t\tLinearizable(l) or Serializable(s)\n'));
    assert.ok(r.stdout.includes('      --print-value-only[=false]\tOnly write values when using the "simple" output format\n'));
    assert.ok(r.stdout.includes('GLOBAL OPTIONS:\n      --cacert=""\t\t\t\tverify certificates'));
    const root = await ctl(['--help']);
    assert.ok(root.stdout.startsWith('NAME:\n  etcdctl - A simple command line client for etcd3.\n\nUSAGE:\n  etcdctl [flags]\n\nVERSION:\n  3.6.4\n\nAPI VERSION:\n  3.6\n\nCOMMANDS:\n'));
    assert.ok(root.stdout.includes('  member list\t\t\tLists all members in the cluster\n'));
  });

  it('takes endpoints from ETCDCTL_ENDPOINTS and refuses one shadowed by the flag', async () => {
    assert.equal((await ctl(['get', 'missing'], { env: { ETCDCTL_ENDPOINTS: gw.endpoint } })).status, 0);
    const both = await ctl([ep(), 'get', 'missing'], { env: { ETCDCTL_ENDPOINTS: gw.endpoint } });
    assert.equal(both.status, 1);
    assert.match(both.stderr, /"level":"fatal".*"msg":"conflicting environment variable is shadowed by corresponding command-line flag \(either unset environment variable or disable flag\)\)","environment-variable":"ETCDCTL_ENDPOINTS"/);
    const api = await ctl([ep(), 'get', 'missing'], { env: { ETCDCTL_API: '3' } });
    assert.match(api.stderr, /"msg":"unrecognized environment variable","environment-variable":"ETCDCTL_API=3"/);
    assert.equal(api.status, 0);
  });

  it('a key file it may not read ends with open\'s error and status 128', async () => {
    const fs = memoryFs({ '/c.crt': '-----BEGIN CERTIFICATE-----\n', '/k.key': 'x' }, ['/k.key']);
    const r = await ctl([ep(), '--cert=/c.crt', '--key=/k.key', 'get', 'x'], { fs });
    assert.equal(r.stderr, 'Error: open /k.key: permission denied\n');
    assert.equal(r.status, 128);
  });

  it('gives up with "context deadline exceeded" after --command-timeout when nothing listens', async () => {
    const clock = new SimClock();
    const refusing: Network = {
      resolve: (h) => h,
      listen: () => Promise.reject(new Error('unused')),
      connect: (a) => Promise.reject(new NetError('ECONNREFUSED', 'connect', a)),
    };
    const p = ctl(['--endpoints=127.0.0.1:2379', 'get', 'foo'], { net: refusing, clock });
    let done = false;
    void p.then(() => (done = true));
    for (let i = 0; i < 200 && !done; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(100);
    }
    const r = await p;
    assert.equal(r.status, 1);
    const [warn, err] = r.stderr.split('\n');
    assert.equal(err, 'Error: context deadline exceeded');
    assert.ok(warn!.includes('"error":"rpc error: code = DeadlineExceeded desc = latest balancer error: last connection error: connection error: desc = \\"transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused\\""'));
    assert.ok(clock.monotonic() >= 5000 && clock.monotonic() < 6000, `took ${clock.monotonic()} ms of simulated time`);
  });
});
