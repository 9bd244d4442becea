// etcd's configuration from argv and ETCD_* variables, with etcd's precedence, defaults,
// derived values (data dir from the name, initial cluster from the name) and errors.
import { parseGoFlags, setFlagValue, parseGoDuration, type FlagDef } from './go-flags.ts';
import { ETCD_FLAGS, DEFAULT_INITIAL_CLUSTER, DEFAULT_NAME } from './flags.ts';
import { parseUrls, parseUrlsMap, type ParsedUrl } from '../types/urls.ts';
import { isLogLevel, type LogLevel, type Logger } from '../log.ts';
import { configFileToFlags, parseYamlMap, YamlError } from './yaml-config.ts';

export interface TlsConfig {
  certFile: string;
  keyFile: string;
  trustedCaFile: string;
  clientCertAuth: boolean;
  autoTls: boolean;
}

export interface EtcdConfig {
  name: string;
  dataDir: string;
  /** True when --data-dir was not given and the default `${name}.etcd` is used. */
  dataDirDefaulted: boolean;
  walDir: string;
  listenPeerUrls: ParsedUrl[];
  listenClientUrls: ParsedUrl[];
  listenClientHttpUrls: ParsedUrl[];
  advertiseClientUrls: ParsedUrl[];
  initialAdvertisePeerUrls: ParsedUrl[];
  /** name → peer URLs. */
  initialCluster: Map<string, ParsedUrl[]>;
  initialClusterString: string;
  initialClusterState: 'new' | 'existing';
  initialClusterToken: string;
  heartbeatMs: number;
  electionMs: number;
  initialElectionTickAdvance: boolean;
  snapshotCount: number;
  maxSnapshots: number;
  maxWals: number;
  maxRequestBytes: number;
  maxTxnOps: number;
  /** --auth-token: the token type and its options ('simple', 'jwt,…'). */
  authToken: string;
  bcryptCost: number;
  /** --auth-token-ttl, seconds. */
  authTokenTtl: number;
  quotaBackendBytes: number;
  strictReconfigCheck: boolean;
  preVote: boolean;
  forceNewCluster: boolean;
  autoCompactionMode: string;
  autoCompactionRetention: string;
  clientTls: TlsConfig;
  peerTls: TlsConfig;
  selfSignedCertValidity: number;
  logLevel: LogLevel;
  logger: string;
  logOutputs: string;
  /** Flags given on the command line or through ETCD_* (etcd's FlagsExplicitlySet). */
  explicitlySet: Set<string>;
  /** Every flag value as a string, by flag name. */
  raw: Map<string, string>;
}

export type ParseOutcome =
  | { kind: 'ok'; config: EtcdConfig }
  /** -h/--help: print the help text on stdout, exit 0. */
  | { kind: 'help' }
  | { kind: 'version' }
  /** Go flag error: print message and usage on stderr, exit 2. */
  | { kind: 'usage-error'; message: string }
  /** Config invalid: etcd logs "failed to verify flags" and exits 1. */
  | { kind: 'invalid'; message: string; advertiseMissing?: boolean }
  /** Already logged at fatal level: exit 1. */
  | { kind: 'fatal' };

export const envKeyForFlag = (name: string): string => 'ETCD_' + name.toUpperCase().replace(/-/g, '_');

const DEPRECATED: Record<string, string> = {
  'snapshot-count': '--snapshot-count is deprecated in 3.6 and will be decommissioned in 3.7.',
  'max-snapshots': '--max-snapshots is deprecated in 3.6 and will be decommissioned in 3.7.',
  'v2-deprecation': '--v2-deprecation is deprecated and scheduled for removal in v3.8. The default value is enforced, ignoring user input.',
};

const CALLER_FLAGS = 'flags/flag.go:113';

/**
 * Parses like etcdmain: flags, then ETCD_* for flags not given (a flag given both ways is
 * fatal), then validation. Log lines etcd writes while parsing go to `log`.
 */
