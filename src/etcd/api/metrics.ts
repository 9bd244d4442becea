// /metrics in Prometheus text format, with the etcd metric names that mean something here.
import type { EtcdServer } from '../server/etcd-server.ts';
import { etcdReleaseFacts } from '../version/release-version.ts';

interface Metric {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: [labels: Record<string, string>, value: number][];
}

export function metricsText(s: EtcdServer, startedAtSec: number): string {
  const st = s.status();
  const one = (name: string, help: string, type: Metric['type'], value: number, labels: Record<string, string> = {}): Metric => ({ name, help, type, samples: [[labels, value]] });
  const metrics: Metric[] = [
    one('etcd_cluster_version', 'Which version is running. 1 for \'cluster_version\' label with current cluster version', 'gauge', 1, { cluster_version: s.options.version.replace(/^(\d+\.\d+).*/, '$1') }),
    one('etcd_debugging_mvcc_current_revision', 'The current revision of store.', 'gauge', s.store.currentRevision),
    one('etcd_debugging_mvcc_compact_revision', 'The revision of the last compaction in store.', 'gauge', Math.max(0, s.store.compactRevision)),
    one('etcd_debugging_mvcc_keys_total', 'Total number of keys.', 'gauge', s.store.range({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]), countOnly: true }).count),
    one('etcd_debugging_mvcc_watcher_total', 'Total number of watchers.', 'gauge', s.store.watches.size),
    one('etcd_debugging_lease_granted_total', 'The total number of granted leases.', 'gauge', s.store.lessor.list().length),
    one('etcd_mvcc_db_total_size_in_bytes', 'Total size of the underlying database physically allocated in bytes.', 'gauge', st.dbSize),
    one('etcd_mvcc_db_total_size_in_use_in_bytes', 'Total size of the underlying database logically in use in bytes.', 'gauge', st.dbSizeInUse),
    one('etcd_server_has_leader', 'Whether or not a leader exists. 1 is existence, 0 is not.', 'gauge', st.leader ? 1 : 0),
    one('etcd_server_is_leader', 'Whether or not this member is a leader. 1 if is, 0 otherwise.', 'gauge', s.isLeader ? 1 : 0),
    one('etcd_server_is_learner', 'Whether or not this member is a learner. 1 if is, 0 otherwise.', 'gauge', st.isLearner ? 1 : 0),
    one('etcd_server_leader_changes_seen_total', 'The number of leader changes seen.', 'counter', s.metrics.leaderChanges),
    one('etcd_server_proposals_committed_total', 'The total number of consensus proposals committed.', 'gauge', s.committed),
    one('etcd_server_proposals_applied_total', 'The total number of consensus proposals applied.', 'gauge', s.applied),
    one('etcd_server_proposals_pending', 'The current number of pending proposals to commit.', 'gauge', Math.max(0, s.metrics.proposalsPending)),
    one('etcd_server_proposals_failed_total', 'The total number of failed proposals seen.', 'counter', s.metrics.proposalsFailed),
    one('etcd_server_id', 'Server or member ID in hexadecimal format. 1 for \'server_id\' label with current ID.', 'gauge', 1, { server_id: s.memberId }),
    one('etcd_server_version', 'Which version is running. 1 for \'server_version\' label with current version.', 'gauge', 1, { server_version: s.options.version }),
    one('etcd_server_go_version', 'Which Go version server is running with. 1 for \'server_go_version\' label with current version.', 'gauge', 1, { server_go_version: etcdReleaseFacts(s.options.version).goVersion }),
    one('etcd_server_quota_backend_bytes', 'Current backend storage quota size in bytes.', 'gauge', st.dbSizeQuota),
    one('etcd_server_heartbeat_send_failures_total', 'The total number of leader heartbeat send failures (likely overloaded from slow disk).', 'counter', 0),
    one('etcd_server_health_success', 'The total number of successful health checks', 'counter', s.metrics.healthSuccess),
    one('etcd_server_health_failures', 'The total number of failed health checks', 'counter', s.metrics.healthFailures),
    one('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', 'gauge', startedAtSec),
  ];
  const out: string[] = [];
  for (const m of metrics.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    out.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`);
    for (const [labels, v] of m.samples) {
      const l = Object.entries(labels)
        .map(([k, val]) => `${k}="${val}"`)
        .join(',');
      out.push(`${m.name}${l ? `{${l}}` : ''} ${v}`);
    }
  }
  return out.join('\n') + '\n';
}
