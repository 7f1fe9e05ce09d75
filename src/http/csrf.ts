/**
 * Cross-site request forgery. A browser sends the session cookie with any request to this origin, so a
 * state-changing request authenticated by cookie must also prove it comes from our pages:
 * 1. the `X-CSRF-Token` header equals the session's token (issued at login, returned by /auth/me) — a
 *    foreign page can neither read it nor set custom headers cross-origin without CORS consent;
 * 2. when the browser says where the request comes from (`Origin`, `Sec-Fetch-Site`), that is this
 *    server or an origin listed in ASSAY_CORS_ORIGINS.
 * API-key requests carry no ambient credential, so they are exempt. Public state-changing routes
 * (login, setup) get the origin check alone, which stops login CSRF.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { HttpError } from './errors.ts';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

function csrfError(message: string): HttpError {
  return new HttpError(403, 'csrf_failed', message);
}

function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

/** Rejects a request whose browser metadata says it was sent by a page of another site. */
export function checkOrigin(req: Request, allowedOrigins: readonly string[]): void {
  const origin = req.get('origin');
  const allowed = origin !== undefined && (origin === ownOrigin(req) || allowedOrigins.includes(origin));
  if (origin !== undefined && origin !== 'null' && !allowed) {
    throw csrfError(`requests from origin ${origin} are not accepted`);
  }
  if (origin === 'null') throw csrfError('requests from an opaque origin are not accepted');
  const site = req.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') {
    if (!allowed) throw csrfError('cross-site requests are not accepted');
  }
}

export function checkCsrfToken(req: Request, expected: string): void {
  const given = req.get(CSRF_HEADER);
  if (!given) throw csrfError(`the ${CSRF_HEADER} header is required with a session cookie`);
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw csrfError(`the ${CSRF_HEADER} header does not match the session`);
}
