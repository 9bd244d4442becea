// Peer TLS for the raft transport (--peer-cert-file & co, --peer-auto-tls), built here
// because only src/etcd/cli, api and real may use node:tls: the transport in
// src/etcd/transport gets this layer handed in and never sees TLS itself.
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Address } from '../../platform/network.ts';
import type { Logger } from '../log.ts';
import type { PeerTlsLayer, PeerTlsMaterial } from '../transport/network-transport.ts';

/** TLS over the platform network's plain streams, with etcd's log line for refused handshakes. */
export function peerTlsLayer(m: PeerTlsMaterial, log: Logger): PeerTlsLayer {
  let server: tls.Server | undefined;
  const serverFor = (remote: Address, onSecure: (s: Duplex, remote: Address) => void): tls.Server => {
    if (!server) {
      server = tls.createServer(
        { cert: Buffer.from(m.cert), key: Buffer.from(m.key), ...(m.ca ? { ca: Buffer.from(m.ca) } : {}), requestCert: m.clientCertAuth, rejectUnauthorized: m.clientCertAuth },
        (t) => onSecure(t, { host: (t as unknown as { _peer?: Address })._peer?.host ?? remote.host, port: remote.port }),
      );
      server.on('tlsClientError', (e: Error) => {
        log.warn('embed/config_logging.go:189', 'rejected connection on peer endpoint', { 'remote-addr': `${remote.host}:${remote.port}`, 'server-name': '', error: m.goError(e) });
      });
    }
    return server;
  };
  return {
    accept(raw, remote, onSecure) {
      const s = serverFor(remote, onSecure);
      raw.on('error', () => {});
      // node's TLS server expects a net.Socket; the platform's streams are plain Duplexes.
      const r = raw as Duplex & Record<string, unknown>;
      if (r['remoteAddress'] === undefined) Object.defineProperty(r, 'remoteAddress', { value: remote.host, configurable: true });
      if (r['remotePort'] === undefined) Object.defineProperty(r, 'remotePort', { value: remote.port, configurable: true });
      for (const f of ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref']) if (typeof r[f] !== 'function') r[f] = () => raw;
      s.emit('connection', raw);
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
