// gRPC on etcd's client port, end to end through runEtcd: real TCP (h2c next to HTTP/1.1 on
// one port) and an in-memory Duplex network (no native handle, as the sandbox's sockets).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Duplex } from 'node:stream';
import { realClock } from '../../../platform/clock.ts';
import { realRandom } from '../../../platform/random.ts';
import { SimFileSystem } from '../../../platform/sim-fs.ts';
import { NetError, type Address, type Network } from '../../../platform/network.ts';
import { runEtcd } from '../../cli/etcd-main.ts';
import { startTestEtcd, type RunningEtcd } from '../test-helpers.ts';
import { Reader, Writer, WIRE_VARINT } from './proto.ts';
import { decodeKeyValue } from './messages-kv.ts';
import { connectGrpc, grpcCall, grpcStream } from './test-client.ts';
import type { ClientHttp2Session } from 'node:http2';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => Buffer.from(b).toString();

/** field → values (varints as numbers, LEN as bytes). */
function fields(buf: Uint8Array): Map<number, (number | Uint8Array)[]> {
  const r = new Reader(buf);
  const out = new Map<number, (number | Uint8Array)[]>();
  for (let f = r.next(); f; f = r.next()) {
    const v = r.wire === WIRE_VARINT ? r.int64() : r.bytes();
    out.set(f, [...(out.get(f) ?? []), v]);
  }
  return out;
}
const one = (m: Map<number, (number | Uint8Array)[]>, f: number) => m.get(f)?.[0];

const put = (k: string, v: string) => new Writer().bytes(1, utf8(k)).bytes(2, utf8(v)).finish();
const range = (k: string, rev = 0) => new Writer().bytes(1, utf8(k)).int64(4, rev).finish();

function httpGet(port: number, path: string, createConnection?: () => Duplex): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, ...(createConnection ? { createConnection } : {}) }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function kvRoundTrip(session: ClientHttp2Session): Promise<void> {
  const p = await grpcCall(session, '/etcdserverpb.KV/Put', [put('greeting', 'hello')]);
  assert.equal(p.status, 0, p.message);
  assert.equal(p.contentType, 'application/grpc');
  const r = await grpcCall(session, '/etcdserverpb.KV/Range', [range('greeting')]);
  assert.equal(r.status, 0, r.message);
  const kv = decodeKeyValue(one(fields(r.messages[0]!), 2) as Uint8Array);
  assert.equal(text(kv.key), 'greeting');
  assert.equal(text(kv.value), 'hello');
  assert.equal(kv.version, 1);
}

