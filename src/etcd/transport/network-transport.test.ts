import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { realClock } from '../../platform/clock.ts';
import { NodeNetwork } from '../../platform/node-network.ts';
import { Logger } from '../log.ts';
import { emptyMessage, type Message } from '../../raft/types.ts';
import { NetworkPeerTransport, encodeFrame, validateMessage, PROTOCOL_VERSION, type PeerTlsLayer } from './network-transport.ts';

function logger() {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: new Logger({ write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) }, realClock) };
}

async function receiver(clusterId = 'c1') {
  const { lines, log } = logger();
  const t = new NetworkPeerTransport({ net: new NodeNetwork(), clock: realClock, log, memberId: 'b', clusterId });
  await t.listen([{ host: '127.0.0.1', port: 0 }]);
  const got: Message[] = [];
  t.onMessage((m) => void got.push(m));
  return { t, got, lines, port: t.addresses[0]!.port };
}

const wait = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

test('messages travel between two transports, bytes intact', async () => {
  const r = await receiver();
  const { log } = logger();
  const a = new NetworkPeerTransport({ net: new NodeNetwork(), clock: realClock, log, memberId: 'a', clusterId: 'c1' });
  a.addPeer('b', [`http://127.0.0.1:${r.port}`]);
  const m = emptyMessage('MsgApp', 'a', 'b');
  m.term = 3;
  m.entries = [{ term: 3, index: 7, type: 'normal', data: new Uint8Array([0, 1, 255]) }];
  a.send([m]);
  await wait(() => r.got.length > 0);
  assert.deepEqual(r.got[0], m);
  a.close();
  r.t.close();
});

test('malformed frames are logged and dropped; the stream keeps working', async () => {
  const r = await receiver();
  const s = net.connect(r.port, '127.0.0.1');
  await new Promise((res) => s.once('connect', res));
  s.write(encodeFrame({ v: PROTOCOL_VERSION, kind: 'raft', clusterId: 'c1', from: 'a', to: 'b' }));
  s.write(encodeFrame({ type: 'MsgBogus', to: 'b', from: 'a' }));
  const bad = Buffer.from('{not json');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(bad.length);
  s.write(Buffer.concat([head, bad]));
  s.write(encodeFrame(emptyMessage('MsgHeartbeat', 'a', 'b')));
  await wait(() => r.got.length > 0);
  assert.equal(r.got.length, 1);
  assert.equal(r.got[0]!.type, 'MsgHeartbeat');
  assert.equal(r.lines.filter((l) => l['msg'] === 'failed to decode raft message').length, 2);
  s.destroy();
  r.t.close();
});

test('a peer of another cluster is refused with etcd\'s log line', async () => {
  const r = await receiver('c1');
  const { log } = logger();
  const a = new NetworkPeerTransport({ net: new NodeNetwork(), clock: realClock, log, memberId: 'a', clusterId: 'other' });
  a.addPeer('b', [`http://127.0.0.1:${r.port}`]);
  a.send([emptyMessage('MsgHeartbeat', 'a', 'b')]);
  await wait(() => r.lines.some((l) => l['msg'] === 'request cluster ID mismatch'));
  const line = r.lines.find((l) => l['msg'] === 'request cluster ID mismatch')!;
  assert.equal(line['remote-peer-cluster-id'], 'other');
  assert.equal(line['local-member-cluster-id'], 'c1');
  assert.equal(r.got.length, 0);
  a.close();
  r.t.close();
});

test('validateMessage rejects wrong field types', () => {
  assert.throws(() => validateMessage({ ...emptyMessage('MsgApp', 'a', 'b'), term: -1 }), /bad term/);
  assert.throws(() => validateMessage({ ...emptyMessage('MsgApp', 'a', 'b'), entries: [{ term: 1 }] }), /bad entries/);
  assert.throws(() => validateMessage({ ...emptyMessage('MsgApp', 'a', 'b'), to: 'XYZ' }), /bad from\/to/);
  assert.throws(() => validateMessage(null), /not an object/);
});

