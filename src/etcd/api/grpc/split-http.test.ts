// --listen-client-http-urls: etcd's split mode. The client URLs serve gRPC, the http URLs
// serve HTTP only (no gRPC there), and the logs say which traffic each listener carries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { realClock } from '../../../platform/clock.ts';
import { realRandom } from '../../../platform/random.ts';
import { NodeNetwork } from '../../../platform/node-network.ts';
import { SimFileSystem } from '../../../platform/sim-fs.ts';
import { runEtcd } from '../../cli/etcd-main.ts';
import type { Address } from '../../../platform/network.ts';
import { Writer } from './proto.ts';
import { connectGrpc, grpcCall } from './test-client.ts';

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

test('split mode: gRPC on the client URL, HTTP only on the http URL', async () => {
  const fs = new SimFileSystem();
  fs.mkdir('/work');
  const logs: string[] = [];
  const ac = new AbortController();
  let addresses: Address[] = [];
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => (onReady = r));
  const exited = runEtcd({
    argv: ['etcd', '--listen-client-urls', 'http://127.0.0.1:0', '--advertise-client-urls', 'http://127.0.0.1:2379', '--listen-client-http-urls', 'http://127.0.0.1:0', '--listen-peer-urls', 'http://127.0.0.1:0'],
    env: {},
    cwd: '/work',
    fs,
    net: new NodeNetwork(),
    clock: realClock,
    random: realRandom,
    stdout: { write: () => {} },
    stderr: { write: (c) => void logs.push(String(c)) },
    signal: ac.signal,
    onReady: (_s, clients) => {
      addresses = clients.addresses;
      onReady();
    },
  });
  await Promise.race([ready, exited.then((c) => Promise.reject(new Error(`etcd exited ${c}: ${logs.join('')}`)))]);
  const [grpcAddr, httpAddr] = addresses;
  const grpcSession = connectGrpc({ authority: `http://127.0.0.1:${grpcAddr!.port}` });
  const httpSession = connectGrpc({ authority: `http://127.0.0.1:${httpAddr!.port}` });
  httpSession.on('error', () => {});
  try {
    const put = await grpcCall(grpcSession, '/etcdserverpb.KV/Put', [new Writer().bytes(1, new TextEncoder().encode('k')).bytes(2, new TextEncoder().encode('v')).finish()]);
    assert.equal(put.status, 0, put.message);
    assert.equal((await get(httpAddr!.port, '/health')).status, 200);
    await assert.rejects(grpcCall(httpSession, '/etcdserverpb.KV/Range', [new Writer().bytes(1, new TextEncoder().encode('k')).finish()]));
    const traffic = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => String(l['msg']).startsWith('serving client traffic')).map((l) => l['traffic']);
    assert.deepEqual(traffic, ['grpc', 'http']);
    assert.ok(!logs.some((l) => l.includes('Running http and grpc server on single port')));
  } finally {
    grpcSession.close();
    httpSession.destroy();
    ac.abort('SIGTERM');
    await exited;
  }
});
