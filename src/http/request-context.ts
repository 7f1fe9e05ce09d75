/**
 * The request id and the per-request log context. The id comes from `X-Request-Id` when it is a sane
 * token (a proxy or the CLI may set it), otherwise a new UUIDv7; it is echoed back and attached to every
 * log line written while the request is served.
 */
import type { NextFunction, Request, Response } from 'express';
import { newId } from '../platform/ids.ts';
import { type Logger, type RequestContext, withRequestContext } from '../platform/logger.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface Locals {
  assayContext?: RequestContext;
}

export function contextOf(req: Request): RequestContext {
  const locals = req.res?.locals as Locals | undefined;
  if (!locals?.assayContext) throw new Error('request context middleware is not installed');
  return locals.assayContext;
}

export function requestIdOf(req: Request): string {
  return (req.res?.locals as Locals | undefined)?.assayContext?.requestId ?? 'unknown';
}

/** First middleware: picks the id, echoes it, logs the request when it ends. */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const offered = req.get('x-request-id');
    const requestId = offered && REQUEST_ID.test(offered) ? offered : newId();
    const context: RequestContext = { requestId };
    (res.locals as Locals).assayContext = context;
    res.setHeader('X-Request-Id', requestId);
    const started = performance.now();
    res.on('finish', () => {
      withRequestContext(context, () => {
        // The path only: query strings may carry tokens, and the logger redacts fields, not URLs.
        const fields = {
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
          ip: req.ip,
        };
        if (res.statusCode >= 500) logger.error(fields, 'request');
        else logger.info(fields, 'request');
      });
    });
    withRequestContext(context, next);
  };
}

/**
 * Re-enters the request's context. Stream callbacks (the body parser's `end` event) run outside the
 * async context the request started in, so the context is restored after them.
 */
export function restoreContext(req: Request, _res: Response, next: NextFunction): void {
  withRequestContext(contextOf(req), next);
}