export function parseEtcdConfig(argv: string[], env: Record<string, string>, log: Logger, readFile?: (path: string) => string): ParseOutcome {
  const flags = parseGoFlags(ETCD_FLAGS, argv);
  if (!flags.ok) return flags.help ? { kind: 'help' } : { kind: 'usage-error', message: flags.message };
  if (flags.args.length > 0) return { kind: 'invalid', message: `${JSON.stringify(flags.args[0])} is not a valid flag` };
  const { values, set } = flags;
  if (values.get('version') === 'true') return { kind: 'version' };

  const configFile = values.get('config-file') || env['ETCD_CONFIG_FILE'] || '';
  if (configFile !== '') return fromConfigFile(configFile, readFile, log);

  if (env['ETCD_VERSION']) {
    log.warn('etcdmain/config.go:296', 'cannot set special environment variable', { key: 'ETCD_VERSION', value: env['ETCD_VERSION'] });
  }
  // ETCD_* for every flag not given on the command line.
  const used = new Set<string>();
  const alreadySet = new Set([...set].map(envKeyForFlag));
  const explicitlySet = new Set(set);
  for (const def of ETCD_FLAGS) {
    const key = envKeyForFlag(def.name);
    if (alreadySet.has(key) || key === 'ETCD_VERSION') continue;
    const val = env[key];
    if (val === undefined || val === '') continue;
    used.add(key);
    try {
      values.set(def.name, setFlagValue(def as FlagDef, val));
    } catch (e) {
      return { kind: 'invalid', message: `invalid value ${JSON.stringify(val)} for ${key}: ${(e as Error).message}` };
    }
    explicitlySet.add(def.name);
    log.info(CALLER_FLAGS, 'recognized and used environment variable', { 'variable-name': key, 'variable-value': val });
  }
  for (const [key, val] of Object.entries(env)) {
    if (used.has(key)) continue;
    if (alreadySet.has(key)) {
      log.fatal('flags/flag.go:96', 'conflicting environment variable is shadowed by corresponding command-line flag (either unset environment variable or disable flag))', {
        'environment-variable': key,
      });
      return { kind: 'fatal' };
    }
    if (key.startsWith('ETCD_') && key !== 'ETCD_VERSION' && key !== 'ETCD_CONFIG_FILE') {
      log.warn('flags/flag.go:101', 'unrecognized environment variable', { 'environment-variable': `${key}=${val}` });
    }
  }
  for (const name of explicitlySet) {
    const msg = DEPRECATED[name];
    if (msg) log.warn('etcdmain/config.go:268', msg);
  }
  try {
    return { kind: 'ok', config: buildConfig(values, explicitlySet) };
  } catch (e) {
    const err = e as Error & { advertiseMissing?: boolean };
    return err.advertiseMissing ? { kind: 'invalid', message: err.message, advertiseMissing: true } : { kind: 'invalid', message: err.message };
  }
}

/** --config-file: the file's keys replace flags and ETCD_* entirely, as in etcd. */
function fromConfigFile(path: string, readFile: ((path: string) => string) | undefined, log: Logger): ParseOutcome {
  let text: string;
  try {
    if (!readFile) throw new Error(`open ${path}: no such file or directory`);
    text = readFile(path);
  } catch (e) {
    return { kind: 'invalid', message: (e as Error).message };
  }
  const values = new Map<string, string>();
  for (const d of ETCD_FLAGS) values.set(d.name, d.def);
  const explicitlySet = new Set<string>();
  try {
    const byName = new Map(ETCD_FLAGS.map((d) => [d.name, d]));
    for (const [k, v] of configFileToFlags(parseYamlMap(text))) {
      const def = byName.get(k);
      if (!def) continue; // yaml.Unmarshal ignores fields it does not know
      values.set(k, setFlagValue(def, v));
      explicitlySet.add(k);
    }
  } catch (e) {
    return { kind: 'invalid', message: e instanceof YamlError ? e.message : `error unmarshaling JSON: ${(e as Error).message}` };
  }
  log.info('etcdmain/config.go:171', 'loaded server configuration, other configuration command line flags and environment variables will be ignored if provided', { path });
  try {
    return { kind: 'ok', config: buildConfig(values, explicitlySet, true) };
  } catch (e) {
    const err = e as Error & { advertiseMissing?: boolean };
    return err.advertiseMissing ? { kind: 'invalid', message: err.message, advertiseMissing: true } : { kind: 'invalid', message: err.message };
  }
}

