// etcd's auth store (server/auth/store.go): users with bcrypt password hashes, roles with key
// permissions, the enabled flag and the auth revision (one more on every change). Every
// change arrives as a raft entry and is applied here on each member alike (apply), so the
// state is part of the replicated state machine; it is kept with the store's data (see
// MvccStore.authState) and so goes into snapshots, member/snap/db and restores.
import type { Logger } from '../log.ts';
import { AuthErrors } from './auth-errors.ts';
import {
  compareNames,
  decodeAuthState,
  encodeAuthState,
  PERM_READWRITE,
  PERM_TYPE_NAMES,
  type AuthState,
  type Permission,
  type PermType,
  type Role,
  type User,
} from './authpb.ts';
import { mergedPermissions, isValidPermissionRange, permits, type UserPermissions } from './permissions.ts';
import { SimpleTokens } from './simple-token.ts';
import type { Credentials } from './credentials.ts';
import { compareBytes, bytesEqual } from '../mvcc/bytes.ts';

export const ROOT_USER = 'root';
export const ROOT_ROLE = 'root';

/** Who a request comes from: a user and the auth revision its token was checked at (0 = nobody). */
export interface AuthInfo {
  username: string;
  revision: number;
}

/** An auth change or query as it travels in a raft entry (etcd's InternalRaftRequest fields). */
export type AuthRequest =
  | { op: 'authEnable' }
  | { op: 'authDisable' }
  | { op: 'authStatus' }
  /** The password was checked by the member that proposed it; the entry never carries it. */
  | { op: 'authenticate'; name: string; simpleToken: string }
  /** hashedPassword: base64 of the bcrypt hash, made by the proposing member. */
  | { op: 'userAdd'; name: string; hashedPassword: string; noPassword: boolean }
  | { op: 'userGet'; name: string }
  | { op: 'userList' }
  | { op: 'userDelete'; name: string }
  | { op: 'userChangePassword'; name: string; hashedPassword: string }
  | { op: 'userGrantRole'; user: string; role: string }
  | { op: 'userRevokeRole'; name: string; role: string }
  | { op: 'roleAdd'; name: string }
  | { op: 'roleGet'; role: string }
  | { op: 'roleList' }
  | { op: 'roleDelete'; role: string }
  | { op: 'roleGrantPermission'; name: string; perm?: Permission }
  | { op: 'roleRevokePermission'; role: string; key: Uint8Array; rangeEnd: Uint8Array };

export interface AuthResult {
  enabled?: boolean;
  authRevision?: number;
  token?: string;
  roles?: string[];
  users?: string[];
  perm?: Permission[];
}

/** etcd's needAdminPermission: changes and listings are for the root role only. */
const ADMIN_OPS = new Set<AuthRequest['op']>([
  'authEnable', 'authDisable', 'userAdd', 'userDelete', 'userChangePassword', 'userGrantRole', 'userRevokeRole',
  'roleAdd', 'roleGrantPermission', 'roleRevokePermission', 'roleDelete', 'userList', 'roleList',
]);

/** RoleGet of root answers this one permission: every key, read and write. */
const ROOT_PERMISSION: Permission = { permType: PERM_READWRITE, key: new Uint8Array(), rangeEnd: new Uint8Array([0]) };

const CALLER = 'auth/store.go';

export class AuthStore {
  private enabled: boolean;
  private rev: number;
  private readonly users = new Map<string, User>();
  private readonly roles = new Map<string, Role>();
  private permCache = new Map<string, UserPermissions>();
  readonly tokens: SimpleTokens;

  constructor(state: AuthState, now: () => number, private readonly log?: Logger, tokenTtlMs?: number) {
    this.enabled = state.enabled;
    this.rev = state.revision === 0 ? 1 : state.revision;
    for (const u of state.users) this.users.set(u.name, u);
    for (const r of state.roles) this.roles.set(r.name, r);
    this.tokens = new SimpleTokens(now, tokenTtlMs);
    this.refreshPermCache();
  }

  static fromBlob(blob: Uint8Array | undefined, now: () => number, log?: Logger, tokenTtlMs?: number): AuthStore {
    return new AuthStore(decodeAuthState(blob), now, log, tokenTtlMs);
  }

  /** Replaces the state with a snapshot's (tokens go: etcd's Recover keeps none either). */
  recover(blob: Uint8Array | undefined): void {
    const s = decodeAuthState(blob);
    this.enabled = s.enabled;
    this.rev = s.revision === 0 ? 1 : s.revision;
    this.users.clear();
    this.roles.clear();
    for (const u of s.users) this.users.set(u.name, u);
    for (const r of s.roles) this.roles.set(r.name, r);
    this.tokens.clear();
    this.refreshPermCache();
  }

