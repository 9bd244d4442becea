// Peer TLS for the raft transport (--peer-cert-file & co, --peer-auto-tls), built here
// because only src/etcd/cli, api and real may use node:tls: the transport in
// src/etcd/transport gets this layer handed in and never sees TLS itself.
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Address } from '../../platform/network.ts';
import type { Logger } from '../log.ts';
import type { PeerTlsLayer, PeerTlsMaterial } from '../transport/network-transport.ts';
import { ClientCertGate, GatedStream } from '../../pki/tls13/client-cert-gate.ts';
import { clientChainVerifier } from '../api/client-cert-verifier.ts';
import { peerChainOf, streamUnder } from '../api/tls-socket-info.ts';

const checkedByGate = (t: tls.TLSSocket): boolean => {
  const under = streamUnder(t);
  return under instanceof GatedStream && under.checked;
};

/** TLS over the platform network's plain streams, with etcd's log line for refused handshakes. */
export function peerTlsLayer(m: PeerTlsMaterial, log: Logger): PeerTlsLayer {
  let server: tls.Server | undefined;
  let gate: ClientCertGate | undefined;
  const verify = clientChainVerifier(m.ca, m.now ?? Date.now);
  const refused = (remote: Address, error: string) =>
    log.warn('embed/config_logging.go:189', 'rejected connection on peer endpoint', { 'remote-addr': `${remote.host}:${remote.port}`, 'server-name': '', error });
  const serverFor = (remote: Address, onSecure: (s: Duplex, remote: Address) => void): tls.Server => {
    if (!server) {
      // Like the client endpoint: no `ca` in the context (Go sends its leaf certificate
      // alone), and with --peer-client-cert-auth the gate judges the peer's certificate.
      server = tls.createServer({ cert: Buffer.from(m.cert), key: Buffer.from(m.key), requestCert: m.clientCertAuth, rejectUnauthorized: false }, (t) => {
        const from = { host: (t as unknown as { _peer?: Address })._peer?.host ?? remote.host, port: remote.port };
        if (m.clientCertAuth && !checkedByGate(t)) {
          const verdict = verify(peerChainOf(t));
          if (verdict) {
            refused(from, verdict.error);
            t.destroy();
            return;
          }
        }
        onSecure(t, from);
      });
      server.on('tlsClientError', (e: Error, t: tls.TLSSocket) => {
        const under = streamUnder(t);
        if (under instanceof GatedStream && under.refused) return;
        refused(remote, m.goError(e));
      });
      if (m.clientCertAuth) gate = new ClientCertGate(server);
    }
    return server;
  };
  return {
    accept(raw, remote, onSecure) {
      const s = serverFor(remote, onSecure);
      raw.on('error', () => {});
      const stream = gate ? gate.wrap(raw, verify, (v) => refused(remote, v.error)) : raw;
      // node's TLS server expects a net.Socket; the platform's streams are plain Duplexes.
      const r = stream as Duplex & Record<string, unknown>;
      if (r['remoteAddress'] === undefined) Object.defineProperty(r, 'remoteAddress', { value: remote.host, configurable: true });
      if (r['remotePort'] === undefined) Object.defineProperty(r, 'remotePort', { value: remote.port, configurable: true });
      for (const f of ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref']) if (typeof r[f] !== 'function') r[f] = () => stream;
      s.emit('connection', stream);
    },
    dial(raw, host) {
      return new Promise((resolve, reject) => {
        const isIp = /^[\d.]+$/.test(host) || host.includes(':');
        const t = tls.connect({
          socket: raw,
          cert: Buffer.from(m.cert),
          key: Buffer.from(m.key),
          ...(m.ca ? { ca: Buffer.from(m.ca) } : {}),
          rejectUnauthorized: !!m.ca,
          ...(isIp ? {} : { servername: host }),
          host,
        });
        t.once('secureConnect', () => resolve(t));
        t.once('error', (e) => reject(new Error(m.goError(e))));
      });
    },
  };
}
