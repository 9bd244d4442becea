// The errors a client sees from etcd's KV and lease API, with etcd's exact messages
// (api/v3rpc/rpctypes) and the gRPC status code name the gateway maps to HTTP/gRPC.

export type GrpcCode =
  | 'InvalidArgument'
  | 'OutOfRange'
  | 'ResourceExhausted'
  | 'NotFound'
  | 'FailedPrecondition';

export class EtcdError extends Error {
  readonly code: GrpcCode;
  constructor(code: GrpcCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

const define = (code: GrpcCode, message: string) =>
  class extends EtcdError {
    static readonly message = message;
    constructor() {
      super(code, message);
    }
  };

export class ErrEmptyKey extends define('InvalidArgument', 'etcdserver: key is not provided') {}
export class ErrKeyNotFound extends define('InvalidArgument', 'etcdserver: key not found') {}
export class ErrValueProvided extends define('InvalidArgument', 'etcdserver: value is provided') {}
export class ErrLeaseProvided extends define('InvalidArgument', 'etcdserver: lease is provided') {}
export class ErrTooManyOps extends define('InvalidArgument', 'etcdserver: too many operations in txn request') {}
export class ErrDuplicateKey extends define('InvalidArgument', 'etcdserver: duplicate key given in txn request') {}
export class ErrInvalidSortOption extends define('InvalidArgument', 'etcdserver: invalid sort option') {}
export class ErrCompacted extends define('OutOfRange', 'etcdserver: mvcc: required revision has been compacted') {}
export class ErrFutureRev extends define('OutOfRange', 'etcdserver: mvcc: required revision is a future revision') {}
export class ErrNoSpace extends define('ResourceExhausted', 'etcdserver: mvcc: database space exceeded') {}
export class ErrRequestTooLarge extends define('InvalidArgument', 'etcdserver: request is too large') {}
export class ErrLeaseNotFound extends define('NotFound', 'etcdserver: requested lease not found') {}
export class ErrLeaseExist extends define('FailedPrecondition', 'etcdserver: lease already exists') {}
export class ErrLeaseTTLTooLarge extends define('OutOfRange', 'etcdserver: too large lease TTL') {}
