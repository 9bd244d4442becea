// etcd's default token provider (--auth-token=simple): a token is 16 random letters, chosen
// by the member that received the Authenticate call, then "." and the raft index at which the
// Authenticate entry applied, so every member learns the same token when it applies it. Tokens
// live in memory only, expire 5 minutes after their last use, and all go when auth is disabled
// (etcd's "simple token is not cryptographically signed" warning is about exactly this).
import type { Random } from '../../platform/random.ts';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const SIMPLE_TOKEN_LENGTH = 16;
/** simpleTokenTTLDefault. */
export const SIMPLE_TOKEN_TTL_MS = 300_000;

export class SimpleTokens {
  private readonly tokens = new Map<string, { user: string; expiresAt: number }>();

  constructor(
    /** Monotonic milliseconds (the member's clock). */
    private readonly now: () => number,
    private readonly ttlMs = SIMPLE_TOKEN_TTL_MS,
  ) {}

  /** 16 random letters (etcd's genTokenPrefix). */
  static prefix(random: Random): string {
    let s = '';
    for (let i = 0; i < SIMPLE_TOKEN_LENGTH; i++) s += LETTERS[random.int(LETTERS.length)];
    return s;
  }

  /** Gives `user` the token `<prefix>.<index>` (applied on every member alike). */
  assign(user: string, prefix: string, index: number): string {
    const token = `${prefix}.${index}`;
    this.expire();
    this.tokens.set(token, { user, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  /** The user a valid token belongs to (its TTL starts over), or undefined. */
  userOf(token: string): string | undefined {
    const parts = token.split('.');
    if (parts.length !== 2 || !/^\d+$/.test(parts[1]!)) return undefined;
    const t = this.tokens.get(token);
    if (!t) return undefined;
    const now = this.now();
    if (now > t.expiresAt) {
      this.tokens.delete(token);
      return undefined;
    }
    t.expiresAt = now + this.ttlMs;
    return t.user;
  }

  /** A deleted user or a changed password ends the user's tokens. */
  invalidateUser(user: string): void {
    for (const [k, t] of this.tokens) if (t.user === user) this.tokens.delete(k);
  }

  clear(): void {
    this.tokens.clear();
  }

  get size(): number {
    return this.tokens.size;
  }

  private expire(): void {
    const now = this.now();
    for (const [k, t] of this.tokens) if (now > t.expiresAt) this.tokens.delete(k);
  }
}
