// Our etcd's gRPC API on the sandbox's virtual network: a client on another virtual host
// dials node-1:2379 and speaks gRPC (h2c) and HTTP/1.1 over the same port.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { realClock } from '../../src/platform/clock.ts';
import { realRandom } from '../../src/platform/random.ts';
import { SimFileSystem } from '../../src/platform/sim-fs.ts';
import { runEtcd } from '../../src/etcd/cli/etcd-main.ts';
import { VirtualNetwork } from '../../src/sandbox/virtual-network.ts';
import { Reader, Writer, WIRE_VARINT } from '../../src/etcd/api/grpc/proto.ts';
import { decodeKeyValue } from '../../src/etcd/api/grpc/messages-kv.ts';
import { connectGrpc, grpcCall, grpcStream } from '../../src/etcd/api/grpc/test-client.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

function kvsOf(rangeResponse: Uint8Array): string[] {
  const r = new Reader(rangeResponse);
  const out: string[] = [];
  for (let f = r.next(); f; f = r.next()) {
    if (f === 2) {
      const kv = decodeKeyValue(r.bytes());
      out.push(`${Buffer.from(kv.key).toString()}=${Buffer.from(kv.value).toString()}`);
    } else r.skip();
  }
  return out;
}

describe('gRPC on the virtual network', () => {
  it('serves a client on another host: put, range, watch, and /health on the same port', async () => {
    const net = new VirtualNetwork(realClock);
    const n1 = net.addHost('node-1', '10.0.0.11');
    const n2 = net.addHost('node-2', '10.0.0.12');
    const fs = new SimFileSystem();
    fs.mkdir('/work');
    const ac = new AbortController();
    let onReady: () => void = () => {};
    const ready = new Promise<void>((r) => (onReady = r));
    const exited = runEtcd({
      argv: ['etcd', '--listen-client-urls', 'http://10.0.0.11:2379', '--advertise-client-urls', 'http://10.0.0.11:2379', '--listen-peer-urls', 'http://10.0.0.11:2380'],
      env: {},
      cwd: '/work',
      fs,
      net: n1,
      clock: realClock,
      random: realRandom,
      stdout: { write: () => {} },
      stderr: { write: () => {} },
      signal: ac.signal,
      onReady: () => onReady(),
    });
    await Promise.race([ready, exited.then((c) => Promise.reject(new Error(`etcd exited with ${c}`)))]);
    const session = connectGrpc({ authority: 'http://10.0.0.11:2379', socket: await n2.connect({ host: '10.0.0.11', port: 2379 }) });
    try {
      const w = grpcStream(session, '/etcdserverpb.Watch/Watch');
      w.send(new Writer().message(1, new Writer().bytes(1, utf8('lab')).finish()).finish());
      await w.next(); // created
      const p = await grpcCall(session, '/etcdserverpb.KV/Put', [new Writer().bytes(1, utf8('lab')).bytes(2, utf8('virtual')).finish()]);
      assert.equal(p.status, 0, p.message);
      const r = await grpcCall(session, '/etcdserverpb.KV/Range', [new Writer().bytes(1, utf8('lab')).finish()]);
      assert.deepEqual(kvsOf(r.messages[0]!), ['lab=virtual']);
      const ev = new Reader(await w.next());
      let events = 0;
      for (let f = ev.next(); f; f = ev.next()) {
        if (f === 11) events++;
        if (ev.wire === WIRE_VARINT) ev.uint64();
        else ev.bytes();
      }
      assert.equal(events, 1);
      w.close();

      const socket = await n2.connect({ host: '10.0.0.11', port: 2379 });
      const health = await new Promise<string>((resolve, reject) => {
        const req = http.request({ host: '10.0.0.11', port: 2379, path: '/health', createConnection: () => socket as never }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve(body));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(health, '{"health":"true","reason":""}');
    } finally {
      session.close();
      ac.abort('SIGTERM');
      await exited;
    }
  });
});
