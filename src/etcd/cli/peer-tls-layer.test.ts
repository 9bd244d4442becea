// The peer TLS layer handed to the raft transport: real TLS with peer client-cert auth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realClock } from '../../platform/clock.ts';
import { NodeNetwork } from '../../platform/node-network.ts';
import { emptyMessage, type Message } from '../../raft/types.ts';
import { Logger } from '../log.ts';
import { goTlsError } from '../api/client-server.ts';
import { makeCert } from '../api/test-helpers.ts';
import { NetworkPeerTransport, fetchClusterInfo, type PeerTlsMaterial } from '../transport/network-transport.ts';
import { peerTlsLayer } from './peer-tls-layer.ts';

const enc = (s: string) => new TextEncoder().encode(s);

function logger() {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: new Logger({ write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) }, realClock) };
}

const wait = async (cond: () => boolean) => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

test('peers talk over TLS with client-cert auth through the layer; a peer without a trusted cert is refused', { timeout: 20_000 }, async () => {
  const ca = makeCert('etcd-ca', { isCa: true });
  const peer = makeCert('etcd-peer', { ca, sans: ['localhost', '127.0.0.1'] });
  const material: PeerTlsMaterial = { cert: enc(peer.cert), key: enc(peer.key), ca: enc(ca.cert), clientCertAuth: true, goError: goTlsError };
  const rb = logger();
  const b = new NetworkPeerTransport({ net: new NodeNetwork(), clock: realClock, log: rb.log, memberId: 'b', clusterId: 'c1', secure: peerTlsLayer(material, rb.log), clusterInfo: () => ({ clusterId: 'c1', members: [] }) });
  await b.listen([{ host: '127.0.0.1', port: 0, secure: true }]);
  const url = `https://127.0.0.1:${b.addresses[0]!.port}`;
  const got: Message[] = [];
  b.onMessage((m) => void got.push(m));
  const ra = logger();
  const a = new NetworkPeerTransport({ net: new NodeNetwork(), clock: realClock, log: ra.log, memberId: 'a', clusterId: 'c1', secure: peerTlsLayer(material, ra.log) });
  a.addPeer('b', [url]);
  a.send([emptyMessage('MsgHeartbeat', 'a', 'b')]);
  await wait(() => got.length > 0);
  assert.equal(got[0]?.from, 'a');
  // Joining members ask for the cluster over the same TLS.
  const info = await fetchClusterInfo(new NodeNetwork(), [url], undefined, peerTlsLayer(material, ra.log));
  assert.equal(info.clusterId, 'c1');
  // A stranger with a certificate from another CA is refused, with etcd's log line.
  const otherCa = makeCert('other-ca', { isCa: true });
  const stranger = makeCert('stranger', { ca: otherCa, sans: ['127.0.0.1'] });
  const rs = logger();
  const s = new NetworkPeerTransport({
    net: new NodeNetwork(),
    clock: realClock,
    log: rs.log,
    memberId: 's',
    clusterId: 'c1',
    secure: peerTlsLayer({ cert: enc(stranger.cert), key: enc(stranger.key), clientCertAuth: false, goError: goTlsError }, rs.log),
  });
  s.addPeer('b', [url]);
  s.send([emptyMessage('MsgHeartbeat', 's', 'b')]);
  await wait(() => rb.lines.some((l) => l['msg'] === 'rejected connection on peer endpoint'));
  assert.ok(rb.lines.some((l) => l['msg'] === 'rejected connection on peer endpoint'));
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(got.every((m) => m.from !== 's'), 'nothing from the stranger got through');
  for (const t of [a, b, s]) t.close();
});
