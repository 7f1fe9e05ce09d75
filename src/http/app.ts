/**
 * The Express application. Conventions for everyone adding routes (details in `src/http/README.md`):
 *
 * - One router per resource in `src/http/routes/<resource>.ts`, exporting a `RouteGroup` built with
 *   `defineRoutes(tag, [defineRoute({...}), …])`, listed once in `src/http/routes/index.ts`.
 * - Each `defineRoute` declares method, path (relative to /api/v1, `:param` syntax), summary, zod
 *   schemas (`params`, `query`, `body`, `response`) and access (`auth: 'public' | 'session' | 'any'`,
 *   minimum `role`, API key `scope`). The helper authenticates, checks role/scope/CSRF, validates (all
 *   problems at once; strict objects reject unknown fields), runs the handler and filters the response
 *   through its schema. OpenAPI comes from the same declaration: run `npm run openapi` after a change.
 * - Handlers are thin: they call a use case in `src/services/` with the ports it needs from
 *   `ctx.container` and `ctx.audit` (organisation, actor, address), and return the body (or `reply()`).
 *   They never catch: errors from the platform taxonomy become problem+json with a stable `code`.
 * - Another organisation's resource is a 404: services always filter by `ctx.audit.organisationId`.
 */
import express, { type Express } from 'express';
import type { Config } from '../config/config.ts';
import type { Container } from '../container.ts';
import type { Logger } from '../platform/logger.ts';
import { createLoginThrottle } from '../services/login-throttle.ts';
import { API_PREFIX } from './api-prefix.ts';
import { createAuthenticate } from './auth.ts';
import { mountDocs } from './docs-page.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import { databaseChecks, livenessHandler, type ReadinessCheck, readinessHandler } from './health.ts';
import { buildOpenApi } from './openapi.ts';
import { requestContext, restoreContext } from './request-context.ts';
import { type RouteGroup, routeHandler } from './route.ts';
import { API_ROUTES } from './routes/index.ts';
import { cors } from './security/cors.ts';
import { createSecurityGuard } from './security/guard.ts';
import { securityHeaders } from './security/headers.ts';
import { loginThrottleMiddleware } from './security/login.ts';
import { captureRawBody } from './security/raw-body.ts';
import { apiVersion } from './version.ts';

/** Large enough for a suite source with inline data; larger bodies are refused with 413. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppOptions {
  container: Container;
  /** Defaults to the container's. */
  config?: Config;
  /** Defaults to the container's. */
  logger?: Logger;
  /** Defaults to every API route (`routes/index.ts`). */
  routes?: readonly RouteGroup[];
  /** Checks added to /readyz next to the database and migrations (Redis in distributed mode). */
  readiness?: Record<string, ReadinessCheck>;
  /**
   * Aborted when shutdown begins: /readyz turns red so load balancers stop sending traffic, and long
   * responses (event streams) end.
   */
  closing?: AbortSignal;
  bodyLimitBytes?: number;
}

export function createApp(options: AppOptions): Express {
  const { container } = options;
  const config = options.config ?? container.config;
  const logger = options.logger ?? container.logger;
  const routes = options.routes ?? API_ROUTES;
  const closing = options.closing ?? new AbortController().signal;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.server.trustProxy);
  // Query strings are flat `key=value` pairs: no nested-object parsing for attackers to play with.
  app.set('query parser', 'simple');

  app.use(requestContext(logger));
  // Before anything that can answer, so errors and 404s carry the same headers (security/headers.ts).
  app.use(securityHeaders());
  app.use(cors(config.server.corsOrigins));
  app.use(
    express.json({
      // A suite source travels JSON-escaped: room for twice the largest one an operator allows.
      limit: options.bodyLimitBytes ?? Math.max(DEFAULT_BODY_LIMIT_BYTES, 2 * config.suites.maxSourceBytes),
      type: ['application/json', 'application/*+json'],
      // Request signatures cover the bytes as sent.
      verify: captureRawBody,
    }),
  );
  app.use(restoreContext);
  app.post(
    `${API_PREFIX}/auth/login`,
    loginThrottleMiddleware(
      createLoginThrottle({
        limits: container.rateLimits,
        perAccount: config.security.loginFailures.perAccount,
        perIp: config.security.loginFailures.perIp,
      }),
      logger,
    ),
  );

  app.get('/healthz', livenessHandler);
  app.get(
    '/readyz',
    readinessHandler({
      checks: { ...databaseChecks(container.database), ...options.readiness },
      isShuttingDown: () => closing.aborted,
    }),
  );

  let spec: unknown;
  mountDocs(app, () => {
    spec ??= buildOpenApi(routes, { version: apiVersion() });
    return spec;
  });

  const guard = createSecurityGuard(container);
  const authenticate = guard.wrap(createAuthenticate(container, { verifyApiKey: guard.verifyApiKey }));
  const api = express.Router({ caseSensitive: true, strict: false });
  for (const group of routes) {
    for (const route of group.routes) {
      api[route.method](route.path, routeHandler(route, { container, authenticate, closing }));
    }
  }
  app.use(API_PREFIX, api);

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
