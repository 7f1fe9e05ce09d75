/**
 * Security headers on every response — API answers, the reference page, problem details, 404s and
 * 500s alike (installed before anything that can answer). helmet supplies them; the policy is:
 *
 * - Content-Security-Policy for a dashboard served by the API itself: everything from this origin
 *   only, no inline script or style, no plugins, no framing (`frame-ancestors 'none'`), forms and
 *   `<base>` pinned to this origin; `upgrade-insecure-requests` only when served over TLS (on plain
 *   HTTP it would send the browser to an HTTPS port that does not exist).
 * - Strict-Transport-Security (one year, subdomains) only over TLS: a browser ignores it over HTTP,
 *   and sending it from a plain-HTTP install would be a promise the server cannot keep. "Over TLS"
 *   is `req.secure`: the server's own TLS, or `X-Forwarded-Proto: https` from a trusted proxy.
 * - `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`,
 *   cross-origin opener and resource policies `same-origin`, and helmet's remaining defaults.
 * - `Cache-Control: no-store` on API answers: they carry credentials' metadata and tenant data that
 *   no shared cache should keep.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import { API_PREFIX } from '../api-prefix.ts';

const SELF = "'self'";
const NONE = "'none'";

function options(tls: boolean): HelmetOptions {
  const directives: Record<string, string[]> = {
    'default-src': [SELF],
    'base-uri': [SELF],
    'connect-src': [SELF],
    'font-src': [SELF],
    'form-action': [SELF],
    'frame-ancestors': [NONE],
    'img-src': [SELF, 'data:'],
    'manifest-src': [SELF],
    'object-src': [NONE],
    'script-src': [SELF],
    'script-src-attr': [NONE],
    'style-src': [SELF],
    'worker-src': [SELF],
  };
  if (tls) directives['upgrade-insecure-requests'] = [];
  return {
    contentSecurityPolicy: { useDefaults: false, directives },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    xFrameOptions: { action: 'deny' },
  };
}

export function securityHeaders(): RequestHandler {
  const plain = helmet(options(false));
  const tls = helmet(options(true));
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path === API_PREFIX || req.path.startsWith(`${API_PREFIX}/`)) {
      res.setHeader('Cache-Control', 'no-store');
    }
    (req.secure ? tls : plain)(req, res, next);
  };
}
