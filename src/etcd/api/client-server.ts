// etcd's client endpoints: node:http served over the byte streams Network.listen hands us
// (real TCP, the sandbox's virtual network, or in-memory links), with real TLS through
// node:tls when the URL is https. Routes: /health, /version, /metrics, /v3/... (gateway).
// gRPC (grpc/) shares the port: h2c connections (HTTP/2 preface) and TLS connections that
// negotiate ALPN h2 go to the gRPC server, everything else to HTTP/1.1.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Address, Listener, Network } from '../../platform/network.ts';
import type { Logger } from '../log.ts';
import type { EtcdServer } from '../server/etcd-server.ts';
import type { ParsedUrl } from '../types/urls.ts';
import { handleGateway } from './gateway.ts';
import { metricsText } from './metrics.ts';
import { createGrpcServer, type GrpcServerOptions, type StreamCall } from './grpc/transport.ts';
import { lookupMethod } from './grpc/services.ts';
import { sniffHttp2 } from './grpc/multiplex.ts';
import { ServerError } from '../server/errors.ts';
import { ClientCertGate, GatedStream, type CertificateVerdict } from '../../pki/tls13/client-cert-gate.ts';
import { clientChainVerifier } from './client-cert-verifier.ts';
import { peerChainOf, streamUnder } from './tls-socket-info.ts';

export interface ClientTlsMaterial {
  cert: Uint8Array;
  key: Uint8Array;
  /** --trusted-ca-file contents, when given. */
  ca?: Uint8Array;
  clientCertAuth: boolean;
  /** The time client certificates are judged at (the host's clock); defaults to Date.now. */
  now?: () => number;
}

export interface ClientListenOptions {
  net: Network;
  urls: ParsedUrl[];
  /**
   * --listen-client-http-urls: when given, these serve HTTP only and `urls` serve gRPC only
   * (etcd's split mode); otherwise every URL serves both on one port.
   */
  httpUrls?: ParsedUrl[];
  log: Logger;
  maxRequestBytes: number;
}

interface ClientServeOptions extends ClientListenOptions {
  server: EtcdServer;
}

export interface ClientEndpoints {
  addresses: Address[];
  /**
   * Starts serving with this server (and TLS material for https URLs). Connections that
   * arrived earlier wait until then, as they do while etcd is still starting.
   */
  attach(server: EtcdServer, tls?: ClientTlsMaterial): void;
  close(): Promise<void>;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, GET, OPTIONS, PUT, DELETE',
  'Access-Control-Allow-Headers': 'accept, content-type, authorization',
};

/** Where a listen URL binds: 'localhost' means the loopback address, as etcd resolves it. */
export function bindAddress(u: ParsedUrl): Address {
  return { host: u.host === 'localhost' ? '127.0.0.1' : u.host, port: u.port };
}

/** An address as Go prints a listener's: a wildcard listen is dual-stack, "[::]:2379". */
export const fmtAddr = (a: Address): string =>
  a.host === '0.0.0.0' || a.host === '::' ? `[::]:${a.port}` : a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;