  state(): AuthState {
    const byName = <T extends { name: string }>(m: Map<string, T>) => [...m.values()].sort((a, b) => compareNames(a.name, b.name));
    return { enabled: this.enabled, revision: this.rev, users: byName(this.users), roles: byName(this.roles) };
  }

  /** The blob kept in MvccStore.authState. */
  encode(): Uint8Array {
    return encodeAuthState(this.state());
  }

  get isEnabled(): boolean {
    return this.enabled;
  }
  get revision(): number {
    return this.rev;
  }
  user(name: string): User | undefined {
    return this.users.get(name);
  }

  // ---------------------------------------------------------------- apply (every member)

  /**
   * Applies one auth entry. `ai` is the proposer's caller; `index` the entry's raft index (a
   * simple token's suffix). Throws ServerError in etcd's words; changes nothing then.
   */
  apply(req: AuthRequest, ai: AuthInfo | undefined, index: number): AuthResult {
    if (ADMIN_OPS.has(req.op)) this.checkAdmin(ai);
    switch (req.op) {
      case 'authEnable':
        return this.authEnable();
      case 'authDisable':
        if (this.enabled) {
          this.enabled = false;
          this.commit();
          this.tokens.clear();
          this.log?.info(`${CALLER}:300`, 'disabled authentication');
        }
        return {};
      case 'authStatus':
        return { enabled: this.enabled, authRevision: this.rev };
      case 'authenticate': {
        if (!this.enabled) throw AuthErrors.authNotEnabled();
        const u = this.users.get(req.name);
        if (!u || u.options?.noPassword) throw AuthErrors.authFailed();
        return { token: this.tokens.assign(req.name, req.simpleToken, index) };
      }
      case 'userAdd':
        return this.userAdd(req);
      case 'userGet': {
        if (this.enabled && !this.isAdmin(ai) && ai?.username !== req.name) throw this.adminError(ai);
        const u = this.users.get(req.name);
        if (!u) throw AuthErrors.userNotFound();
        return { roles: [...u.roles] };
      }
      case 'userList':
        return { users: this.state().users.map((u) => u.name) };
      case 'userDelete': {
        if (this.enabled && req.name === ROOT_USER) throw AuthErrors.invalidAuthMgmt();
        const u = this.users.get(req.name);
        if (!u) throw AuthErrors.userNotFound();
        this.users.delete(req.name);
        this.changed();
        this.tokens.invalidateUser(req.name);
        this.log?.info(`${CALLER}:470`, 'deleted a user', { 'user-name': req.name, 'user-roles': u.roles });
        return {};
      }
      case 'userChangePassword': {
        const u = this.users.get(req.name);
        if (!u) throw AuthErrors.userNotFound();
        const password = !u.options || !u.options.noPassword ? Buffer.from(req.hashedPassword, 'base64') : new Uint8Array();
        this.users.set(req.name, { ...u, password: new Uint8Array(password) });
        this.changed();
        this.tokens.invalidateUser(req.name);
        this.log?.info(`${CALLER}:530`, 'changed a password of a user', { 'user-name': req.name, 'user-roles': u.roles });
        return {};
      }
      case 'userGrantRole': {
        const u = this.users.get(req.user);
        if (!u) throw AuthErrors.userNotFound();
        if (req.role !== ROOT_ROLE && !this.roles.has(req.role)) throw AuthErrors.roleNotFound();
        if (u.roles.includes(req.role)) {
          this.log?.warn(`${CALLER}:560`, 'ignored grant role request to a user', { 'user-name': req.user, 'user-roles': u.roles, 'duplicate-role-name': req.role });
          return {};
        }
        const roles = [...u.roles, req.role].sort(compareNames);
        this.users.set(req.user, { ...u, roles });
        this.changed();
        this.log?.info(`${CALLER}:575`, 'granted a role to a user', { 'user-name': req.user, 'user-roles': roles, 'added-role-name': req.role });
        return {};
      }
      case 'userRevokeRole': {
        if (this.enabled && req.name === ROOT_USER && req.role === ROOT_ROLE) throw AuthErrors.invalidAuthMgmt();
        const u = this.users.get(req.name);
        if (!u) throw AuthErrors.userNotFound();
        const roles = u.roles.filter((r) => r !== req.role);
        if (roles.length === u.roles.length) throw AuthErrors.roleNotGranted();
        this.users.set(req.name, { ...u, roles });
        this.changed();
        this.log?.info(`${CALLER}:640`, 'revoked a role from a user', { 'user-name': req.name, 'old-user-roles': u.roles, 'new-user-roles': roles, 'revoked-role-name': req.role });
        return {};
      }
      case 'roleAdd': {
        if (req.name.length === 0) throw AuthErrors.roleEmpty();
        if (this.roles.has(req.name)) throw AuthErrors.roleAlreadyExist();
        this.roles.set(req.name, { name: req.name, keyPermission: [] });
        this.commit();
        this.log?.info(`${CALLER}:790`, 'created a role', { 'role-name': req.name });
        return {};
      }
      case 'roleGet': {
        if (this.enabled && !this.isAdmin(ai) && !(ai && this.users.get(ai.username)?.roles.includes(req.role))) throw this.adminError(ai);
        const r = this.roles.get(req.role);
        if (!r) throw AuthErrors.roleNotFound();
        return { perm: r.name === ROOT_ROLE ? [ROOT_PERMISSION] : r.keyPermission.map((p) => ({ ...p })) };
      }
      case 'roleList':
        return { roles: this.state().roles.map((r) => r.name) };
      case 'roleDelete':
        return this.roleDelete(req.role);
      case 'roleGrantPermission':
        return this.roleGrantPermission(req.name, req.perm);
      case 'roleRevokePermission': {
        const r = this.roles.get(req.role);
        if (!r) throw AuthErrors.roleNotFound();
        const kept = r.keyPermission.filter((p) => !bytesEqual(p.key, req.key) || !bytesEqual(p.rangeEnd, req.rangeEnd));
        if (kept.length === r.keyPermission.length) throw AuthErrors.permissionNotGranted();
        this.roles.set(r.name, { ...r, keyPermission: kept });
        this.changed();
        this.log?.info(`${CALLER}:690`, 'revoked a permission on range', { 'role-name': req.role, key: Buffer.from(req.key).toString(), 'range-end': Buffer.from(req.rangeEnd).toString() });
        return {};
      }
    }
  }

