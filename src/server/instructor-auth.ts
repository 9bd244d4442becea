// Instructor access: one secret token per server start (or INSTRUCTOR_TOKEN). It comes
// in a header (Authorization: Bearer …, or X-Instructor-Token) or in the cookie set
// when the instructor opens the URL `npm start` prints. A learner's cookie is never enough.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseCookies } from './learner-cookie.ts';

export const INSTRUCTOR_COOKIE = 'hwlab_instructor';
const TOKEN_SHAPE = /^[A-Za-z0-9_~.-]{16,128}$/;

export function newInstructorToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Checks a token given in INSTRUCTOR_TOKEN: long enough to resist guessing, URL-safe. */
export function validateInstructorToken(token: string): string | undefined {
  if (!TOKEN_SHAPE.test(token)) return 'INSTRUCTOR_TOKEN must be 16 to 128 characters of A-Z a-z 0-9 _ ~ . -';
  return undefined;
}

/** The token a request carries, if any (header first, then cookie). */
export function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  const header = req.headers['x-instructor-token'];
  if (typeof header === 'string' && header) return header;
  return parseCookies(req.headers.cookie)[INSTRUCTOR_COOKIE] || undefined;
}

/** Compares in constant time (digests of equal length, whatever was sent). */
export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** 'ok', or the HTTP status to answer with: 401 no token at all, 403 a wrong one. */
export function checkInstructor(req: IncomingMessage, token: string): 'ok' | 401 | 403 {
  const presented = presentedToken(req);
  if (presented === undefined) return 401;
  return tokenMatches(presented, token) ? 'ok' : 403;
}

export function instructorCookie(token: string): string {
  // Strict: the cookie is not sent on requests other sites start (no cross-site reset).
  return `${INSTRUCTOR_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${12 * 3600}`;
}
