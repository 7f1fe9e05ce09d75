/**
 * Sign-in throttling at the HTTP edge: every `POST /auth/login` counts as an attempt for its email
 * and its client address before the password is looked at (`services/login-throttle.ts`); a
 * successful sign-in gives its attempt back once the answer is sent. The email is read from the
 * parsed body as typed; validation happens in the route, so a malformed body still counts against
 * the address.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../platform/logger.ts';
import type { LoginThrottle } from '../../services/login-throttle.ts';
import { clientIp } from './client-ip.ts';

export function loginThrottleMiddleware(throttle: LoginThrottle, logger: Logger) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const body: unknown = req.body;
    const email =
      typeof body === 'object' && body !== null && 'email' in body && typeof body.email === 'string'
        ? body.email.slice(0, 254)
        : null;
    const attempt = await throttle.attempt({ email, ip: clientIp(req) });
    res.on('finish', () => {
      if (res.statusCode >= 200 && res.statusCode < 300) {
        attempt
          .succeeded()
          .catch((error: unknown) => logger.warn({ err: error }, 'sign-in attempt not undone'));
      }
    });
    next();
  };
}