  private authEnable(): AuthResult {
    if (this.enabled) {
      this.log?.info(`${CALLER}:260`, 'authentication is already enabled; ignored auth enable request');
      return {};
    }
    const root = this.users.get(ROOT_USER);
    if (!root) throw AuthErrors.rootUserNotExist();
    if (!root.roles.includes(ROOT_ROLE)) throw AuthErrors.rootRoleNotExist();
    this.enabled = true;
    this.refreshPermCache();
    this.log?.info(`${CALLER}:285`, 'enabled authentication');
    return {};
  }

  private userAdd(req: Extract<AuthRequest, { op: 'userAdd' }>): AuthResult {
    if (req.name.length === 0) throw AuthErrors.userEmpty();
    if (this.users.has(req.name)) throw AuthErrors.userAlreadyExist();
    const password = req.noPassword ? new Uint8Array() : new Uint8Array(Buffer.from(req.hashedPassword, 'base64'));
    this.users.set(req.name, { name: req.name, password, roles: [], options: { noPassword: req.noPassword } });
    this.changed();
    this.log?.info(`${CALLER}:440`, 'added a user', { 'user-name': req.name });
    return {};
  }

  private roleDelete(name: string): AuthResult {
    if (this.enabled && name === ROOT_ROLE) throw AuthErrors.invalidAuthMgmt();
    if (!this.roles.has(name)) throw AuthErrors.roleNotFound();
    this.roles.delete(name);
    for (const u of this.users.values()) {
      if (u.roles.includes(name)) this.users.set(u.name, { ...u, roles: u.roles.filter((r) => r !== name) });
    }
    this.changed();
    this.log?.info(`${CALLER}:750`, 'deleted a role', { 'role-name': name });
    return {};
  }

