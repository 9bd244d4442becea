// etcd's authpb messages (api/authpb/auth.proto) as the backend keeps them in the buckets
// "authUsers" (name → User) and "authRoles" (name → Role), and the auth store's whole state
// as one blob that travels inside the store snapshot (see MvccStore.authState).
//
//   User:       name 1 (bytes), password 2 (bytes: the bcrypt hash), roles 3 (repeated string),
//               options 4 (UserAddOptions: no_password 1)
//   Role:       name 1 (bytes), keyPermission 2 (repeated Permission)
//   Permission: permType 1 (READ 0, WRITE 1, READWRITE 2), key 2, range_end 3
import { ProtoReader, protoFields, uvarintBytes } from '../backend/proto.ts';

export const PERM_READ = 0;
export const PERM_WRITE = 1;
export const PERM_READWRITE = 2;
export type PermType = typeof PERM_READ | typeof PERM_WRITE | typeof PERM_READWRITE;
export const PERM_TYPE_NAMES = ['READ', 'WRITE', 'READWRITE'] as const;

export interface Permission {
  permType: PermType;
  key: Uint8Array;
  /** Empty: the single key; [0]: every key from `key` on; else [key, rangeEnd). */
  rangeEnd: Uint8Array;
}

export interface User {
  name: string;
  /** The bcrypt hash ("$2a$10$…") as bytes; empty for a no-password user. */
  password: Uint8Array;
  /** Sorted, as etcd keeps them (it binary-searches them). */
  roles: string[];
  /** UserAddOptions, absent in users made by etcd < 3.4. */
  options?: { noPassword: boolean };
}

export interface Role {
  name: string;
  /** Sorted by key, as etcd keeps them. */
  keyPermission: Permission[];
}

/** The auth store's persistent state: the "auth", "authUsers" and "authRoles" buckets. */
export interface AuthState {
  enabled: boolean;
  revision: number;
  users: User[];
  roles: Role[];
}

const enc = new TextEncoder();
const dec = new TextDecoder();

class Out {
  bytes: number[] = [];
  varint(field: number, v: number | bigint): this {
    if (v === 0 || v === 0n) return this;
    this.bytes.push(...uvarintBytes(BigInt(field << 3)), ...uvarintBytes(BigInt(v)));
    return this;
  }
  /** A length-delimited field; `always` writes it even when empty (a set submessage). */
  len(field: number, b: Uint8Array, always = false): this {
    if (b.length === 0 && !always) return this;
    this.bytes.push(...uvarintBytes(BigInt((field << 3) | 2)), ...uvarintBytes(BigInt(b.length)));
    for (const x of b) this.bytes.push(x);
    return this;
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export function encodePermission(p: Permission): Uint8Array {
  return new Out().varint(1, p.permType).len(2, p.key).len(3, p.rangeEnd).finish();
}

export function decodePermission(b: Uint8Array): Permission {
  const p: Permission = { permType: PERM_READ, key: new Uint8Array(), rangeEnd: new Uint8Array() };
  for (const f of protoFields(new ProtoReader(b), 'authpb.Permission')) {
    if (f.num === 1) p.permType = Number(f.int ?? 0n) as PermType;
    else if (f.num === 2 && f.bytes) p.key = f.bytes.slice();
    else if (f.num === 3 && f.bytes) p.rangeEnd = f.bytes.slice();
  }
  return p;
}

export function encodeUser(u: User): Uint8Array {
  const o = new Out().len(1, enc.encode(u.name)).len(2, u.password);
  for (const r of u.roles) o.len(3, enc.encode(r), true);
  if (u.options) o.len(4, new Out().varint(1, u.options.noPassword ? 1 : 0).finish(), true);
  return o.finish();
}

export function decodeUser(b: Uint8Array): User {
  const u: User = { name: '', password: new Uint8Array(), roles: [] };
  for (const f of protoFields(new ProtoReader(b), 'authpb.User')) {
    if (f.num === 1 && f.bytes) u.name = dec.decode(f.bytes);
    else if (f.num === 2 && f.bytes) u.password = f.bytes.slice();
    else if (f.num === 3 && f.bytes) u.roles.push(dec.decode(f.bytes));
    else if (f.num === 4 && f.bytes) {
      let noPassword = false;
      for (const g of protoFields(new ProtoReader(f.bytes), 'authpb.UserAddOptions')) if (g.num === 1) noPassword = g.int !== 0n;
      u.options = { noPassword };
    }
  }
  return u;
}

export function encodeRole(r: Role): Uint8Array {
  const o = new Out().len(1, enc.encode(r.name));
  for (const p of r.keyPermission) o.len(2, encodePermission(p), true);
  return o.finish();
}

export function decodeRole(b: Uint8Array): Role {
  const r: Role = { name: '', keyPermission: [] };
  for (const f of protoFields(new ProtoReader(b), 'authpb.Role')) {
    if (f.num === 1 && f.bytes) r.name = dec.decode(f.bytes);
    else if (f.num === 2 && f.bytes) r.keyPermission.push(decodePermission(f.bytes));
  }
  return r;
}

/** A fresh etcd's auth state: disabled, revision 1 (NewAuthStore commits revision 0 → 1). */
export function initialAuthState(): AuthState {
  return { enabled: false, revision: 1, users: [], roles: [] };
}

function isInitial(s: AuthState): boolean {
  return !s.enabled && s.revision === 1 && s.users.length === 0 && s.roles.length === 0;
}

/**
 * The state as one blob (our own container: enabled 1, revision 2, users 3, roles 4, each
 * user/role in its authpb encoding). A fresh state is the empty blob, so stores that never
 * used auth snapshot exactly as before.
 */
export function encodeAuthState(s: AuthState): Uint8Array {
  if (isInitial(s)) return new Uint8Array();
  const o = new Out().varint(1, s.enabled ? 1 : 0).varint(2, s.revision);
  for (const u of s.users) o.len(3, encodeUser(u), true);
  for (const r of s.roles) o.len(4, encodeRole(r), true);
  return o.finish();
}

export function decodeAuthState(b: Uint8Array | undefined): AuthState {
  if (!b || b.length === 0) return initialAuthState();
  const s: AuthState = { enabled: false, revision: 0, users: [], roles: [] };
  for (const f of protoFields(new ProtoReader(b), 'auth state')) {
    if (f.num === 1) s.enabled = f.int !== 0n;
    else if (f.num === 2) s.revision = Number(f.int ?? 0n);
    else if (f.num === 3 && f.bytes) s.users.push(decodeUser(f.bytes));
    else if (f.num === 4 && f.bytes) s.roles.push(decodeRole(f.bytes));
  }
  return s;
}

/** Byte order of names, as bbolt keeps the bucket keys. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(enc.encode(a), enc.encode(b));
}