function buildConfig(v: Map<string, string>, explicitlySet: Set<string>, fromFile = false): EtcdConfig {
  const str = (k: string): string => v.get(k) ?? '';
  const num = (k: string): number => Number(str(k));
  const bool = (k: string): boolean => str(k) === 'true';
  const urlsOf = (k: string): ParsedUrl[] => (str(k) === '' ? [] : parseUrls(str(k), true));

  const name = str('name');
  const listenClientUrls = urlsOf('listen-client-urls');
  let advertiseClientUrls = urlsOf('advertise-client-urls');
  // etcd drops the default advertise URL once listen-client-urls is set explicitly.
  if (!fromFile && explicitlySet.has('listen-client-urls') && !explicitlySet.has('advertise-client-urls')) advertiseClientUrls = [];
  const initialAdvertisePeerUrls = urlsOf('initial-advertise-peer-urls');
  let initialClusterString = str('initial-cluster');
  if (name !== DEFAULT_NAME && initialClusterString === DEFAULT_INITIAL_CLUSTER) {
    initialClusterString = initialAdvertisePeerUrls.map((u) => `${name || DEFAULT_NAME}=${u.text}`).join(',');
  }

  const logLevel = str('log-level');
  if (str('logger') === 'capnslog') throw new Error('--logger=capnslog is removed in v3.5');
  if (str('logger') !== 'zap') throw new Error(`unknown logger option ${JSON.stringify(str('logger'))}`);
  if (!isLogLevel(logLevel)) throw new Error(`unknown level ${JSON.stringify(logLevel)}`);
  for (const k of ['listen-peer-urls', 'listen-client-urls', 'listen-client-http-urls', 'listen-metrics-urls']) checkBindUrls(urlsOf(k));

  const heartbeatMs = num('heartbeat-interval');
  const electionMs = num('election-timeout');
  if (heartbeatMs === 0) throw new Error(`--heartbeat-interval must be >0 (set to ${heartbeatMs}ms)`);
  if (electionMs === 0) throw new Error(`--election-timeout must be >0 (set to ${electionMs}ms)`);
  if (5 * heartbeatMs > electionMs) {
    throw new Error(`--election-timeout[${electionMs}ms] should be at least as 5 times as --heartbeat-interval[${heartbeatMs}ms]`);
  }
  if (electionMs > 50000) throw new Error(`--election-timeout[${electionMs}ms] is too long, and should be set less than 50000ms`);
  if (listenClientUrls.length > 0 && advertiseClientUrls.length === 0) {
    throw Object.assign(new Error('--advertise-client-urls is required when --listen-client-urls is set explicitly'), { advertiseMissing: true });
  }
  if (str('discovery-fallback') === 'proxy') throw new Error('v2 proxy is deprecated, and --discovery-fallback can\'t be configured as "proxy"');
  const initialCluster = parseUrlsMap(initialClusterString);
  parseGoDuration(str('backend-batch-interval'));

  const tls = (prefix: string): TlsConfig => ({
    certFile: str(`${prefix}cert-file`),
    keyFile: str(`${prefix}key-file`),
    trustedCaFile: str(`${prefix}trusted-ca-file`),
    clientCertAuth: bool(`${prefix}client-cert-auth`),
    autoTls: bool(`${prefix}auto-tls`),
  });

  const dataDir = str('data-dir');
  return {
    name,
    dataDir: dataDir === '' ? `${name}.etcd` : dataDir,
    dataDirDefaulted: dataDir === '',
    walDir: str('wal-dir'),
    listenPeerUrls: urlsOf('listen-peer-urls'),
    listenClientUrls,
    listenClientHttpUrls: urlsOf('listen-client-http-urls'),
    advertiseClientUrls,
    initialAdvertisePeerUrls,
    initialCluster,
    initialClusterString,
    initialClusterState: str('initial-cluster-state') === 'existing' ? 'existing' : 'new',
    initialClusterToken: str('initial-cluster-token'),
    heartbeatMs,
    electionMs,
    initialElectionTickAdvance: bool('initial-election-tick-advance'),
    snapshotCount: num('snapshot-count'),
    maxSnapshots: num('max-snapshots'),
    maxWals: num('max-wals'),
    maxRequestBytes: num('max-request-bytes'),
    maxTxnOps: num('max-txn-ops'),
    authToken: str('auth-token'),
    bcryptCost: num('bcrypt-cost'),
    authTokenTtl: num('auth-token-ttl'),
    quotaBackendBytes: num('quota-backend-bytes'),
    strictReconfigCheck: bool('strict-reconfig-check'),
    preVote: bool('pre-vote'),
    forceNewCluster: bool('force-new-cluster'),
    autoCompactionMode: str('auto-compaction-mode'),
    autoCompactionRetention: str('auto-compaction-retention'),
    clientTls: { ...tls(''), autoTls: bool('auto-tls') },
    peerTls: { ...tls('peer-'), clientCertAuth: bool('peer-client-cert-auth'), autoTls: bool('peer-auto-tls') },
    selfSignedCertValidity: num('self-signed-cert-validity'),
    logLevel,
    logger: str('logger'),
    logOutputs: str('log-outputs'),
    explicitlySet,
    raw: new Map(v),
  };
}

