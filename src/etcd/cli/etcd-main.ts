// `etcd` as a program: flags and ETCD_* → config → listeners → server → serve until a
// signal, logging what etcd 3.6 logs along the way, exiting with etcd's codes.
import tls from 'node:tls';
import type { Clock } from '../../platform/clock.ts';
import { FsError, isFsError, resolvePath, type FileSystem } from '../../platform/filesystem.ts';
import { NetError, type Network } from '../../platform/network.ts';
import type { Random } from '../../platform/random.ts';
import { parseEtcdConfig, type EtcdConfig } from '../config/config.ts';
import { USAGE_LINE, helpText } from '../config/help.ts';
import { formatGoDuration } from '../config/go-flags.ts';
import { Logger } from '../log.ts';
import type { PasswordHasher } from '../../platform/password-hasher.ts';
import { workerPasswordHasher } from '../../platform/worker-password-hasher.ts';
import { EtcdServer } from '../server/etcd-server.ts';
import { BootstrapPanic, walDirOf } from '../server/bootstrap.ts';
import { walExists } from '../wal/wal.ts';
import { NetworkPeerTransport, fetchClusterInfo, type PeerTlsMaterial } from '../transport/network-transport.ts';
import { listenClients, bindAddress, fmtAddr, goTlsError, type ClientEndpoints, type ClientTlsMaterial } from '../api/client-server.ts';
import { selfSignedCert } from './auto-tls.ts';
import { peerTlsLayer } from './peer-tls-layer.ts';
import { etcdReleaseFacts } from '../version/release-version.ts';
import { parseCompactionPolicy } from '../server/compactor.ts';

export interface TextSink {
  write(chunk: string | Uint8Array): void | Promise<void>;
}

export interface RunEtcdOptions {
  /** Full argv, argv[0] being the program name. */
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  fs: FileSystem;
  net: Network;
  clock: Clock;
  random: Random;
  stdout: TextSink;
  stderr: TextSink;
  /** Aborting stops the server; signal.reason may name the signal ('SIGINT', 'SIGTERM'). */
  signal: AbortSignal;
  /** The etcd version this binary reports (lessons install several). */
  version?: string;
  /** Overrides the release's Git SHA (otherwise the one of `version`'s release). */
  gitSha?: string;
  /** Called once the member serves clients (tests, lab checks). */
  onReady?: (s: EtcdServer, clients: ClientEndpoints) => void;
  /** sd_notify("READY=1") for a systemd Type=notify service; nothing outside one. */
  notifyReady?: () => void;
  /** Things a lab may want to know happened: 'etcd-started', 'etcd-leader' ({leader:'' when lost}), 'etcd-stopped'. */
  onEvent?: (type: string, data: Record<string, unknown>) => void;
  /** bcrypt for auth passwords (default: the process's shared worker thread). */
  passwordHasher?: PasswordHasher;
}

/** One worker thread for every etcd in this process (all of a lab server's learners). */
let sharedHasher: PasswordHasher | undefined;
const processPasswordHasher = (): PasswordHasher => (sharedHasher ??= workerPasswordHasher());

export const DEFAULT_VERSION = '3.6.4';
const SIGNALS: Record<string, { num: number; go: string }> = {
  SIGINT: { num: 2, go: 'interrupt' },
  SIGTERM: { num: 15, go: 'terminated' },
  SIGHUP: { num: 1, go: 'hangup' },
  SIGQUIT: { num: 3, go: 'quit' },
  SIGKILL: { num: 9, go: 'killed' },
};

/** `etcd --version`: the release, the commit it was built from and the Go that built it. */
export function versionText(version: string, gitSha?: string): string {
  const facts = etcdReleaseFacts(version);
  return `etcd Version: ${version}\nGit SHA: ${gitSha ?? facts.gitSha}\nGo Version: ${facts.goVersion}\nGo OS/Arch: linux/amd64\n`;
}

/** Go's error text for a disk or network failure. */
function goError(e: unknown): string {
  if (e instanceof FsError) return e.goMessage();
  if (e instanceof NetError) return e.goMessage();
  return e instanceof Error ? e.message : String(e);
}