describe('gRPC over TCP, sharing the port with HTTP/1.1', () => {
  let etcd: RunningEtcd;
  let session: ClientHttp2Session;
  before(async () => {
    etcd = await startTestEtcd();
    session = connectGrpc({ authority: etcd.url });
  });
  after(async () => {
    session.close();
    await etcd.stop();
  });

  it('serves Put and Range, and /health over HTTP/1.1 on the same port', async () => {
    await kvRoundTrip(session);
    const port = Number(new URL(etcd.url).port);
    assert.deepEqual(await httpGet(port, '/health'), { status: 200, body: '{"health":"true","reason":""}' });
  });

  it("answers errors with etcd's status codes and messages", async () => {
    const empty = await grpcCall(session, '/etcdserverpb.KV/Range', [new Uint8Array()]);
    assert.deepEqual([empty.status, empty.message], [3, 'etcdserver: key is not provided']);
    for (let i = 0; i < 3; i++) await grpcCall(session, '/etcdserverpb.KV/Put', [put('c', String(i))]);
    const c = await grpcCall(session, '/etcdserverpb.KV/Compact', [new Writer().int64(1, 3).finish()]);
    assert.equal(c.status, 0, c.message);
    const old = await grpcCall(session, '/etcdserverpb.KV/Range', [range('c', 2)]);
    assert.deepEqual([old.status, old.message], [11, 'etcdserver: mvcc: required revision has been compacted']);
    const future = await grpcCall(session, '/etcdserverpb.KV/Range', [range('c', 10_000)]);
    assert.deepEqual([future.status, future.message], [11, 'etcdserver: mvcc: required revision is a future revision']);
    const lease = await grpcCall(session, '/etcdserverpb.Lease/LeaseRevoke', [new Writer().idHex(1, '1234').finish()]);
    assert.deepEqual([lease.status, lease.message], [5, 'etcdserver: requested lease not found']);
    const auth = await grpcCall(session, '/etcdserverpb.Auth/Authenticate', [new Uint8Array()]);
    assert.deepEqual([auth.status, auth.message], [9, 'etcdserver: authentication is not enabled']);
    const unknown = await grpcCall(session, '/etcdserverpb.KV/Frobnicate', [new Uint8Array()]);
    assert.deepEqual([unknown.status, unknown.message], [12, 'unknown method Frobnicate for service etcdserverpb.KV']);
    const svc = await grpcCall(session, '/nope.Service/X', [new Uint8Array()]);
    assert.deepEqual([svc.status, svc.message], [12, 'unknown service nope.Service']);
    const junk = await grpcCall(session, '/etcdserverpb.KV/Put', [new Uint8Array([0x0a, 0x09, 0x01])]);
    assert.equal(junk.status, 13);
    const gzip = await grpcCall(session, '/etcdserverpb.KV/Range', [range('c')], { 'grpc-encoding': 'gzip' });
    assert.deepEqual([gzip.status, gzip.message], [12, 'grpc: Decompressor is not installed for grpc-encoding "gzip"']);
    const tooBig = await grpcCall(session, '/etcdserverpb.KV/Put', [put('big', 'x'.repeat(3 * 1024 * 1024))]);
    assert.equal(tooBig.status, 8);
    assert.match(tooBig.message, /^grpc: received message larger than max \(\d+ vs\. 2097152\)$/);
  });

  it('answers a refused stream at once, while the client keeps its side open', async () => {
    const w = grpcStream(session, '/etcdserverpb.Watch/Nope');
    const status = await new Promise<string>((resolve, reject) => {
      const bound = setTimeout(() => reject(new Error('no status while the client side was open')), 5000);
      const done = (v: unknown) => {
        clearTimeout(bound);
        resolve(String(v));
      };
      w.stream.on('trailers', (t) => done(t['grpc-status'])).on('response', (h) => h['grpc-status'] !== undefined && done(h['grpc-status']));
    });
    assert.equal(status, '12');
    w.close();
  });

  it('streams watch events, and answers cancel', async () => {
    const w = grpcStream(session, '/etcdserverpb.Watch/Watch');
    w.send(new Writer().message(1, new Writer().bytes(1, utf8('w/')).bytes(2, utf8('w0')).bool(6, true).finish()).finish());
    const created = fields(await w.next());
    assert.equal(one(created, 3), 1, 'created');
    const id = (one(created, 2) as number | undefined) ?? 0;
    await grpcCall(session, '/etcdserverpb.KV/Put', [put('w/a', '1')]);
    await grpcCall(session, '/etcdserverpb.KV/Put', [put('w/a', '2')]);
    const seen: string[] = [];
    while (seen.length < 2) {
      const ev = fields(await w.next());
      for (const e of ev.get(11) ?? []) {
        const f = fields(e as Uint8Array);
        const kv = decodeKeyValue(one(f, 2) as Uint8Array);
        const prev = one(f, 3) ? text(decodeKeyValue(one(f, 3) as Uint8Array).value) : '-';
        seen.push(`${text(kv.key)}=${text(kv.value)} prev=${prev}`);
      }
    }
    assert.deepEqual(seen, ['w/a=1 prev=-', 'w/a=2 prev=1']);
    w.send(new Writer().message(2, new Writer().int64(1, id).finish()).finish());
    const canceled = fields(await w.next());
    assert.equal(one(canceled, 4), 1, 'canceled');
    w.close();
  });

  it('grants, keeps alive and revokes a lease; streams a snapshot', async () => {
    const g = await grpcCall(session, '/etcdserverpb.Lease/LeaseGrant', [new Writer().int64(1, 60).finish()]);
    assert.equal(g.status, 0, g.message);
    const gf = fields(g.messages[0]!);
    assert.equal(one(gf, 3), 60);
    const r = new Reader(g.messages[0]!);
    let idHex = '';
    for (let f = r.next(); f; f = r.next()) if (f === 2) idHex = r.idHex(); else r.skip();
    const ka = grpcStream(session, '/etcdserverpb.Lease/LeaseKeepAlive');
    ka.send(new Writer().idHex(1, idHex).finish());
    assert.equal(one(fields(await ka.next()), 3), 60);
    ka.close();
    const rv = await grpcCall(session, '/etcdserverpb.Lease/LeaseRevoke', [new Writer().idHex(1, idHex).finish()]);
    assert.equal(rv.status, 0, rv.message);
    const gone = grpcStream(session, '/etcdserverpb.Lease/LeaseKeepAlive');
    gone.send(new Writer().idHex(1, idHex).finish());
    assert.equal(one(fields(await gone.next()), 3), undefined, 'TTL 0 for a revoked lease');
    gone.close();

    const snap = await grpcCall(session, '/etcdserverpb.Maintenance/Snapshot', [new Uint8Array()]);
    assert.equal(snap.status, 0, snap.message);
    const parts = snap.messages.map(fields);
    const blobs = Buffer.concat(parts.map((p) => one(p, 3) as Uint8Array));
    assert.equal(blobs.length, etcd.server.snapshotBytes().length);
    assert.equal(one(parts[parts.length - 1]!, 2), undefined, 'no remaining bytes at the end');
    assert.equal(text(one(parts[parts.length - 1]!, 4) as Uint8Array), '3.6.0');
  });
});

