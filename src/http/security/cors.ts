/**
 * CORS with an explicit allowlist (ASSAY_CORS_ORIGINS). A listed origin gets its own origin echoed
 * with `Access-Control-Allow-Credentials: true` (a browser needs both to send the session cookie);
 * any other origin gets no CORS headers at all, so the browser keeps the response from the page.
 * Never `*` (the configuration refuses it), never an echo of an unlisted origin, never `null` (the
 * opaque origin of sandboxed frames and `file:` pages, which anyone can produce). `Vary: Origin`
 * keeps caches from serving one origin's answer to another.
 *
 * Preflights (OPTIONS with Access-Control-Request-Method) are answered here: 204 with the methods
 * and headers the API uses for a listed origin, 403 problem details for any other. This is not what
 * stops cross-site writes — the CSRF check is (`csrf.ts`) — but it keeps browsers from exposing
 * answers to foreign pages.
 */
import type { NextFunction, Request, Response } from 'express';
import { problemType, sendProblem } from '../errors.ts';
import { requestIdOf } from '../request-context.ts';

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'X-CSRF-Token',
  'X-Assay-Organisation',
  'Idempotency-Key',
  'Last-Event-ID',
  'Assay-Signature',
  'X-Request-Id',
].join(', ');
const EXPOSED_HEADERS = [
  'Location',
  'Retry-After',
  'RateLimit',
  'RateLimit-Policy',
  'X-Request-Id',
  'Idempotent-Replayed',
].join(', ');
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export function cors(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return (req: Request, res: Response, next: NextFunction): void => {
    res.vary('Origin');
    const origin = req.get('origin');
    const listed = origin !== undefined && allowed.has(origin);
    if (listed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    const preflight = req.method === 'OPTIONS' && req.get('access-control-request-method') !== undefined;
    if (!preflight) {
      next();
      return;
    }
    if (!listed) {
      sendProblem(res, {
        type: problemType('cors_origin_refused'),
        title: 'Forbidden',
        status: 403,
        detail: `cross-origin requests from ${origin ?? 'an unnamed origin'} are not accepted; an operator can list the origin in ASSAY_CORS_ORIGINS`,
        code: 'cors_origin_refused',
        instance: req.path,
        request_id: requestIdOf(req),
      });
      return;
    }
    res.vary('Access-Control-Request-Headers');
    res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
    res.status(204).end();
  };
}
