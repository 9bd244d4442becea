// The flags etcd 3.6 accepts, with its names and defaults. Flags the lab does not act on are
// still accepted (so real command lines and /etc/default/etcd files work) and noted as such.
import type { FlagDef } from './go-flags.ts';
import { parseUrls } from '../types/urls.ts';

const urls = (v: string): string => {
  parseUrls(v);
  return v;
};
const selective =
  (...valid: string[]) =>
  (v: string): string => {
    if (!valid.includes(v)) throw new Error(`invalid value ${JSON.stringify(v)}`);
    return v;
  };

const s = (name: string, def: string, help: string, validate?: (v: string) => string): FlagDef => ({ name, kind: 'string', def, help, validate });
const b = (name: string, def: boolean, help: string): FlagDef => ({ name, kind: 'bool', def: String(def), help });
const u = (name: string, def: number | string, help: string): FlagDef => ({ name, kind: 'uint', def: String(def), help });
const i64 = (name: string, def: number, help: string): FlagDef => ({ name, kind: 'int', def: String(def), help });
const d = (name: string, def: string, help: string): FlagDef => ({ name, kind: 'duration', def, help });

export const DEFAULT_NAME = 'default';
export const DEFAULT_INITIAL_CLUSTER = 'default=http://localhost:2380';