/** Go's wording for the TLS failures node reports. */
export function goTlsError(e: Error & { code?: string }): string {
  const code = e.code ?? '';
  const msg = e.message ?? '';
  if (code === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE' || /peer did not return a certificate/i.test(msg)) return "tls: client didn't provide a certificate";
  if (code === 'ERR_SSL_HTTP_REQUEST' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /http request|wrong version number|unknown protocol/i.test(msg)) {
    return 'tls: first record does not look like a TLS handshake';
  }
  if (/UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|unable to get local issuer|unable to verify the first certificate|self.signed/i.test(code + ' ' + msg)) {
    return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  }
  if (/CERT_HAS_EXPIRED|certificate has expired/i.test(code + ' ' + msg)) return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
  if (code === 'ECONNRESET' || /socket hang up|ECONNRESET/.test(msg)) return 'EOF';
  return `tls: ${msg}`;
}

/** Gives an arbitrary Duplex the few net.Socket methods node:http calls. */
function socketLike(d: Duplex, remote: Address): Duplex {
  const s = d as Duplex & Record<string, unknown>;
  for (const m of ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref']) {
    if (typeof s[m] !== 'function') s[m] = function (this: Duplex) {
      return this;
    };
  }
  if (s['remoteAddress'] === undefined) Object.defineProperty(s, 'remoteAddress', { value: remote.host, configurable: true });
  if (s['remotePort'] === undefined) Object.defineProperty(s, 'remotePort', { value: remote.port, configurable: true });
  return d;
}

/** What a client URL serves: etcd logs it as the "traffic" of the listener. */
export type ClientTraffic = 'grpc+http' | 'grpc' | 'http';

export async function listenClients(lo: ClientListenOptions): Promise<ClientEndpoints> {
  let o: ClientServeOptions | undefined;
  let tlsMaterial: ClientTlsMaterial | undefined;
  let secureContext: tls.SecureContext | undefined;
  const tlsServers = new Map<ClientTraffic, { server: tls.Server; gate?: ClientCertGate; verify: (chain: Buffer[]) => CertificateVerdict | undefined }>();
  const logRefusal = (error: string, remote: Address, _raw: Duplex, serverName = '') =>
    lo.log.warn('embed/config_logging.go:189', 'rejected connection on client endpoint', { 'remote-addr': fmtAddr(remote), 'server-name': serverName, error });
  let startedAtSec = 0;
  const httpServer = http.createServer((req, res) => {
    void route(o!, req, res, startedAtSec).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`${(e as Error).message}\n`);
      } else res.end();
    });
  });
  httpServer.keepAliveTimeout = 0;
  // Streams opened with clientv3.WithRequireLeader end when this member loses its leader.
  const requireLeaderStreams = new Set<StreamCall>();
  const grpcOptions: GrpcServerOptions = {
    lookup: (service, method) => lookupMethod(() => o!.server, service, method),
    // etcd's MaxRecvMsgSize: --max-request-bytes plus 512 KiB of gRPC overhead.
    maxRecvBytes: lo.maxRequestBytes + 512 * 1024,
    // clientv3.WithRequireLeader travels as the "hasleader" metadata (etcdctl sets it on watches).
    precheck: (md) => {
      if (md['hasleader'] === 'true' && o!.server.leader === '') throw new ServerError('Unavailable', 'etcdserver: no leader');
    },
    onStream: (call) => {
      if (call.metadata['hasleader'] !== 'true') return;
      requireLeaderStreams.add(call);
      call.onClose(() => requireLeaderStreams.delete(call));
    },
    // A call's grpc-timeout deadline runs on the member's clock, as its request timeout does.
    clock: () => o!.server.options.clock,
  };
  const toHttp = (req: unknown, res: unknown) => httpServer.emit('request', req, res);
  // h2c is all gRPC (etcd's cmux sends every HTTP/2 connection to grpc-go, which answers
  // other requests 415); over TLS, etcd's HTTP server takes h2 and hands non-gRPC requests
  // to its HTTP routes; an http-only URL serves no gRPC at all.
  const grpcServer = createGrpcServer(grpcOptions);
  const grpcTlsServer = createGrpcServer({ ...grpcOptions, onHttpRequest: toHttp });
  const h2HttpOnlyServer = createGrpcServer({ ...grpcOptions, onHttpRequest: toHttp, httpOnly: true });
  for (const g of [grpcServer, grpcTlsServer, h2HttpOnlyServer]) g.on('sessionError', () => {});
  const splitHttp = (lo.httpUrls ?? []).length > 0;
  const listeners: Listener[] = [];
  const sockets = new Set<Duplex>();
  const waiting: (() => void)[] = [];
  try {
    const served: [ParsedUrl, ClientTraffic][] = [...lo.urls.map((u): [ParsedUrl, ClientTraffic] => [u, splitHttp ? 'grpc' : 'grpc+http']), ...(lo.httpUrls ?? []).map((u): [ParsedUrl, ClientTraffic] => [u, 'http'])];
    for (const [u, traffic] of served) {
      const secure = u.scheme === 'https';
      const addr = bindAddress(u);
      const l = await lo.net.listen(addr, (raw, remote) => {
        sockets.add(raw);
        raw.on('close', () => sockets.delete(raw));
        raw.on('error', () => {});
        const serve = () => serveConnection(raw, remote, secure, traffic);
        if (o) serve();
        else waiting.push(serve);
      });
      listeners.push(l);
    }
  } catch (e) {
    for (const l of listeners) await l.close();
    throw e;
  }
  function serveConnection(raw: Duplex, remote: Address, secure: boolean, traffic: ClientTraffic): void {
        if (raw.destroyed) return;
        if (!secure || !secureContext || !tlsMaterial) {
          socketLike(raw, remote);
          if (traffic === 'http') {
            httpServer.emit('connection', raw);
            return;
          }
          // etcd's gRPC-only listener drops HTTP/1.1; ours still serves it, because our own
          // etcdctl speaks the HTTP gateway and must keep working wherever the real one does.
          sniffHttp2(raw, (h2) => {
            if (h2) grpcServer.emit('connection', raw);
            else {
              httpServer.emit('connection', raw);
              raw.resume();
            }
          });
          return;
        }
        // A tls.Server (never listening itself) does the handshake as for a real socket; with
        // --client-cert-auth the gate in front of it judges the client's certificate inside
        // the handshake, as Go's server does.
        const entry = tlsServers.get(traffic);
        if (!entry) return;
        const stream = entry.gate ? entry.gate.wrap(raw, entry.verify, (v) => logRefusal(v.error, remote, raw)) : raw;
        socketLike(stream, remote);
        entry.server.emit('connection', stream);
  }
  return {
    addresses: listeners.map((l) => l.address),
    attach(server, material) {
      tlsMaterial = material;
      secureContext = material ? tls.createSecureContext({ cert: Buffer.from(material.cert), key: Buffer.from(material.key) }) : undefined;
      const makeTlsServer = (material: ClientTlsMaterial, traffic: ClientTraffic) => {
        const verify = clientChainVerifier(material.ca, material.now ?? Date.now);
        // No `ca` here: OpenSSL would send the CA along with the server's certificate (Go
        // sends the leaf alone), and client certificates are judged by `verify` instead.
        const tlsServer = tls.createServer(
          {
            cert: Buffer.from(material.cert),
            key: Buffer.from(material.key),
            requestCert: material.clientCertAuth,
            rejectUnauthorized: false,
            ALPNProtocols: ['h2', 'http/1.1'],
          },
          (t) => {
            t.on('error', () => t.destroy());
            if (material.clientCertAuth && !refusedAfterHandshake(t, verify)) return;
            if (t.alpnProtocol === 'h2') sniffHttp2(t, () => (traffic === 'http' ? h2HttpOnlyServer : grpcTlsServer).emit('connection', t), true);
            else httpServer.emit('connection', t);
          },
        );
        tlsServer.on('tlsClientError', (e: Error, t: tls.TLSSocket) => {
          const under = streamUnder(t);
          // The gate has already answered with an alert and logged why.
          if (under instanceof GatedStream && under.refused) return;
          const host = t.remoteAddress ?? under?.remoteAddress ?? '';
          const port = t.remotePort ?? under?.remotePort ?? 0;
          logRefusal(goTlsError(e), { host, port }, t, (t as tls.TLSSocket & { servername?: string | false }).servername || '');
          t.destroy();
        });
        /**
         * For a connection the gate did not judge (TLS 1.2): check the certificate now, and
         * drop the connection if Go would have refused it. Returns whether it may go on.
         */
        const refusedAfterHandshake = (t: tls.TLSSocket, judge: typeof verify): boolean => {
          const under = streamUnder(t);
          if (under instanceof GatedStream && under.checked) return true;
          const verdict = judge(peerChainOf(t));
          if (!verdict) return true;
          logRefusal(verdict.error, { host: t.remoteAddress ?? under?.remoteAddress ?? '', port: t.remotePort ?? under?.remotePort ?? 0 }, t);
          t.destroy();
          return false;
        };
        return { server: tlsServer, ...(material.clientCertAuth ? { gate: new ClientCertGate(tlsServer) } : {}), verify };
      };
      if (material && secureContext) for (const traffic of ['grpc+http', 'grpc', 'http'] as const) tlsServers.set(traffic, makeTlsServer(material, traffic));
      server.onLeaderChange((leader) => {
        if (leader !== '') return;
        for (const call of [...requireLeaderStreams]) call.finish(new ServerError('Unavailable', 'etcdserver: no leader'));
      });
      startedAtSec = Math.floor(server.startedAt / 1000);
      o = { ...lo, server };
      for (const f of waiting.splice(0)) f();
    },
    async close() {
      for (const l of listeners) await l.close();
      for (const s of sockets) s.destroy();
      httpServer.close();
      for (const g of [grpcServer, grpcTlsServer, h2HttpOnlyServer]) g.close();
    },
  };
}

