// etcdserverpb.Auth over gRPC: each method decodes its request, calls the member's Auth
// service (../../auth/auth-service.ts) with the call's context, and encodes the answer.
import type { IncomingHttpHeaders } from 'node:http2';
import type { EtcdServer } from '../../server/etcd-server.ts';
import { encodeHeaderOnly } from './messages-kv.ts';
import {
  decodeAuthenticateRequest,
  decodeChangePasswordRequest,
  decodeGrantPermissionRequest,
  decodeNameRequest,
  decodeRevokePermissionRequest,
  decodeRoleRequest,
  decodeUserAddRequest,
  decodeUserRoleRequest,
  encodeAuthenticateResponse,
  encodeAuthStatus,
  encodeNamesResponse,
  encodeRoleGetResponse,
} from './messages-auth.ts';

type Unary = (srv: EtcdServer, req: Uint8Array, md: IncomingHttpHeaders, signal: AbortSignal) => Promise<Uint8Array>;

export const AUTH_METHODS: Record<string, Unary> = {
  AuthEnable: async (s, _b, _md, sig) => encodeHeaderOnly((await s.auth.authEnable(sig)).header),
  AuthDisable: async (s, _b, _md, sig) => encodeHeaderOnly((await s.auth.authDisable(sig)).header),
  AuthStatus: async (s, _b, _md, sig) => encodeAuthStatus(await s.auth.authStatus(sig)),
  Authenticate: async (s, b, _md, sig) => {
    const q = decodeAuthenticateRequest(b);
    return encodeAuthenticateResponse(await s.auth.authenticate(q.name, q.password, sig));
  },
  UserAdd: async (s, b, _md, sig) => {
    const q = decodeUserAddRequest(b);
    return encodeHeaderOnly((await s.auth.userAdd(q.name, q.password, q.noPassword, sig)).header);
  },
  UserGet: async (s, b, _md, sig) => {
    const r = await s.auth.userGet(decodeNameRequest(b).name, sig);
    return encodeNamesResponse(r.header, r.roles);
  },
  UserList: async (s, _b, _md, sig) => {
    const r = await s.auth.userList(sig);
    return encodeNamesResponse(r.header, r.users);
  },
  UserDelete: async (s, b, _md, sig) => encodeHeaderOnly((await s.auth.userDelete(decodeNameRequest(b).name, sig)).header),
  UserChangePassword: async (s, b, _md, sig) => {
    const q = decodeChangePasswordRequest(b);
    return encodeHeaderOnly((await s.auth.userChangePassword(q.name, q.password, sig)).header);
  },
  UserGrantRole: async (s, b, _md, sig) => {
    const q = decodeUserRoleRequest(b);
    return encodeHeaderOnly((await s.auth.userGrantRole(q.user, q.role, sig)).header);
  },
  UserRevokeRole: async (s, b, _md, sig) => {
    const q = decodeUserRoleRequest(b);
    return encodeHeaderOnly((await s.auth.userRevokeRole(q.user, q.role, sig)).header);
  },
  RoleAdd: async (s, b, _md, sig) => encodeHeaderOnly((await s.auth.roleAdd(decodeNameRequest(b).name, sig)).header),
  RoleGet: async (s, b, _md, sig) => encodeRoleGetResponse(await s.auth.roleGet(decodeRoleRequest(b).role, sig)),
  RoleList: async (s, _b, _md, sig) => {
    const r = await s.auth.roleList(sig);
    return encodeNamesResponse(r.header, r.roles);
  },
  RoleDelete: async (s, b, _md, sig) => encodeHeaderOnly((await s.auth.roleDelete(decodeRoleRequest(b).role, sig)).header),
  RoleGrantPermission: async (s, b, _md, sig) => {
    const q = decodeGrantPermissionRequest(b);
    return encodeHeaderOnly((await s.auth.roleGrantPermission(q.name, q.perm, sig)).header);
  },
  RoleRevokePermission: async (s, b, _md, sig) => {
    const q = decodeRevokePermissionRequest(b);
    return encodeHeaderOnly((await s.auth.roleRevokePermission(q.role, q.key, q.rangeEnd, sig)).header);
  },
};