export async function runEtcd(o: RunEtcdOptions): Promise<number> {
  const version = o.version ?? DEFAULT_VERSION;
  // Until the flags are read etcd logs to stderr; then to --log-outputs.
  let outputs: ((line: string) => void)[] = [(l) => void o.stderr.write(l)];
  const log = new Logger({ write: (l) => outputs.forEach((w) => w(l)) }, o.clock);
  const parsed = parseEtcdConfig(o.argv.slice(1), o.env, log, (p) => {
    try {
      return new TextDecoder().decode(o.fs.readFile(resolvePath(o.cwd, p)));
    } catch (e) {
      if (isFsError(e)) throw new Error(`open ${p}: ${e.goMessage().replace(/^.*: /, '')}`);
      throw e;
    }
  });
  switch (parsed.kind) {
    case 'help':
      // Go's flag package prints the usage (stderr) before etcd prints its flags (stdout).
      await o.stderr.write(`${USAGE_LINE}\n`);
      await o.stdout.write(helpText() + '\n');
      return 0;
    case 'version':
      await o.stdout.write(versionText(version, o.gitSha));
      return 0;
    case 'usage-error':
      await o.stderr.write(`${parsed.message}\n${USAGE_LINE}\n`);
      return 2;
    case 'fatal':
      return 1;
    case 'invalid':
      log.info('etcdmain/etcd.go:64', 'Running: ', { args: o.argv });
      log.warn('etcdmain/etcd.go:66', 'failed to verify flags', { error: parsed.message });
      if (parsed.advertiseMissing) log.warn('etcdmain/etcd.go:69', 'advertise client URLs are not set', { error: parsed.message });
      return 1;
  }
  const cfg = parsed.config;
  log.setLevel(cfg.logLevel);
  outputs = cfg.logOutputs
    .split(',')
    .filter((x) => x !== '')
    .map((target): ((line: string) => void) => {
      if (target === 'default' || target === 'stderr') return (l) => void o.stderr.write(l);
      if (target === 'stdout') return (l) => void o.stdout.write(l);
      const path = resolvePath(o.cwd, target);
      return (l) => {
        try {
          o.fs.appendFile(path, l, { mode: 0o600 });
        } catch {
          /* an unwritable log file must not stop etcd */
        }
      };
    });
  if (cfg.listenClientHttpUrls.length === 0) log.warn('embed/config.go:1209', 'Running http and grpc server on single port. This is not recommended for production.');
  log.info('etcdmain/etcd.go:64', 'Running: ', { args: o.argv });
  if (cfg.dataDirDefaulted) log.warn('etcdmain/etcd.go:93', "'data-dir' was empty; using default", { 'data-dir': cfg.dataDir });
  if (o.signal.aborted) return exitForSignal(o.signal);

  const dataDirAbs = resolvePath(o.cwd, cfg.dataDir);
  // etcd's identifyDataDirOrDie: a data dir it cannot list is fatal; a missing one is empty;
  // anything but member/ in it (a --wal-dir inside the data dir, auto-TLS fixtures) is named.
  try {
    for (const name of o.fs.readdir(dataDirAbs)) {
      if (name !== 'member' && name !== 'proxy') log.warn('etcdmain/etcd.go:239', 'found invalid file under data directory', { filename: name, 'data-dir': cfg.dataDir });
    }
  } catch (e) {
    if (isFsError(e) && e.code !== 'ENOENT') {
      log.fatal('etcdmain/etcd.go:227', 'failed to list data directory', { dir: cfg.dataDir, error: `open ${cfg.dataDir}: ${e.goMessage().replace(/^.*: /, '')}` });
      return 1;
    }
  }
  const initialized = o.fs.exists(`${dataDirAbs}/member`);
  // --wal-dir (etcd's DedicatedWALDir): the WAL lives there instead of member/wal, and a
  // member counts as initialized when that dir holds a WAL (embed's isMemberInitialized).
  const walDirAbs = cfg.walDir ? resolvePath(o.cwd, cfg.walDir) : '';
  const memberInitialized = walExists(o.fs, walDirOf(dataDirAbs, walDirAbs));
  if (initialized) log.info('etcdmain/etcd.go:104', 'server has already been initialized', { 'data-dir': cfg.dataDir, 'dir-type': 'member' });
  else log.info('etcdmain/etcd.go:122', 'Initialize and start etcd server', { 'data-dir': cfg.dataDir, 'dir-type': 'empty' });

  let peers: NetworkPeerTransport | undefined;
  let peerTls: PeerTlsMaterial | undefined;
  let clients: ClientEndpoints | undefined;
  let server: EtcdServer | undefined;
  const fail = async (msg: string, e: unknown): Promise<number> => {
    log.fatal('etcdmain/etcd.go:204', msg, { error: goError(e) });
    await shutdownQuietly(server, peers, clients);
    return 1;
  };

  try {
    for (const u of cfg.listenClientUrls) {
      if (u.scheme === 'https' && !(cfg.clientTls.certFile && cfg.clientTls.keyFile) && !cfg.clientTls.autoTls) {
        throw new Error(`TLS key/cert (--cert-file, --key-file) must be provided for client url ${u.text} with HTTPS scheme`);
      }
    }
    log.info('embed/etcd.go:140', 'configuring peer listeners', { 'listen-peer-urls': cfg.listenPeerUrls.map((u) => u.text) });
    peerTls = loadPeerTls(o.fs, o.cwd, cfg, resolvePath(o.cwd, cfg.dataDir), o.clock.now(), log);
    if (peerTls) peerTls.now = () => o.clock.now();
    for (const u of cfg.listenPeerUrls) {
      if (u.scheme === 'https' && !peerTls) throw new Error(`cannot listen on TLS for ${fmtAddr(bindAddress(u))}: KeyFile and CertFile are not presented`);
      if (u.scheme === 'http' && peerTls) log.warn('embed/etcd.go:573', 'scheme is HTTP while key and cert files are present; ignoring key and cert files', { 'peer-url': u.text });
    }
    peers = new NetworkPeerTransport({ net: o.net, clock: o.clock, log, memberId: '', clusterId: '', resolve: (h) => o.net.resolve(h), ...(peerTls ? { secure: peerTlsLayer(peerTls, log) } : {}) });
    await peers.listen(cfg.listenPeerUrls.map((u) => ({ ...bindAddress(u), secure: u.scheme === 'https' })));
    log.info('embed/etcd.go:148', 'configuring client listeners', { 'listen-client-urls': cfg.listenClientUrls.map((u) => u.text) });
    clients = await listenClients({ net: o.net, urls: cfg.listenClientUrls, httpUrls: cfg.listenClientHttpUrls, log, maxRequestBytes: cfg.maxRequestBytes });
  } catch (e) {
    return fail('discovery failed', e);
  }

  logServerStart(log, cfg, version, o.gitSha, memberInitialized, o.argv);
  const transport = peers;
  try {
    checkAuthTokenOption(cfg.authToken, log);
    touchDataDir(o.fs, dataDirAbs, cfg.dataDir, log);
    log.info('storage/backend.go:81', 'opened backend db', { path: `${cfg.dataDir}/member/snap/db`, took: '1.52ms' });
    server = await EtcdServer.start({
      name: cfg.name,
      dataDir: dataDirAbs,
      initialCluster: cfg.initialCluster,
      initialClusterString: cfg.initialClusterString,
      initialClusterState: cfg.initialClusterState,
      initialClusterToken: cfg.initialClusterToken,
      initialAdvertisePeerUrls: cfg.initialAdvertisePeerUrls.map((u) => u.text),
      advertiseClientUrls: cfg.advertiseClientUrls.map((u) => u.text),
      heartbeatMs: cfg.heartbeatMs,
      electionMs: cfg.electionMs,
      initialElectionTickAdvance: cfg.initialElectionTickAdvance,
      snapshotCount: cfg.snapshotCount,
      maxSnapshots: cfg.maxSnapshots,
      maxRequestBytes: cfg.maxRequestBytes,
      quotaBackendBytes: cfg.quotaBackendBytes,
      maxTxnOps: cfg.maxTxnOps,
      preVote: cfg.preVote,
      strictReconfigCheck: cfg.strictReconfigCheck,
      autoCompaction: parseCompactionPolicy(cfg.autoCompactionMode, cfg.autoCompactionRetention),
      version,
      fs: o.fs,
      clock: o.clock,
      random: o.random,
      logger: log,
      transport: (memberId, clusterId) => {
        transport.setIdentity(memberId, clusterId);
        return transport;
      },
      fetchCluster: (urls) => fetchClusterInfo(o.net, urls, (h) => o.net.resolve(h), peerTls && peerTlsLayer(peerTls, log)),
      resolve: (h) => o.net.resolve(h),
      walDir: walDirAbs,
      walDirShown: cfg.walDir,
      bcryptCost: cfg.bcryptCost,
      passwordHasher: o.passwordHasher ?? processPasswordHasher(),
      authTokenTtlMs: cfg.authTokenTtl * 1000,
    });
  } catch (e) {
    if (e instanceof BootstrapPanic) {
      // zap's Panic: the line at panic level, then Go's panic on stderr; exit status 2.
      log.log('panic', e.caller, e.message, { error: e.detail });
      await o.stderr.write(`panic: ${e.message}\n\ngoroutine 1 [running]:\n`);
      await shutdownQuietly(server, peers, clients);
      return 2;
    }
    // etcdmain's special case for bootstrap errors that mention both words; all else is fatal.
    const text = goError(e);
    if (text.includes('include') && text.includes('--initial-cluster')) {
      log.warn('etcdmain/etcd.go:163', 'failed to start', { error: text });
      if (!cfg.explicitlySet.has('initial-cluster')) log.warn('etcdmain/etcd.go:165', 'forgot to set --initial-cluster?');
      if (!cfg.explicitlySet.has('initial-advertise-peer-urls')) log.warn('etcdmain/etcd.go:168', 'forgot to set --initial-advertise-peer-urls?');
      await shutdownQuietly(server, peers, clients);
      return 1;
    }
    return fail('discovery failed', e);
  }
  const srv = server;
  peers.setIdentity(srv.memberId, srv.cluster.clusterId, () => ({ clusterId: srv.cluster.clusterId, members: srv.cluster.list() }));
  srv.onLeaderChange((leader, term) => o.onEvent?.('etcd-leader', { name: cfg.name, memberId: srv.memberId, leader, term }));
  log.info('embed/etcd.go:300', 'now serving peer/client/metrics', {
    'local-member-id': srv.memberId,
    'initial-advertise-peer-urls': cfg.initialAdvertisePeerUrls.map((u) => u.text),
    'listen-peer-urls': cfg.listenPeerUrls.map((u) => u.text),
    'advertise-client-urls': cfg.advertiseClientUrls.map((u) => u.text),
    'listen-client-urls': cfg.listenClientUrls.map((u) => u.text),
    'listen-metrics-urls': [],
  });
  for (const a of peers.addresses) log.info('embed/etcd.go:640', 'serving peer traffic', { address: fmtAddr(a) });

  // Serve until ready or stopped.
  const stopped = new Promise<string>((resolve) => {
    srv.onStopped(resolve);
    o.signal.addEventListener('abort', () => resolve('signal'), { once: true });
    if (o.signal.aborted) resolve('signal');
  });
  const readyOrStop = await Promise.race([srv.readyNotify().then(() => 'ready'), stopped]);
  if (readyOrStop === 'ready') {
    log.info('etcdserver/server.go:2150', 'setting up initial cluster version using v3 API', { 'cluster-version': version.replace(/^(\d+\.\d+).*/, '$1') });
    log.info('membership/cluster.go:674', 'set initial cluster version', { 'cluster-id': srv.cluster.clusterId, 'local-member-id': srv.memberId, 'cluster-version': version.replace(/^(\d+\.\d+).*/, '$1') });
    log.info('api/capability.go:76', 'enabled capabilities for version', { 'cluster-version': version.replace(/^(\d+\.\d+).*/, '$1') });
    log.info('embed/serve.go:138', 'ready to serve client requests');
    log.info('etcdmain/main.go:44', 'notifying init daemon');
    o.notifyReady?.();
    log.info('etcdmain/main.go:50', 'successfully notified init daemon');
    let material: ClientTlsMaterial | undefined;
    const secure = cfg.listenClientUrls.some((u) => u.scheme === 'https');
    if (secure) {
      try {
        material = loadClientTls(o.fs, o.cwd, cfg, dataDirAbs, o.clock.now(), log);
        log.info('embed/etcd.go:790', 'starting with client TLS', {
          'tls-info': `cert = ${cfg.clientTls.certFile}, key = ${cfg.clientTls.keyFile}, client-cert=, client-key=, trusted-ca = ${cfg.clientTls.trustedCaFile}, client-cert-auth = ${cfg.clientTls.clientCertAuth}, crl-file = `,
          'cipher-suites': [],
        });
        material.now = () => o.clock.now();
        clients.attach(srv, material);
      } catch (e) {
        return fail('listener failed', e);
      }
    } else clients.attach(srv);
    // With --listen-client-http-urls, etcd splits: gRPC on the client URLs, HTTP on those.
    const split = cfg.listenClientHttpUrls.length > 0;
    const served = [...cfg.listenClientUrls.map((u) => ({ u, traffic: split ? 'grpc' : 'grpc+http' })), ...cfg.listenClientHttpUrls.map((u) => ({ u, traffic: 'http' }))];
    for (const { u, traffic } of served) {
      const address = fmtAddr(bindAddress(u));
      if (u.scheme === 'https') log.info('embed/serve.go:283', 'serving client traffic securely', { traffic, address });
      else log.info('embed/serve.go:220', 'serving client traffic insecurely; this is strongly discouraged!', { traffic, address });
    }
    o.onEvent?.('etcd-started', { name: cfg.name, memberId: srv.memberId, clusterId: srv.cluster.clusterId, clientUrls: cfg.listenClientUrls.map((u) => u.text), tls: secure });
    o.onReady?.(srv, clients);
  }
  const why = await stopped;
  if (why === 'signal' && String(o.signal.reason) === 'SIGKILL') {
    // kill -9: no goodbye, no leadership transfer, nothing more written.
    await shutdownQuietly(srv, peers, clients);
    return 137;
  }
  if (why === 'removed' || why === 'fatal') {
    await shutdownQuietly(srv, peers, clients);
    return 1;
  }
  const sig = SIGNALS[String(o.signal.reason)] ?? SIGNALS['SIGTERM']!;
  log.info('osutil/interrupt_unix.go:64', 'received signal; shutting down', { signal: sig.go });
  const closeFields = {
    name: cfg.name,
    'data-dir': cfg.dataDir,
    'advertise-peer-urls': cfg.initialAdvertisePeerUrls.map((u) => u.text),
    'advertise-client-urls': cfg.advertiseClientUrls.map((u) => u.text),
  };
  log.info('embed/etcd.go:408', 'closing etcd server', closeFields);
  await srv.stop();
  await clients.close();
  for (const a of peers.addresses) log.info('embed/etcd.go:613', 'stopping serving peer traffic', { address: fmtAddr(a) });
  peers.close();
  for (const a of peers.addresses) log.info('embed/etcd.go:620', 'stopped serving peer traffic', { address: fmtAddr(a) });
  log.info('embed/etcd.go:412', 'closed etcd server', closeFields);
  o.onEvent?.('etcd-stopped', { name: cfg.name, memberId: srv.memberId, signal: sig.go });
  return 128 + sig.num;
}

