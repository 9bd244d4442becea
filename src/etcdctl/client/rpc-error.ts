// A failed call, as clientv3 reports it: a gRPC status code and the server's text.

export const GRPC_CODES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
] as const;
export type GrpcCode = (typeof GRPC_CODES)[number];

export class RpcError extends Error {
  constructor(
    readonly code: GrpcCode,
    /** What etcdctl prints after "Error: " (the server's message, or "context deadline exceeded"). */
    readonly text: string,
    /** The grpc status description for the client's warn log. */
    readonly desc: string = text,
  ) {
    super(text);
  }
  /** Failed while clientv3.New authenticated --user: etcdctl's mustClient exits with ExitBadConnection (2). */
  duringAuthentication = false;
  /** grpc's Status.Error() text, as the client log shows it. */
  grpcText(): string {
    return `rpc error: code = ${this.code} desc = ${this.desc}`;
  }
}

export function codeFromNumber(n: unknown): GrpcCode {
  const i = typeof n === 'number' ? n : Number(n);
  return GRPC_CODES[i] ?? 'Unknown';
}

/** Maps the HTTP status of a gateway error to a gRPC code when the body does not say. */
export function codeFromHttp(status: number): GrpcCode {
  switch (status) {
    case 400:
      return 'InvalidArgument';
    case 401:
      return 'Unauthenticated';
    case 403:
      return 'PermissionDenied';
    case 404:
      return 'NotFound';
    case 409:
      return 'Aborted';
    case 412:
      return 'FailedPrecondition';
    case 429:
      return 'ResourceExhausted';
    case 501:
      return 'Unimplemented';
    case 503:
      return 'Unavailable';
    case 504:
      return 'DeadlineExceeded';
    default:
      return 'Unknown';
  }
}
