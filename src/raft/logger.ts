// Where raft says what it is doing. etcd prints these lines in its log; tests capture them.

export interface RaftLogger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export const discardLogger: RaftLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
