// A learner is whoever holds the cookie: a random id handed out on the first visit.
// No accounts yet; an instructor view would list these ids from the data dir.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidLearnerId } from './data-store.ts';

export const LEARNER_COOKIE = 'hwlab_learner';

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

/** The learner id from the request's cookie, when it carries a valid one. */
export function learnerFromRequest(req: IncomingMessage): string | undefined {
  const id = parseCookies(req.headers.cookie)[LEARNER_COOKIE];
  return id && isValidLearnerId(id) ? id : undefined;
}

export function newLearnerId(): string {
  return randomBytes(16).toString('base64url');
}

/** Returns the request's learner, giving it a new id (and cookie) on the first visit. */
export function ensureLearner(req: IncomingMessage, res: ServerResponse): string {
  const existing = learnerFromRequest(req);
  if (existing) return existing;
  const id = newLearnerId();
  const oneYear = 365 * 24 * 3600;
  res.appendHeader('Set-Cookie', `${LEARNER_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${oneYear}`);
  return id;
}