function exitForSignal(signal: AbortSignal): number {
  return 128 + (SIGNALS[String(signal.reason)]?.num ?? 15);
}

async function shutdownQuietly(server: EtcdServer | undefined, peers: NetworkPeerTransport | undefined, clients: ClientEndpoints | undefined): Promise<void> {
  try {
    await server?.stop('fatal');
  } catch {
    /* already failing */
  }
  peers?.close();
  await clients?.close().catch(() => {});
}

/** etcd creates the data dir (0700) before anything else; a permission problem stops it here. */
function touchDataDir(fs: FileSystem, abs: string, shown: string, log: Logger): void {
  try {
    if (fs.exists(abs)) {
      const mode = fs.stat(abs).mode & 0o777;
      if (mode !== 0o700) {
        log.warn('fileutil/fileutil.go:56', 'check file permission', {
          error: `directory ${JSON.stringify(shown)} exist, but the permission is ${JSON.stringify('d' + goPerm(mode))}. The recommended permission is "-rwx------" to prevent possible unprivileged access to the data`,
        });
      }
    } else fs.mkdir(abs, { recursive: true, mode: 0o700 });
    // etcd's IsDirWriteable: create and remove a probe file.
    try {
      fs.writeFile(`${abs}/.touch`, '', { mode: 0o644 });
      fs.unlink(`${abs}/.touch`);
    } catch (e) {
      if (isFsError(e)) throw new Error(`cannot access data directory: open ${shown}/.touch: ${e.goMessage().replace(/^.*: /, '')}`);
      throw e;
    }
    const parent = abs.slice(0, abs.lastIndexOf('/')) || '/';
    fs.fsync(parent);
  } catch (e) {
    if (isFsError(e)) throw new Error(`cannot access data directory: mkdir ${shown}: ${e.goMessage().replace(/^.*: /, '')}`);
    throw e;
  }
}

