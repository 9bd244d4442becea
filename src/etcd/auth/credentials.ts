// What a request says about who sends it, carried by its context (the AbortSignal the API
// layer hands to EtcdServer), as etcd reads the caller from the gRPC context: the `token`
// metadata (gateway: the Authorization header) and, with --client-cert-auth, the verified
// client certificate's common name.

export interface Credentials {
  /** A simple token from Authenticate ("Bearer " allowed, as etcd trims it). */
  token?: string;
  /** The CN of a verified client certificate (used only when no token is given). */
  certCommonName?: string;
  /** The member itself (etcd's AuthStore.WithRoot): expired-lease revokes act as root. */
  asMember?: boolean;
}

const bySignal = new WeakMap<AbortSignal, Credentials>();

/** Gives the request whose context is `signal` these credentials (empty ones are ignored). */
export function attachCredentials(signal: AbortSignal, creds: Credentials): void {
  if (creds.token === undefined && creds.certCommonName === undefined && !creds.asMember) return;
  bySignal.set(signal, creds);
}

export function credentialsOf(signal: AbortSignal | undefined): Credentials | undefined {
  return signal ? bySignal.get(signal) : undefined;
}

/** The token of gRPC metadata or HTTP headers: `token`, else `authorization` (swagger's name). */
export function tokenFromHeaders(h: Record<string, string | string[] | undefined>): string | undefined {
  const v = h['token'] ?? h['authorization'];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

/** A context for the member's own proposals (WithRoot). */
export function memberContext(): AbortSignal {
  const signal = new AbortController().signal;
  bySignal.set(signal, { asMember: true });
  return signal;
}

/** The raft index a simple token was made at (its ".<index>" suffix), or 0. */
export function tokenIndex(creds: Credentials | undefined): number {
  const m = creds?.token ? /\.(\d+)$/.exec(creds.token) : null;
  return m ? Number(m[1]) : 0;
}
