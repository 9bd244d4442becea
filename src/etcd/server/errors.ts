// Errors the server gives clients, with etcd's messages (api/v3rpc/rpctypes) and the gRPC
// status code the gateway reports. The store's own errors (mvcc/errors.ts) map the same way.
import { EtcdError } from '../mvcc/errors.ts';

export const GRPC_CODES = {
  OK: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
} as const;

export type GrpcCodeName = keyof typeof GRPC_CODES;

export class ServerError extends Error {
  constructor(
    readonly code: GrpcCodeName,
    message: string,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

const err = (code: GrpcCodeName, message: string) => () => new ServerError(code, message);

export const Errors = {
  stopped: err('Unavailable', 'etcdserver: server stopped'),
  canceled: err('Canceled', 'etcdserver: request canceled'),
  /** Go's context.DeadlineExceeded, as gRPC reports a context error (status.FromContextError). */
  contextDeadlineExceeded: err('DeadlineExceeded', 'context deadline exceeded'),
  /** Go's context.Canceled. */
  contextCanceled: err('Canceled', 'context canceled'),
  timeout: err('Unavailable', 'etcdserver: request timed out'),
  timeoutDueToLeaderFail: err('Unavailable', 'etcdserver: request timed out, possibly due to previous leader failure'),
  timeoutDueToConnectionLost: err('Unavailable', 'etcdserver: request timed out, possibly due to connection lost'),
  timeoutLeaderTransfer: err('Unavailable', 'etcdserver: request timed out, leader transfer took too long'),
  leaderChanged: err('Unavailable', 'etcdserver: leader changed'),
  noLeader: err('Unavailable', 'etcdserver: no leader'),
  notLeader: err('FailedPrecondition', 'etcdserver: not leader'),
  requestTooLarge: err('InvalidArgument', 'etcdserver: request is too large'),
  memberExist: err('FailedPrecondition', 'etcdserver: member ID already exist'),
  peerUrlExist: err('FailedPrecondition', 'etcdserver: Peer URLs already exists'),
  memberNotFound: err('NotFound', 'etcdserver: member not found'),
  memberBadUrls: err('InvalidArgument', 'etcdserver: given member URLs are invalid'),
  notEnoughStarted: err('FailedPrecondition', 'etcdserver: re-configuration failed due to not enough started members'),
  badLeaderTransferee: err('FailedPrecondition', 'etcdserver: bad leader transferee'),
  unhealthy: err('Unavailable', 'etcdserver: unhealthy cluster'),
  learnerNotReady: err('FailedPrecondition', 'etcdserver: can only promote a learner member which is in sync with leader'),
  memberNotLearner: err('FailedPrecondition', 'etcdserver: can only promote a learner member'),
  tooManyLearners: err('FailedPrecondition', 'etcdserver: too many learner members in cluster'),
  unknownMethod: err('Unimplemented', 'etcdserver: unknown method'),
};

/** The gRPC code name and message a client sees for any error thrown by the server or store. */
export function toStatus(e: unknown): { code: GrpcCodeName; message: string } {
  if (e instanceof ServerError) return { code: e.code, message: e.message };
  if (e instanceof EtcdError) return { code: e.code, message: e.message };
  return { code: 'Unknown', message: e instanceof Error ? e.message : String(e) };
}