test('send outcomes are reported: a snapshot sent is reported done, one to a dead peer failed and the peer unreachable', async () => {
  const r = await receiver();
  const { log } = logger();
  const a = new NetworkPeerTransport({ net: new NodeNetwork(), clock: realClock, log, memberId: 'a', clusterId: 'c1' });
  const snapshots: string[] = [];
  const unreachable: string[] = [];
  a.onSnapshotStatus((to, failed) => void snapshots.push(`${to}:${failed ? 'failed' : 'done'}`));
  a.onUnreachable((to) => void unreachable.push(to));
  const snap = (to: string): Message => ({
    ...emptyMessage('MsgSnap', 'a', to),
    snapshot: { data: new Uint8Array([1, 2, 3]), metadata: { index: 9, term: 2, confState: { voters: ['a', 'b'], learners: [] } } },
  });
  a.addPeer('b', [`http://127.0.0.1:${r.port}`]);
  a.send([snap('b')]);
  await wait(() => snapshots.length > 0 && r.got.length > 0);
  assert.deepEqual(snapshots, ['b:done']);
  // A peer nobody listens for: the dial fails, the snapshot is reported failed.
  const closed = net.createServer();
  await new Promise<void>((res) => closed.listen(0, '127.0.0.1', res));
  const deadPort = (closed.address() as net.AddressInfo).port;
  await new Promise((res) => closed.close(res));
  a.addPeer('c', [`http://127.0.0.1:${deadPort}`]);
  a.send([snap('c')]);
  await wait(() => snapshots.length > 1 && unreachable.length > 0);
  assert.deepEqual(snapshots, ['b:done', 'c:failed']);
  assert.deepEqual(unreachable, ['c']);
  a.close();
  r.t.close();
});

test('a peer that refuses the sender as removed tells it on its stream', async () => {
  const r = await receiver();
  r.t.onMessage((m) => (m.from === 'a' ? 'removed' : undefined));
  const { log } = logger();
  const a = new NetworkPeerTransport({ net: new NodeNetwork(), clock: realClock, log, memberId: 'a', clusterId: 'c1' });
  let removed = 0;
  a.onRemoved(() => removed++);
  a.addPeer('b', [`http://127.0.0.1:${r.port}`]);
  a.send([emptyMessage('MsgHeartbeat', 'a', 'b'), emptyMessage('MsgHeartbeat', 'a', 'b')]);
  await wait(() => removed > 0);
  assert.equal(removed, 1);
  a.close();
  r.t.close();
});

test('https peer URLs go through the TLS layer handed in; without one they cannot be dialled', async () => {
  const used = { accept: 0, dial: 0 };
  // A layer that secures nothing: it shows the transport itself never touches TLS.
  const layer: PeerTlsLayer = {
    accept: (raw, remote, onSecure) => (used.accept++, onSecure(raw, remote)),
    dial: async (raw) => (used.dial++, raw),
  };
  const { log } = logger();
  const b = new NetworkPeerTransport({ net: new NodeNetwork(), clock: realClock, log, memberId: 'b', clusterId: 'c1', secure: layer });
  await b.listen([{ host: '127.0.0.1', port: 0, secure: true }]);
  const got: Message[] = [];
  b.onMessage((m) => void got.push(m));
  const a = new NetworkPeerTransport({ net: new NodeNetwork(), clock: realClock, log, memberId: 'a', clusterId: 'c1', secure: layer });
  a.addPeer('b', [`https://127.0.0.1:${b.addresses[0]!.port}`]);
  a.send([emptyMessage('MsgHeartbeat', 'a', 'b')]);
  await wait(() => got.length > 0);
  assert.equal(got.length, 1);
  assert.deepEqual(used, { accept: 1, dial: 1 });
  const plain = logger();
  const c = new NetworkPeerTransport({ net: new NodeNetwork(), clock: realClock, log: plain.log, memberId: 'c', clusterId: 'c1' });
  c.addPeer('b', [`https://127.0.0.1:${b.addresses[0]!.port}`]);
  c.send([emptyMessage('MsgHeartbeat', 'c', 'b')]);
  await wait(() => plain.lines.some((l) => l['msg'] === 'peer became inactive (message send to peer failed)'));
  const inactive = plain.lines.find((l) => l['msg'] === 'peer became inactive (message send to peer failed)');
  assert.match(String(inactive?.['error']), /TLS key\/cert \(--peer-cert-file, --peer-key-file\) must be provided for peer url with HTTPS scheme/);
  for (const t of [a, b, c]) t.close();
});