/** Go's FileMode permission string: rwxr-xr-x. */
function goPerm(mode: number): string {
  const bits = 'rwxrwxrwx';
  return [...bits].map((c, i) => (mode & (1 << (8 - i)) ? c : '-')).join('');
}

function loadClientTls(fs: FileSystem, cwd: string, cfg: EtcdConfig, dataDirAbs: string, nowMs: number, log: Logger): ClientTlsMaterial {
  if (cfg.clientTls.autoTls && !(cfg.clientTls.certFile && cfg.clientTls.keyFile)) {
    const hosts = cfg.advertiseClientUrls.map((u) => u.host);
    const { cert, key } = selfSignedCert(fs, `${dataDirAbs}/fixtures/client`, hosts, cfg.selfSignedCertValidity, nowMs, log, `${cfg.dataDir}/fixtures/client`);
    return { cert, key, clientCertAuth: false };
  }
  const read = (p: string): Uint8Array => {
    try {
      return fs.readFile(resolvePath(cwd, p));
    } catch (e) {
      if (isFsError(e)) throw new Error(`open ${p}: ${e.goMessage().replace(/^.*: /, '')}`);
      throw e;
    }
  };
  const material: ClientTlsMaterial = { cert: read(cfg.clientTls.certFile), key: read(cfg.clientTls.keyFile), clientCertAuth: cfg.clientTls.clientCertAuth };
  if (cfg.clientTls.trustedCaFile) material.ca = read(cfg.clientTls.trustedCaFile);
  checkKeyPair(material);
  return material;
}

