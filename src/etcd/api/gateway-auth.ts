// grpc-gateway routes of etcd's Auth service: /v3/auth/{enable,disable,status,authenticate},
// /v3/auth/user/{add,get,list,delete,changepw,grant,revoke} and
// /v3/auth/role/{add,get,list,delete,grant,revoke}. The caller's token comes in the
// Authorization header (see handleGateway).
import type { IncomingMessage } from 'node:http';
import type { EtcdServer } from '../server/etcd-server.ts';
import { tokenFromHeaders } from '../auth/credentials.ts';
import { watchPermitted as readPermitted } from '../auth/enforce.ts';
import { PERM_TYPE_NAMES, type Permission, type PermType } from '../auth/authpb.ts';
import { BadRequestError, b64, bool, bytes, headerJson, sub } from './json-codec.ts';

type Json = Record<string, unknown>;
type Unary = (srv: EtcdServer, body: Json, signal: AbortSignal) => Promise<Json>;

/** A string field by its proto name (or lowerCamel). */
function str(o: Json, proto: string): string {
  const v = o[proto] ?? o[proto.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase())];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new BadRequestError(`proto: invalid value for string field ${proto}: ${JSON.stringify(v)}`);
  return v;
}

function permissionOf(o: Json | undefined): Permission | undefined {
  if (!o) return undefined;
  const t = o['permType'] ?? o['perm_type'];
  let permType: PermType = 0;
  if (typeof t === 'number' && PERM_TYPE_NAMES[t] !== undefined) permType = t as PermType;
  else if (typeof t === 'string' && (PERM_TYPE_NAMES as readonly string[]).includes(t)) permType = PERM_TYPE_NAMES.indexOf(t as 'READ') as PermType;
  else if (t !== undefined && t !== null) throw new BadRequestError(`proto: invalid value for enum field permType: ${JSON.stringify(t)}`);
  return { permType, key: bytes(o, 'key') ?? new Uint8Array(), rangeEnd: bytes(o, 'range_end') ?? new Uint8Array() };
}

/** authpb.Permission as protojson writes it: READ (0) and empty bytes left out. */
function permissionJson(p: Permission): Json {
  const o: Json = {};
  if (p.permType !== 0) o['permType'] = PERM_TYPE_NAMES[p.permType];
  if (p.key.length) o['key'] = b64(p.key);
  if (p.rangeEnd.length) o['range_end'] = b64(p.rangeEnd);
  return o;
}

const headerOnly = (r: { header: Parameters<typeof headerJson>[0] }): Json => ({ header: headerJson(r.header) });
const withList = (r: { header: Parameters<typeof headerJson>[0] }, name: string, list: readonly unknown[]): Json =>
  list.length ? { header: headerJson(r.header), [name]: list } : { header: headerJson(r.header) };

export const AUTH_ROUTES: Record<string, Unary> = {
  '/v3/auth/enable': async (s, _b, sig) => headerOnly(await s.auth.authEnable(sig)),
  '/v3/auth/disable': async (s, _b, sig) => headerOnly(await s.auth.authDisable(sig)),
  '/v3/auth/status': async (s, _b, sig) => {
    const r = await s.auth.authStatus(sig);
    const o: Json = { header: headerJson(r.header) };
    if (r.enabled) o['enabled'] = true;
    if (r.authRevision) o['authRevision'] = String(r.authRevision);
    return o;
  },
  '/v3/auth/authenticate': async (s, b, sig) => {
    const r = await s.auth.authenticate(str(b, 'name'), str(b, 'password'), sig);
    return { header: headerJson(r.header), token: r.token };
  },
  '/v3/auth/user/add': async (s, b, sig) => {
    const options = sub(b, 'options');
    const noPassword = options ? bool(options, 'no_password', 'noPassword') : false;
    return headerOnly(await s.auth.userAdd(str(b, 'name'), str(b, 'password'), noPassword, sig));
  },
  '/v3/auth/user/get': async (s, b, sig) => {
    const r = await s.auth.userGet(str(b, 'name'), sig);
    return withList(r, 'roles', r.roles);
  },
  '/v3/auth/user/list': async (s, _b, sig) => {
    const r = await s.auth.userList(sig);
    return withList(r, 'users', r.users);
  },
  '/v3/auth/user/delete': async (s, b, sig) => headerOnly(await s.auth.userDelete(str(b, 'name'), sig)),
  '/v3/auth/user/changepw': async (s, b, sig) => headerOnly(await s.auth.userChangePassword(str(b, 'name'), str(b, 'password'), sig)),
  '/v3/auth/user/grant': async (s, b, sig) => headerOnly(await s.auth.userGrantRole(str(b, 'user'), str(b, 'role'), sig)),
  '/v3/auth/user/revoke': async (s, b, sig) => headerOnly(await s.auth.userRevokeRole(str(b, 'name'), str(b, 'role'), sig)),
  '/v3/auth/role/add': async (s, b, sig) => headerOnly(await s.auth.roleAdd(str(b, 'name'), sig)),
  '/v3/auth/role/get': async (s, b, sig) => {
    const r = await s.auth.roleGet(str(b, 'role'), sig);
    return withList(r, 'perm', r.perm.map(permissionJson));
  },
  '/v3/auth/role/list': async (s, _b, sig) => {
    const r = await s.auth.roleList(sig);
    return withList(r, 'roles', r.roles);
  },
  '/v3/auth/role/delete': async (s, b, sig) => headerOnly(await s.auth.roleDelete(str(b, 'role'), sig)),
  '/v3/auth/role/grant': async (s, b, sig) => headerOnly(await s.auth.roleGrantPermission(str(b, 'name'), permissionOf(sub(b, 'perm')), sig)),
  '/v3/auth/role/revoke': async (s, b, sig) =>
    headerOnly(await s.auth.roleRevokePermission(str(b, 'role'), bytes(b, 'key') ?? new Uint8Array(), bytes(b, 'range_end') ?? new Uint8Array(), sig)),
};

/** Routes for the root role only once auth is on (as the gRPC calls behind them). */
export const ADMIN_PATHS = new Set([
  '/v3/maintenance/status', '/v3/maintenance/hash', '/v3/maintenance/hashkv', '/v3/maintenance/defragment', '/v3/maintenance/transfer-leadership', '/v3/maintenance/snapshot',
  '/v3/cluster/member/add', '/v3/cluster/member/remove', '/v3/cluster/member/update', '/v3/cluster/member/promote',
]);

/** A watch through the gateway: the token of the request that opened the stream must allow reading the range. */
export function watchPermitted(srv: EtcdServer, req: IncomingMessage, key: Uint8Array, rangeEnd: Uint8Array | undefined): boolean {
  return readPermitted(srv.authStore, { token: tokenFromHeaders(req.headers) }, key, rangeEnd);
}