async function route(o: ClientServeOptions, req: IncomingMessage, res: ServerResponse, startedAtSec: number): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
  if (req.method === 'OPTIONS') {
    res.writeHead(200);
    res.end();
    return;
  }
  const s = o.server;
  if (path === '/health') {
    if (req.method !== 'GET') return goError(res, 405, 'Method Not Allowed', { Allow: 'GET' });
    const h = await s.health(url.searchParams.get('serializable') === 'true');
    const body = JSON.stringify({ health: String(h.health), reason: h.reason });
    if (h.health) s.metrics.healthSuccess++;
    else s.metrics.healthFailures++;
    if (h.reason === 'RAFT NO LEADER') o.log.warn('etcdhttp/health.go:213', 'serving /health false; no leader');
    else if (h.reason.startsWith('RANGE ERROR:')) o.log.warn('etcdhttp/health.go:229', 'serving /health false; Range fails', { error: h.reason.slice('RANGE ERROR:'.length) });
    if (!h.health) {
      o.log.warn('etcdhttp/health.go:101', '/health error', { output: body, 'status-code': 503 });
      return goError(res, 503, body);
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  if (path === '/version') {
    if (req.method !== 'GET') return goError(res, 405, 'Method Not Allowed', { Allow: 'GET' });
    const clusterVersion = s.isReady() ? s.options.version.replace(/^(\d+\.\d+).*/, '$1.0') : 'not_decided';
    const body = JSON.stringify({ etcdserver: s.options.version, etcdcluster: clusterVersion });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  if (path === '/metrics') {
    const body = metricsText(s, startedAtSec);
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  if (path === '/livez' || path === '/readyz') {
    const ok = path === '/livez' || s.leader !== '';
    res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(ok ? 'ok' : `[-]${'serializable_read'} failed: RAFT NO LEADER\n${path.slice(1)} check failed\n`);
    return;
  }
  if (path.startsWith('/v3/')) {
    const served = await handleGateway(s, req, res, path, o.maxRequestBytes + 512 * 1024);
    if (!served) {
      const text = JSON.stringify({ code: 5, message: 'Not Found' });
      res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    }
    return;
  }
  goError(res, 404, '404 page not found');
}

/** Go's http.Error: text/plain, nosniff, body plus newline. */
function goError(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  const body = text + '\n';
  res.writeHead(status, { ...extra, 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