/** --peer-cert-file & co (or --peer-auto-tls); undefined when peer TLS is not configured. */
function loadPeerTls(fs: FileSystem, cwd: string, cfg: EtcdConfig, dataDirAbs: string, nowMs: number, log: Logger): PeerTlsMaterial | undefined {
  const t = cfg.peerTls;
  const read = (p: string): Uint8Array => {
    try {
      return fs.readFile(resolvePath(cwd, p));
    } catch (e) {
      if (isFsError(e)) throw new Error(`open ${p}: ${e.goMessage().replace(/^.*: /, '')}`);
      throw e;
    }
  };
  let m: PeerTlsMaterial | undefined;
  if (t.certFile && t.keyFile) {
    m = { cert: read(t.certFile), key: read(t.keyFile), clientCertAuth: t.clientCertAuth, goError: goTlsError };
    if (t.trustedCaFile) m.ca = read(t.trustedCaFile);
    checkKeyPair({ cert: m.cert, key: m.key, clientCertAuth: false });
  } else if (t.autoTls) {
    const hosts = cfg.initialAdvertisePeerUrls.map((u) => u.host);
    const { cert, key } = selfSignedCert(fs, `${dataDirAbs}/fixtures/peer`, hosts, cfg.selfSignedCertValidity, nowMs, log, `${cfg.dataDir}/fixtures/peer`);
    m = { cert, key, clientCertAuth: false, goError: goTlsError };
  }
  if (m) {
    log.info('embed/etcd.go:544', 'starting with peer TLS', {
      'tls-info': `cert = ${t.certFile}, key = ${t.keyFile}, client-cert=, client-key=, trusted-ca = ${t.trustedCaFile}, client-cert-auth = ${t.clientCertAuth}, crl-file = `,
      'cipher-suites': [],
    });
  }
  return m;
}

