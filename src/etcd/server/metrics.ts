// Counters the server keeps for /metrics (names as etcd exports them, see api/metrics.ts).
export class ServerMetrics {
  leaderChanges = 0;
  proposalsCommitted = 0;
  proposalsApplied = 0;
  proposalsPending = 0;
  proposalsFailed = 0;
  /** Bytes received/sent by the client API, for etcd_network_client_grpc_*_bytes_total. */
  clientBytesReceived = 0;
  clientBytesSent = 0;
  healthSuccess = 0;
  healthFailures = 0;
}
