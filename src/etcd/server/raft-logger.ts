// Raft's own lines in etcd's log: zap logger "raft", as etcd 3.6 prints them.
import type { RaftLogger } from '../../raft/logger.ts';
import type { Logger } from '../log.ts';

export function raftLoggerFor(log: Logger): RaftLogger {
  const caller = 'v3@v3.6.0/raft.go:1000';
  return {
    debug: (m) => log.log('debug', caller, m, {}, 'raft'),
    info: (m) => log.log('info', caller, m, {}, 'raft'),
    warn: (m) => log.log('warn', caller, m, {}, 'raft'),
    error: (m) => log.log('error', caller, m, {}, 'raft'),
  };
}
