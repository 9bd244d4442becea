// The auth store's errors as clients see them (etcd's auth.Err* mapped by v3rpc's
// togRPCError to rpctypes.ErrGRPC*: same code, "etcdserver: " words).
import { ServerError, type GrpcCodeName } from '../server/errors.ts';

const err = (code: GrpcCodeName, message: string) => () => new ServerError(code, message);

export const AuthErrors = {
  rootUserNotExist: err('FailedPrecondition', 'etcdserver: root user does not exist'),
  rootRoleNotExist: err('FailedPrecondition', 'etcdserver: root user does not have root role'),
  userAlreadyExist: err('FailedPrecondition', 'etcdserver: user name already exists'),
  userEmpty: err('InvalidArgument', 'etcdserver: user name is empty'),
  userNotFound: err('FailedPrecondition', 'etcdserver: user name not found'),
  roleAlreadyExist: err('FailedPrecondition', 'etcdserver: role name already exists'),
  roleNotFound: err('FailedPrecondition', 'etcdserver: role name not found'),
  roleEmpty: err('InvalidArgument', 'etcdserver: role name is empty'),
  authFailed: err('InvalidArgument', 'etcdserver: authentication failed, invalid user ID or password'),
  /** Not in togRPCError's table: gRPC Unknown with the auth package's own words. */
  noPasswordUser: err('Unknown', 'auth: authentication failed, password was given for no password user'),
  permissionNotGiven: err('InvalidArgument', 'etcdserver: permission not given'),
  permissionDenied: err('PermissionDenied', 'etcdserver: permission denied'),
  roleNotGranted: err('FailedPrecondition', 'etcdserver: role is not granted to the user'),
  permissionNotGranted: err('FailedPrecondition', 'etcdserver: permission is not granted to the role'),
  authNotEnabled: err('FailedPrecondition', 'etcdserver: authentication is not enabled'),
  invalidAuthToken: err('Unauthenticated', 'etcdserver: invalid auth token'),
  invalidAuthMgmt: err('InvalidArgument', 'etcdserver: invalid auth management'),
  authOldRevision: err('InvalidArgument', 'etcdserver: revision of auth store is old'),
};