/** Go's tls.X509KeyPair errors for unusable PEM files. */
function checkKeyPair(m: ClientTlsMaterial): void {
  const cert = Buffer.from(m.cert).toString('utf8');
  const key = Buffer.from(m.key).toString('utf8');
  if (!/-----BEGIN CERTIFICATE-----/.test(cert)) throw new Error('tls: failed to find any PEM data in certificate input');
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) throw new Error('tls: failed to find any PEM data in key input');
  try {
    tls.createSecureContext({ cert: Buffer.from(m.cert), key: Buffer.from(m.key) });
  } catch (e) {
    const msg = (e as Error).message;
    if (/key values mismatch|KEY_VALUES_MISMATCH/i.test(msg + ((e as { code?: string }).code ?? ''))) throw new Error('tls: private key does not match public key');
    throw new Error(`tls: ${msg}`);
  }
}

/** `initialized`: the member has a WAL (in --wal-dir when given). */
function logServerStart(log: Logger, cfg: EtcdConfig, version: string, gitSha: string | undefined, initialized: boolean, argv: string[]): void {
  void argv;
  log.info('embed/etcd.go:310', 'starting an etcd server', {
    'etcd-version': version,
    'git-sha': gitSha ?? etcdReleaseFacts(version).gitSha,
    'go-version': etcdReleaseFacts(version).goVersion,
    'go-os': 'linux',
    'go-arch': 'amd64',
    'max-cpu-set': 2,
    'max-cpu-available': 2,
    'member-initialized': initialized,
    name: cfg.name,
    'data-dir': cfg.dataDir,
    'wal-dir': cfg.walDir,
    'wal-dir-dedicated': cfg.walDir,
    'member-dir': `${cfg.dataDir}/member`,
    'force-new-cluster': cfg.forceNewCluster,
    'heartbeat-interval': formatGoDuration(cfg.heartbeatMs),
    'election-timeout': formatGoDuration(cfg.electionMs),
    'initial-election-tick-advance': cfg.initialElectionTickAdvance,
    'snapshot-count': cfg.snapshotCount,
    'max-wals': cfg.maxWals,
    'max-snapshots': cfg.maxSnapshots,
    'snapshot-catchup-entries': 5000,
    'initial-advertise-peer-urls': cfg.initialAdvertisePeerUrls.map((u) => u.text),
    'listen-peer-urls': cfg.listenPeerUrls.map((u) => u.text),
    'advertise-client-urls': cfg.advertiseClientUrls.map((u) => u.text),
    'listen-client-urls': cfg.listenClientUrls.map((u) => u.text),
    'listen-metrics-urls': [],
    'experimental-local-address': '',
    'cors': ['*'],
    'host-whitelist': ['*'],
    // Both are only read for a member without a WAL (embed.StartEtcd's PeerURLsMapAndToken).
    'initial-cluster': initialized ? '' : cfg.initialClusterString,
    'initial-cluster-state': cfg.initialClusterState,
    'initial-cluster-token': initialized ? '' : cfg.initialClusterToken,
    'quota-backend-bytes': cfg.quotaBackendBytes || 2147483648,
    'max-request-bytes': cfg.maxRequestBytes,
    'max-concurrent-streams': 4294967295,
    'pre-vote': cfg.preVote,
    'initial-corrupt-check': false,
    'corrupt-check-time-interval': '0s',
    'compact-check-time-interval': '1m0s',
    'auto-compaction-mode': cfg.autoCompactionMode,
    'auto-compaction-retention': cfg.autoCompactionRetention === '0' ? '0s' : /^\d+$/.test(cfg.autoCompactionRetention) && cfg.autoCompactionMode === 'periodic' ? `${cfg.autoCompactionRetention}h0m0s` : cfg.autoCompactionRetention,
    'auto-compaction-interval': '0s',
    'discovery-url': '',
    'discovery-proxy': '',
    'discovery-token': '',
    'discovery-endpoints': '',
    'discovery-dial-timeout': '2s',
    'discovery-request-timeout': '5s',
    'discovery-keepalive-time': '2s',
    'discovery-keepalive-timeout': '6s',
    'discovery-insecure-transport': true,
    'discovery-insecure-skip-tls-verify': false,
    'discovery-cert': '',
    'discovery-key': '',
    'discovery-cacert': '',
    'discovery-user': '',
    'downgrade-check-interval': '5s',
    'max-learners': 1,
    'v2-deprecation': 'write-only',
  });
}

/**
 * etcd makes its token provider from --auth-token while the server is created, and stops if
 * it cannot. Only simple tokens exist here: jwt (signed with keys given in its options) is
 * refused in so many words rather than silently served as simple tokens.
 */
function checkAuthTokenOption(authToken: string, log: Logger): void {
  const type = authToken.split(',')[0]!;
  if (type === 'simple' || type === '') return;
  const error = type === 'jwt' ? "auth: jwt tokens are not supported by this lab's etcd (use --auth-token=simple)" : 'auth: invalid auth options';
  if (type !== 'jwt') log.warn('auth/store.go:1149', 'unknown token type', { type, error });
  log.warn('etcdserver/bootstrap.go:362', 'failed to create token provider', { error });
  throw new Error(error);
}