function checkBindUrls(urls: ParsedUrl[]): void {
  for (const u of urls) {
    if (u.scheme === 'unix' || u.scheme === 'unixs') continue;
    if (u.host === 'localhost') continue;
    if (!isIp(u.host)) throw new Error(`expected IP in URL for binding (${u.text})`);
  }
}

export function isIp(host: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(host)) return host.split('.').every((p) => Number(p) <= 255);
  return /^[0-9a-fA-F:]+$/.test(host) && host.includes(':');
}

/** The checks etcd runs before bootstrapping a new member (config.VerifyBootstrap). */
export function verifyBootstrap(cfg: EtcdConfig): void {
  hasLocalMember(cfg);
  const mine = (cfg.initialCluster.get(cfg.name) ?? []).map((u) => u.text).sort();
  const advertised = cfg.initialAdvertisePeerUrls.map((u) => u.text).sort();
  if (mine.join(',') !== advertised.join(',')) {
    const missing = mine.filter((u) => !advertised.includes(u));
    if (missing.length > 0) {
      throw new Error(
        `--initial-cluster has ${missing.map((m) => `${cfg.name}=${m}`).join(',')} but missing from --initial-advertise-peer-urls=${advertised.join(',')} (resolved urls: ${JSON.stringify(advertised.join(','))} != ${JSON.stringify(mine.join(','))})`,
      );
    }
    const extra = advertised.filter((u) => !mine.includes(u));
    throw new Error(
      `--initial-advertise-peer-urls has ${extra.join(',')} but missing from --initial-cluster=${cfg.initialClusterString} (resolved urls: ${JSON.stringify(advertised.join(','))} != ${JSON.stringify(mine.join(','))})`,
    );
  }
  const seen = new Set<string>();
  for (const urls of cfg.initialCluster.values()) {
    for (const u of urls) {
      if (seen.has(u.text)) throw new Error(`initial cluster ${cfg.initialClusterString} has duplicate url`);
      seen.add(u.text);
    }
  }
}

export function hasLocalMember(cfg: EtcdConfig): void {
  if (!cfg.initialCluster.has(cfg.name)) throw new Error(`couldn't find local name ${JSON.stringify(cfg.name)} in the initial cluster configuration`);
}

/** etcd's request timeout: 5s plus 2 × election timeout. */
export function requestTimeoutMs(cfg: Pick<EtcdConfig, 'electionMs'>): number {
  return 5000 + 2 * cfg.electionMs;
}
