// etcdserverpb.Auth messages on the wire (field numbers from etcd's api/etcdserverpb/rpc.proto
// and api/authpb/auth.proto). Every response starts with header 1.
import type { ServerHeader } from '../../server/server-core.ts';
import type { Permission, PermType } from '../../auth/authpb.ts';
import { own, Reader, Writer } from './proto.ts';
import { encodeHeader } from './messages-kv.ts';

function fields<T>(buf: Uint8Array, out: T, read: Record<number, (r: Reader, o: T) => void>): T {
  const r = new Reader(buf);
  for (let f = r.next(); f; f = r.next()) {
    const fn = read[f];
    if (fn) fn(r, out);
    else r.skip();
  }
  return out;
}

/** authpb.Permission: permType 1, key 2, range_end 3. */
export function decodePermission(b: Uint8Array): Permission {
  return fields<Permission>(b, { permType: 0, key: new Uint8Array(), rangeEnd: new Uint8Array() }, {
    1: (r, o) => (o.permType = r.enumValue() as PermType),
    2: (r, o) => (o.key = own(r.bytes())),
    3: (r, o) => (o.rangeEnd = own(r.bytes())),
  });
}

export function encodePermission(p: Permission): Uint8Array {
  return new Writer().enumValue(1, p.permType).bytes(2, p.key).bytes(3, p.rangeEnd).finish();
}

/** AuthenticateRequest: name 1, password 2. */
export const decodeAuthenticateRequest = (b: Uint8Array) =>
  fields(b, { name: '', password: '' }, { 1: (r, o) => (o.name = r.string()), 2: (r, o) => (o.password = r.string()) });

/** AuthUserAddRequest: name 1, password 2, options 3 (UserAddOptions: no_password 1), hashedPassword 4. */
export const decodeUserAddRequest = (b: Uint8Array) =>
  fields(b, { name: '', password: '', noPassword: false }, {
    1: (r, o) => (o.name = r.string()),
    2: (r, o) => (o.password = r.string()),
    3: (r, o) => (o.noPassword = fields(r.bytes(), { noPassword: false }, { 1: (r2, o2) => (o2.noPassword = r2.bool()) }).noPassword),
  });

/** AuthUserGetRequest, AuthUserDeleteRequest, AuthRoleAddRequest: name 1. */
export const decodeNameRequest = (b: Uint8Array) => fields(b, { name: '' }, { 1: (r, o) => (o.name = r.string()) });

/** AuthRoleGetRequest, AuthRoleDeleteRequest: role 1. */
export const decodeRoleRequest = (b: Uint8Array) => fields(b, { role: '' }, { 1: (r, o) => (o.role = r.string()) });

/** AuthUserChangePasswordRequest: name 1, password 2 (hashedPassword 3 is the server's own). */
export const decodeChangePasswordRequest = (b: Uint8Array) =>
  fields(b, { name: '', password: '' }, { 1: (r, o) => (o.name = r.string()), 2: (r, o) => (o.password = r.string()) });

/** AuthUserGrantRoleRequest: user 1, role 2; AuthUserRevokeRoleRequest: name 1, role 2. */
export const decodeUserRoleRequest = (b: Uint8Array) =>
  fields(b, { user: '', role: '' }, { 1: (r, o) => (o.user = r.string()), 2: (r, o) => (o.role = r.string()) });

/** AuthRoleGrantPermissionRequest: name 1, perm 2. */
export const decodeGrantPermissionRequest = (b: Uint8Array) =>
  fields<{ name: string; perm?: Permission }>(b, { name: '' }, { 1: (r, o) => (o.name = r.string()), 2: (r, o) => (o.perm = decodePermission(r.bytes())) });

/** AuthRoleRevokePermissionRequest: role 1, key 2, range_end 3. */
export const decodeRevokePermissionRequest = (b: Uint8Array) =>
  fields<{ role: string; key: Uint8Array; rangeEnd: Uint8Array }>(b, { role: '', key: new Uint8Array(), rangeEnd: new Uint8Array() }, {
    1: (r, o) => (o.role = r.string()),
    2: (r, o) => (o.key = own(r.bytes())),
    3: (r, o) => (o.rangeEnd = own(r.bytes())),
  });

/** AuthStatusResponse: header 1, enabled 2, authRevision 3. */
export function encodeAuthStatus(r: { header: ServerHeader; enabled: boolean; authRevision: number }): Uint8Array {
  return new Writer().message(1, encodeHeader(r.header)).bool(2, r.enabled).int64(3, r.authRevision).finish();
}

/** AuthenticateResponse: header 1, token 2. */
export function encodeAuthenticateResponse(r: { header: ServerHeader; token: string }): Uint8Array {
  return new Writer().message(1, encodeHeader(r.header)).string(2, r.token).finish();
}

/** AuthUserGetResponse / AuthRoleListResponse (roles 2), AuthUserListResponse (users 2). */
export function encodeNamesResponse(header: ServerHeader, names: readonly string[]): Uint8Array {
  return new Writer().message(1, encodeHeader(header)).repeatedString(2, names).finish();
}

/** AuthRoleGetResponse: header 1, perm 2. */
export function encodeRoleGetResponse(r: { header: ServerHeader; perm: readonly Permission[] }): Uint8Array {
  const w = new Writer().message(1, encodeHeader(r.header));
  for (const p of r.perm) w.message(2, encodePermission(p));
  return w.finish();
}
