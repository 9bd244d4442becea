// etcd's Auth service on a member (server/etcdserver/v3_server.go): every call is a raft
// request applied by the AuthStore on each member; what must not reach the log is done here
// first, on the member the client called: passwords are bcrypt-hashed (cost 10, salt from the
// member's Random) and Authenticate checks the password and picks the token's random part.
import bcrypt from 'bcryptjs';
import type { Random } from '../../platform/random.ts';
import type { ServerRequest } from '../server/request.ts';
import type { ApplyResult, ServerHeader } from '../server/server-options.ts';
import { ServerError } from '../server/errors.ts';
import { AuthErrors } from './auth-errors.ts';
import type { AuthRequest, AuthResult, AuthStore } from './auth-store.ts';
import type { Permission } from './authpb.ts';
import { SimpleTokens } from './simple-token.ts';
import { inlinePasswordHasher, type PasswordHasher } from '../../platform/password-hasher.ts';

/** bcrypt.DefaultCost, what etcd's --bcrypt-cost defaults to. */
export const BCRYPT_COST = 10;
/** bcrypt.MinCost and bcrypt.MaxCost: etcd uses the default cost for a --bcrypt-cost outside them. */
export const BCRYPT_MIN_COST = 4;
export const BCRYPT_MAX_COST = 31;

/** The cost etcd's NewAuthStore settles on for --bcrypt-cost. */
export function effectiveBcryptCost(given: number | undefined): number {
  if (given === undefined) return BCRYPT_COST;
  return given < BCRYPT_MIN_COST || given > BCRYPT_MAX_COST ? BCRYPT_COST : given;
}

/** The member underneath (EtcdServer). */
export interface AuthHost {
  readonly authStore: AuthStore;
  propose(req: ServerRequest, signal?: AbortSignal): Promise<ApplyResult>;
  linearizableReadNotify(signal?: AbortSignal): Promise<void>;
  header(): ServerHeader;
  readonly options: { readonly random: Random; readonly bcryptCost?: number; readonly passwordHasher?: PasswordHasher };
}

export type WithAuthHeader<T> = T & { header: ServerHeader };

/** A bcrypt hash as Go's bcrypt.GenerateFromPassword makes it ("$2a$10$…"), salt from `random`. */
export function hashPassword(password: string, random: Random, cost = BCRYPT_COST, hasher: PasswordHasher = inlinePasswordHasher): Promise<string> {
  if (Buffer.byteLength(password, 'utf8') > 72) throw new ServerError('Unknown', 'bcrypt: password length exceeds 72 bytes');
  const salt = Array.from({ length: 16 }, () => random.int(256));
  return hasher.hash(password, `$2a$${String(cost).padStart(2, '0')}$${bcrypt.encodeBase64(salt, 16)}`);
}

export class AuthService {
  constructor(private readonly host: AuthHost) {}

  private get hasher(): PasswordHasher {
    return this.host.options.passwordHasher ?? inlinePasswordHasher;
  }

  private async hashedPassword(password: string): Promise<string> {
    const hash = await hashPassword(password, this.host.options.random, effectiveBcryptCost(this.host.options.bcryptCost), this.hasher);
    return Buffer.from(hash, 'latin1').toString('base64');
  }

  private async run(req: AuthRequest, signal?: AbortSignal): Promise<WithAuthHeader<AuthResult>> {
    const r = await this.host.propose({ auth: req }, signal);
    if (!('auth' in r)) throw new Error('unexpected apply result for auth');
    return { ...r.auth, header: this.host.header() };
  }

  authEnable(signal?: AbortSignal) {
    return this.run({ op: 'authEnable' }, signal);
  }
  authDisable(signal?: AbortSignal) {
    return this.run({ op: 'authDisable' }, signal);
  }
  async authStatus(signal?: AbortSignal): Promise<WithAuthHeader<{ enabled: boolean; authRevision: number }>> {
    const r = await this.run({ op: 'authStatus' }, signal);
    return { header: r.header, enabled: r.enabled ?? false, authRevision: r.authRevision ?? 0 };
  }

  /**
   * Checks the password, then proposes the token; if the auth store changed in between
   * (a password changed, the user went), checks again, as etcd's loop does.
   */
  async authenticate(name: string, password: string, signal?: AbortSignal): Promise<WithAuthHeader<{ token: string }>> {
    await this.host.linearizableReadNotify(signal);
    const store = this.host.authStore;
    for (let attempt = 0; attempt < 16; attempt++) {
      const checked = await store.checkPassword(name, password, (p, h) => this.hasher.compare(p, h));
      const prefix = SimpleTokens.prefix(this.host.options.random);
      const r = await this.run({ op: 'authenticate', name, simpleToken: prefix }, signal);
      if (checked === store.revision) return { header: r.header, token: r.token ?? '' };
    }
    throw AuthErrors.authOldRevision();
  }

  async userAdd(name: string, password: string, noPassword: boolean, signal?: AbortSignal) {
    const hashedPassword = noPassword ? '' : await this.hashedPassword(password);
    return this.run({ op: 'userAdd', name, hashedPassword, noPassword }, signal);
  }
  async userGet(name: string, signal?: AbortSignal): Promise<WithAuthHeader<{ roles: string[] }>> {
    const r = await this.run({ op: 'userGet', name }, signal);
    return { header: r.header, roles: r.roles ?? [] };
  }
  async userList(signal?: AbortSignal): Promise<WithAuthHeader<{ users: string[] }>> {
    const r = await this.run({ op: 'userList' }, signal);
    return { header: r.header, users: r.users ?? [] };
  }
  userDelete(name: string, signal?: AbortSignal) {
    return this.run({ op: 'userDelete', name }, signal);
  }
  async userChangePassword(name: string, password: string, signal?: AbortSignal) {
    const hashedPassword = await this.hashedPassword(password);
    return this.run({ op: 'userChangePassword', name, hashedPassword }, signal);
  }
  userGrantRole(user: string, role: string, signal?: AbortSignal) {
    return this.run({ op: 'userGrantRole', user, role }, signal);
  }
  userRevokeRole(name: string, role: string, signal?: AbortSignal) {
    return this.run({ op: 'userRevokeRole', name, role }, signal);
  }
  roleAdd(name: string, signal?: AbortSignal) {
    return this.run({ op: 'roleAdd', name }, signal);
  }
  async roleGet(role: string, signal?: AbortSignal): Promise<WithAuthHeader<{ perm: Permission[] }>> {
    const r = await this.run({ op: 'roleGet', role }, signal);
    return { header: r.header, perm: r.perm ?? [] };
  }
  async roleList(signal?: AbortSignal): Promise<WithAuthHeader<{ roles: string[] }>> {
    const r = await this.run({ op: 'roleList' }, signal);
    return { header: r.header, roles: r.roles ?? [] };
  }
  roleDelete(role: string, signal?: AbortSignal) {
    return this.run({ op: 'roleDelete', role }, signal);
  }
  roleGrantPermission(name: string, perm: Permission | undefined, signal?: AbortSignal) {
    return this.run({ op: 'roleGrantPermission', name, perm }, signal);
  }
  roleRevokePermission(role: string, key: Uint8Array, rangeEnd: Uint8Array, signal?: AbortSignal) {
    return this.run({ op: 'roleRevokePermission', role, key, rangeEnd }, signal);
  }
}