export const ETCD_FLAGS: FlagDef[] = [
  // member
  s('name', DEFAULT_NAME, 'Human-readable name for this member.'),
  s('data-dir', '', 'Path to the data directory.'),
  s('wal-dir', '', 'Path to the dedicated wal directory.'),
  u('snapshot-count', 10000, 'Number of committed transactions to trigger a snapshot to disk.'),
  u('heartbeat-interval', 100, 'Time (in milliseconds) of a heartbeat interval.'),
  u('election-timeout', 1000, 'Time (in milliseconds) for an election to timeout.'),
  b('initial-election-tick-advance', true, 'Whether to fast-forward initial election ticks on boot for faster election.'),
  s('listen-peer-urls', 'http://localhost:2380', 'List of URLs to listen on for peer traffic.', urls),
  s('listen-client-urls', 'http://localhost:2379', 'List of URLs to listen on for client traffic.', urls),
  s('listen-client-http-urls', '', 'List of URLs to listen on for http only client traffic.', (v) => (v === '' ? v : urls(v))),
  s('listen-metrics-urls', '', 'List of URLs to listen on for the metrics and health endpoints.', (v) => (v === '' ? v : urls(v))),
  u('max-snapshots', 5, 'Maximum number of snapshot files to retain (0 is unlimited).'),
  u('max-wals', 5, 'Maximum number of wal files to retain (0 is unlimited).'),
  i64('quota-backend-bytes', 0, 'Sets the maximum size (in bytes) that the etcd backend database may consume.'),
  s('backend-bbolt-freelist-type', 'map', 'BackendFreelistType specifies the type of freelist that boltdb backend uses.'),
  d('backend-batch-interval', '0s', 'BackendBatchInterval is the maximum time before commit the backend transaction.'),
  i64('backend-batch-limit', 0, 'BackendBatchLimit is the maximum operations before commit the backend transaction.'),
  u('max-txn-ops', 128, 'Maximum number of operations permitted in a transaction.'),
  u('max-request-bytes', 1572864, 'Maximum client request size in bytes the server will accept.'),
  s('max-concurrent-streams', '4294967295', 'Maximum concurrent streams that each client can open at a time.'),
  d('grpc-keepalive-min-time', '5s', 'Minimum duration interval that a client should wait before pinging server.'),
  d('grpc-keepalive-interval', '2h', 'Frequency duration of server-to-client ping to check if a connection is alive.'),
  d('grpc-keepalive-timeout', '20s', 'Additional duration of wait before closing a non-responsive connection.'),
  b('socket-reuse-port', false, 'Enable to set socket option SO_REUSEPORT on listeners.'),
  b('socket-reuse-address', false, 'Enable to set socket option SO_REUSEADDR on listeners.'),
  b('enable-grpc-gateway', true, 'Enable GRPC gateway.'),
  d('raft-read-timeout', '5s', 'Read timeout set on each rafthttp connection'),
  d('raft-write-timeout', '5s', 'Write timeout set on each rafthttp connection'),
  s('feature-gates', '', 'A set of key=value pairs that describe server level feature gates.'),
  b('memory-mlock', false, 'Enable to enforce etcd pages to stay in RAM.'),
  // clustering
  s('initial-advertise-peer-urls', 'http://localhost:2380', "List of this member's peer URLs to advertise to the rest of the cluster.", urls),
  s('initial-cluster', DEFAULT_INITIAL_CLUSTER, 'Initial cluster configuration for bootstrapping.'),
  s('initial-cluster-state', 'new', "Initial cluster state ('new' or 'existing').", selective('new', 'existing')),
  s('initial-cluster-token', 'etcd-cluster', 'Initial cluster token for the etcd cluster during bootstrap.'),
  s('advertise-client-urls', 'http://localhost:2379', "List of this member's client URLs to advertise to the public.", (v) => (v === '' ? v : urls(v))),
  s('discovery', '', 'Discovery URL used to bootstrap the cluster for v2 discovery.'),
  s('discovery-fallback', 'exit', 'Valid values include ["exit" "proxy"]', selective('exit', 'proxy')),
  s('discovery-proxy', '', 'HTTP proxy to use for traffic to discovery service.'),
  s('discovery-srv', '', 'DNS domain used to bootstrap initial cluster.'),
  s('discovery-srv-name', '', 'Service name to query when using DNS discovery.'),
  s('discovery-token', '', 'V3 discovery: discovery token for the etcd cluster to be bootstrapped.'),
  s('discovery-endpoints', '', 'V3 discovery: List of gRPC endpoints of the discovery service.'),
  b('strict-reconfig-check', true, 'Reject reconfiguration requests that would cause quorum loss.'),
  b('pre-vote', true, 'Enable the raft Pre-Vote algorithm.'),
  s('auto-compaction-retention', '0', 'Auto compaction retention length. 0 means disable auto compaction.'),
  s('auto-compaction-mode', 'periodic', "Interpret 'auto-compaction-retention' one of: periodic|revision.", selective('periodic', 'revision')),
  b('enable-pprof', false, 'Enable runtime profiling data via HTTP server.'),
  s('metrics', 'basic', "Set level of detail for exported metrics, specify 'extensive' to include server side grpc histogram metrics.", selective('basic', 'extensive')),
  s('cors', '', 'Comma-separated white list of origins for CORS, or cross-origin resource sharing.'),
  s('host-whitelist', '*', 'Comma-separated acceptable hostnames from HTTP client requests.'),
  // security
  s('cert-file', '', 'Path to the client server TLS cert file.'),
  s('key-file', '', 'Path to the client server TLS key file.'),
  s('client-cert-file', '', 'Path to an explicit peer client TLS cert file otherwise cert file will be used when client auth is required.'),
  s('client-key-file', '', 'Path to an explicit peer client TLS key file otherwise key file will be used when client auth is required.'),
  b('client-cert-auth', false, 'Enable client cert authentication.'),
  s('client-crl-file', '', 'Path to the client certificate revocation list file.'),
  s('client-cert-allowed-hostname', '', 'Comma-separated list of allowed SAN hostnames for client cert authentication.'),
  s('trusted-ca-file', '', 'Path to the client server TLS trusted CA cert file.'),
  b('auto-tls', false, 'Client TLS using generated certificates'),
  s('peer-cert-file', '', 'Path to the peer server TLS cert file.'),
  s('peer-key-file', '', 'Path to the peer server TLS key file.'),
  s('peer-client-cert-file', '', 'Path to an explicit peer client TLS cert file.'),
  s('peer-client-key-file', '', 'Path to an explicit peer client TLS key file.'),
  b('peer-client-cert-auth', false, 'Enable peer client cert authentication.'),
  s('peer-trusted-ca-file', '', 'Path to the peer server TLS trusted CA file.'),
  b('peer-auto-tls', false, 'Peer TLS using generated certificates'),
  u('self-signed-cert-validity', 1, 'The validity period of the client and peer certificates, unit is year'),
  s('peer-crl-file', '', 'Path to the peer certificate revocation list file.'),
  s('peer-cert-allowed-cn', '', 'Comma-separated list of allowed CNs for inter-peer TLS authentication.'),
  s('peer-cert-allowed-hostname', '', 'Comma-separated list of allowed SAN hostnames for inter-peer TLS authentication.'),
  s('cipher-suites', '', 'Comma-separated list of supported TLS cipher suites between client/server and peers.'),
  s('tls-min-version', 'TLS1.2', 'Minimum TLS version supported by etcd. Possible values: TLS1.2, TLS1.3.'),
  s('tls-max-version', '', 'Maximum TLS version supported by etcd. Possible values: TLS1.2, TLS1.3 (empty defers to Go).'),
  // auth
  s('auth-token', 'simple', 'Specify a v3 authentication token type and its options (\'simple\' or \'jwt\').'),
  u('bcrypt-cost', 10, 'Specify the cost/strength of the bcrypt algorithm for hashing auth passwords.'),
  u('auth-token-ttl', 300, 'Time (in seconds) of the auth-token-ttl.'),
  // logging
  s('logger', 'zap', "Currently only supports 'zap' for structured logging."),
  s('log-outputs', 'default', "Specify 'stdout' or 'stderr' to skip journald logging even when running under systemd."),
  s('log-level', 'info', "Configures log level. Only supports debug, info, warn, error, panic, or fatal. Default 'info'."),
  s('log-format', 'json', "Configures log format. Only supports json, console. Default is 'json'."),
  b('enable-log-rotation', false, 'Enable log rotation of a single log-outputs file target.'),
  // misc
  b('force-new-cluster', false, 'Force to create a new one-member cluster.'),
  s('config-file', '', 'Path to the server configuration file.'),
  b('version', false, 'Print the version and exit.'),
  s('v2-deprecation', 'write-only', 'v2store deprecation stage.'),
  u('max-learners', 1, 'Sets the maximum number of learners that can be available in the cluster membership.'),
];