  private roleGrantPermission(name: string, perm: Permission | undefined): AuthResult {
    if (!perm) throw AuthErrors.permissionNotGiven();
    if (!isValidPermissionRange(perm.key, perm.rangeEnd)) throw AuthErrors.invalidAuthMgmt();
    const r = this.roles.get(name);
    if (!r) throw AuthErrors.roleNotFound();
    const perms = r.keyPermission.map((p) => ({ ...p }));
    const same = perms.find((p) => bytesEqual(p.key, perm.key) && bytesEqual(p.rangeEnd, perm.rangeEnd));
    if (same) same.permType = perm.permType;
    else {
      perms.push({ permType: perm.permType, key: perm.key, rangeEnd: perm.rangeEnd });
      // sort.Sort is not stable; permissions with equal keys keep their order here.
      perms.sort((a, b) => compareBytes(a.key, b.key));
    }
    this.roles.set(name, { ...r, keyPermission: perms });
    this.changed();
    this.log?.info(`${CALLER}:870`, 'granted/updated a permission to a user', {
      'user-name': name,
      'permission-name': PERM_TYPE_NAMES[perm.permType as PermType],
      key: Buffer.from(perm.key).toString(),
      'range-end': Buffer.from(perm.rangeEnd).toString(),
    });
    return {};
  }

  private commit(): void {
    this.rev++;
  }

  private changed(): void {
    this.commit();
    this.refreshPermCache();
  }

  private refreshPermCache(): void {
    this.permCache = new Map();
    for (const u of this.users.values()) this.permCache.set(u.name, mergedPermissions(u, (n) => this.roles.get(n)));
  }

  // ---------------------------------------------------------------- checks

  private isAdmin(ai: AuthInfo | undefined): boolean {
    return !!ai && ai.username !== '' && (this.users.get(ai.username)?.roles.includes(ROOT_ROLE) ?? false);
  }

  private adminError(ai: AuthInfo | undefined): Error {
    if (!ai || ai.username === '') return AuthErrors.userEmpty();
    if (!this.users.has(ai.username)) return AuthErrors.userNotFound();
    return AuthErrors.permissionDenied();
  }

  /** etcd's IsAdminPermitted: anyone while auth is off, else a user with the root role. */
  checkAdmin(ai: AuthInfo | undefined): void {
    if (!this.enabled) return;
    if (!this.isAdmin(ai)) throw this.adminError(ai);
  }

  /** etcd's isOpPermitted: off → yes; no user → user name is empty; a stale token revision → old. */
  checkKeys(ai: AuthInfo | undefined, key: Uint8Array, rangeEnd: Uint8Array, kind: 'read' | 'write'): void {
    if (!this.enabled) return;
    if (!ai || ai.revision === 0) throw AuthErrors.userEmpty();
    if (ai.revision < this.rev) throw AuthErrors.authOldRevision();
    const u = this.users.get(ai.username);
    if (!u) throw AuthErrors.permissionDenied();
    if (u.roles.includes(ROOT_ROLE)) return;
    const perms = this.permCache.get(ai.username);
    if (!perms || !permits(perms, key, rangeEnd, kind)) throw AuthErrors.permissionDenied();
  }

  /**
   * etcd's AuthInfoFromCtx then AuthInfoFromTLS: the token's user, else the client
   * certificate's CN; undefined while auth is off or when neither is given.
   */
  authInfoFrom(creds: Credentials | undefined): AuthInfo | undefined {
    if (!this.enabled || !creds) return undefined;
    if (creds.asMember) return { username: ROOT_USER, revision: this.rev };
    if (creds.token !== undefined) return this.authInfoFromToken(creds.token);
    if (creds.certCommonName) return { username: creds.certCommonName, revision: this.rev };
    return undefined;
  }

  /** The caller of a request carrying `token` (or undefined while auth is off). */
  authInfoFromToken(token: string): AuthInfo | undefined {
    if (!this.enabled) return undefined;
    const user = this.tokens.userOf(token.startsWith('Bearer ') ? token.slice(7) : token);
    if (user === undefined) throw AuthErrors.invalidAuthToken();
    return { username: user, revision: this.rev };
  }

  /**
   * The password check an Authenticate call does before proposing: compares with the user's
   * hash (in a worker thread in real use, so the store may change meanwhile) and returns the
   * auth revision the hash was taken at.
   */
  async checkPassword(name: string, password: string, compare: (password: string, hash: string) => Promise<boolean>): Promise<number> {
    if (!this.enabled) throw AuthErrors.authNotEnabled();
    const u = this.users.get(name);
    if (!u) throw AuthErrors.authFailed();
    if (u.options?.noPassword) throw AuthErrors.noPasswordUser();
    const revision = this.rev;
    if (!(await compare(password, Buffer.from(u.password).toString('latin1')))) {
      this.log?.info(`${CALLER}:350`, 'invalid password', { 'user-name': name });
      throw AuthErrors.authFailed();
    }
    return revision;
  }
}