/** A Network of in-memory Duplex pairs: no native socket handles, like the sandbox's. */
function memoryNetwork(): Network & { dial(port: number): Duplex } {
  const listeners = new Map<number, (s: Duplex, remote: Address) => void>();
  let nextPort = 40000;
  const pair = (): [Duplex, Duplex] => {
    let a!: Duplex;
    let b!: Duplex;
    const mk = (peer: () => Duplex) =>
      new Duplex({
        read() {},
        write(chunk: Buffer, _enc, cb) {
          peer().push(chunk);
          cb();
        },
        final(cb) {
          peer().push(null);
          cb();
        },
      });
    a = mk(() => b);
    b = mk(() => a);
    return [a, b];
  };
  return {
    resolve: (h) => (h === 'localhost' ? '127.0.0.1' : h),
    async listen(addr, onConnection) {
      const port = addr.port || nextPort++;
      listeners.set(port, onConnection);
      return { address: { host: addr.host, port }, close: async () => void listeners.delete(port) };
    },
    async connect(addr) {
      const l = listeners.get(addr.port);
      if (!l) throw new NetError('ECONNREFUSED', 'connect', addr);
      const [client, server] = pair();
      queueMicrotask(() => l(server, { host: '127.0.0.1', port: 50000 }));
      return client;
    },
    dial(port) {
      const [client, server] = pair();
      queueMicrotask(() => listeners.get(port)!(server, { host: '127.0.0.1', port: 50001 }));
      return client;
    },
  };
}

describe('gRPC over a non-native Duplex network', () => {
  it('serves gRPC and HTTP/1.1 on one in-memory port', async () => {
    const net = memoryNetwork();
    const fs = new SimFileSystem();
    fs.mkdir('/work');
    const ac = new AbortController();
    let port = 0;
    const ready = new Promise<void>((resolve) => {
      void runEtcd({
        argv: ['etcd', '--listen-client-urls', 'http://127.0.0.1:0', '--advertise-client-urls', 'http://127.0.0.1:2379', '--listen-peer-urls', 'http://127.0.0.1:0'],
        env: {},
        cwd: '/work',
        fs,
        net,
        clock: realClock,
        random: realRandom,
        stdout: { write: () => {} },
        stderr: { write: () => {} },
        signal: ac.signal,
        onReady: (_s, clients) => {
          port = clients.addresses[0]!.port;
          resolve();
        },
      });
    });
    await ready;
    const session = connectGrpc({ authority: 'http://127.0.0.1:2379', socket: net.dial(port) });
    try {
      await kvRoundTrip(session);
      assert.equal((await httpGet(port, '/health', () => net.dial(port))).status, 200);
    } finally {
      session.close();
      ac.abort('SIGTERM');
    }
  });
});

/** A disk that counts WAL fsyncs. */
class CountingFs extends SimFileSystem {
  walSyncs = 0;
  override fsync(p: string): void {
    if (p.endsWith('.wal')) this.walSyncs++;
    super.fsync(p);
  }
}

describe('batching', () => {
  it('puts that arrive while others are being handled share WAL fsyncs', async () => {
    const fs = new CountingFs();
    const etcd = await startTestEtcd([], { fs });
    const session = connectGrpc({ authority: etcd.url });
    try {
      const before = fs.walSyncs;
      // 32 clients, each sending its next put when the previous one is answered (kvbench's load).
      let failed = 0;
      await Promise.all(
        Array.from({ length: 32 }, async (_, w) => {
          for (let i = 0; i < 20; i++) if ((await grpcCall(session, '/etcdserverpb.KV/Put', [put(`batch/${w}/${i}`, 'v')])).status !== 0) failed++;
        }),
      );
      assert.equal(failed, 0);
      const syncs = fs.walSyncs - before;
      assert.ok(syncs < 320, `640 puts from 32 concurrent clients took ${syncs} WAL fsyncs`);
    } finally {
      session.close();
      await etcd.stop();
    }
  });
});
