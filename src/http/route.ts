/**
 * The route-definition helper. A router declares each route once — method, path, summary, zod schemas
 * for params, query, body and response, and who may call it — and gets from that declaration:
 * authentication and authorisation (role for people, scope for API keys, CSRF for cookie sessions),
 * validation with every problem listed, the response filtered through its schema (a field the schema
 * does not name never leaves the server), and its OpenAPI operation (`openapi.ts`).
 *
 * Conventions: paths are relative to `/api/v1` in Express syntax (`/suites/:suiteId`); request objects
 * are `z.strictObject`, response objects `z.object`; JSON field names are snake_case; timestamps are
 * ISO 8601 strings; ids are UUIDs (a malformed id in the path is a 404, like an unknown one).
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Container } from '../container.ts';
import { NotFoundError, ValidationError } from '../platform/errors.ts';
import type { Role } from '../ports/organisation-store.ts';
import type { AuditContext, Principal, Scope } from '../services/access.ts';
import { HttpError } from './errors.ts';
import { clientIp } from './security/client-ip.ts';
import { parseInput } from './validation.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * - `public`: anyone; no principal (login, setup).
 * - `session`: people only (browser session cookie); `role` is the minimum role.
 * - `any`: people (minimum `role`) or API keys (need `scope`; `null` means any valid key).
 */
export type AuthMode = 'public' | 'session' | 'any';

export interface RouteAccess {
  auth: AuthMode;
  role?: Role;
  scope?: Scope | null;
}

type Schema = z.ZodType;
type Out<S, Fallback> = S extends Schema ? z.output<S> : Fallback;
type EmptyObject = Record<string, never>;

export interface RouteContext<P, Q, B, A extends AuthMode> {
  params: P;
  query: Q;
  body: B;
  /** Who is calling: always set unless the route is public. */
  principal: A extends 'public' ? null : Principal;
  /** The organisation, actor and address for audit entries; null on public routes. */
  audit: A extends 'public' ? null : AuditContext;
  /** Client address (trust-proxy aware). */
  ip: string | null;
  container: Container;
  /** Aborted when the server begins to shut down: long responses (event streams) end when it fires. */
  closing: AbortSignal;
  req: Request;
  res: Response;
}

const REPLY = Symbol('reply');

export interface Reply<T> {
  readonly [REPLY]: true;
  status: number;
  body: T;
  headers: Record<string, string>;
}

/** Answers with another status than the route's default, or with extra headers (Location …). */
export function reply<T>(status: number, body: T, headers: Record<string, string> = {}): Reply<T> {
  return { [REPLY]: true, status, body, headers };
}

function isReply(value: unknown): value is Reply<unknown> {
  return typeof value === 'object' && value !== null && REPLY in value;
}

type Result<R> = R extends Schema ? z.input<R> | Reply<z.input<R>> : undefined | Reply<undefined>;

export interface RouteSpec<
  P extends Schema | undefined,
  Q extends Schema | undefined,
  B extends Schema | undefined,
  R extends Schema | undefined,
  A extends AuthMode,
> extends RouteAccess {
  method: HttpMethod;
  /** Relative to `/api/v1`, Express syntax: `/suites/:suiteId/runs`. */
  path: string;
  summary: string;
  description?: string;
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  /** The success body; omit for 204 No Content. */
  response?: R;
  /** Success status: default 200 with a response schema, 204 without. */
  status?: number;
  /**
   * Content type of a response the handler writes itself (`text/event-stream`): the handler uses
   * `ctx.res` directly and the helper sends nothing once headers are out.
   */
  produces?: string;
  handler(
    ctx: RouteContext<Out<P, EmptyObject>, Out<Q, EmptyObject>, Out<B, undefined>, A>,
  ): Promise<Result<R>>;
}

/** A route as the app and the OpenAPI generator see it (types erased). */
export interface RouteDefinition extends RouteAccess {
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  params?: Schema;
  query?: Schema;
  body?: Schema;
  response?: Schema;
  status: number;
  produces?: string;
  handler(ctx: RouteContext<unknown, unknown, unknown, AuthMode>): Promise<unknown>;
}

export interface RouteGroup {
  /** OpenAPI tag: `API keys`, `Suites` … */
  tag: string;
  description?: string;
  routes: readonly RouteDefinition[];
}

export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Schema | undefined = undefined,
  A extends AuthMode = AuthMode,
>(spec: RouteSpec<P, Q, B, R, A>): RouteDefinition {
  // Access is checked when the module loads, so a route cannot ship without saying who may call it.
  if (spec.auth !== 'public' && spec.role === undefined) {
    throw new Error(
      `${spec.method.toUpperCase()} ${spec.path}: a ${spec.auth} route must declare its minimum role`,
    );
  }
  if (spec.auth === 'any' && spec.scope === undefined) {
    throw new Error(
      `${spec.method.toUpperCase()} ${spec.path}: an 'any' route must declare the API key scope (or null)`,
    );
  }
  return {
    ...(spec as unknown as RouteDefinition),
    status: spec.status ?? (spec.response ? 200 : 204),
  };
}

export function defineRoutes(tag: string, routes: RouteDefinition[], description?: string): RouteGroup {
  return description === undefined ? { tag, routes } : { tag, description, routes };
}

/** Resolves the principal of a request for a route, or throws 401/403. Implemented in `auth.ts`. */
export type Authenticate = (req: Request, res: Response, access: RouteAccess) => Promise<Principal | null>;

const EMPTY_STRICT = z.strictObject({});

/** The Express handler of one route: authenticate, validate, run, filter the response. */
export function routeHandler(
  route: RouteDefinition,
  deps: { container: Container; authenticate: Authenticate; closing: AbortSignal },
) {
  return async (req: Request, res: Response): Promise<void> => {
    const principal = await deps.authenticate(req, res, route);

    const params = parseInput(route.params ?? z.object({}), 'params', req.params);
    // A malformed id is indistinguishable from an unknown one to the caller.
    if (!params.ok) throw new NotFoundError();

    const query = parseInput(route.query ?? EMPTY_STRICT, 'query', req.query);
    const body = route.body ? parseInput(route.body, 'body', bodyOf(req)) : checkNoBody(req);
    const problems = [...(query.ok ? [] : query.problems), ...(body.ok ? [] : body.problems)];
    if (problems.length > 0 || !query.ok || !body.ok) throw new ValidationError(problems);

    const ip = clientIp(req);
    const result = await route.handler({
      params: params.value,
      query: query.value,
      body: body.value,
      principal,
      audit: principal
        ? {
            organisationId: principal.organisationId,
            actor:
              principal.kind === 'user'
                ? { type: 'user', id: principal.userId }
                : { type: 'api_key', id: principal.apiKeyId },
            ip,
          }
        : null,
      ip,
      container: deps.container,
      closing: deps.closing,
      req,
      res,
    });
    if (res.headersSent) return;

    const status = isReply(result) ? result.status : route.status;
    const payload = isReply(result) ? result.body : result;
    if (isReply(result))
      for (const [name, value] of Object.entries(result.headers)) res.setHeader(name, value);
    if (payload === undefined || status === 204) {
      res.status(status).end();
      return;
    }
    const out = route.response
      ? route.response.safeParse(payload)
      : { success: true as const, data: payload };
    if (!out.success) {
      // The handler broke its own contract: a bug, answered 500 and logged with the detail.
      throw new Error(
        `response of ${route.method.toUpperCase()} ${route.path} does not match its schema: ${out.error.message}`,
      );
    }
    res.status(status).json(out.data);
  };
}

/** `req.body` is undefined when no JSON was sent; an object schema then sees `{}` so it lists what is required. */
function bodyOf(req: Request): unknown {
  if (req.body !== undefined) return req.body;
  if (hasBody(req) && !req.is('application/json')) {
    throw new HttpError(415, 'unsupported_media_type', 'send the request body as application/json');
  }
  return {};
}

function hasBody(req: Request): boolean {
  const length = req.get('content-length');
  return (length !== undefined && length !== '0') || req.get('transfer-encoding') !== undefined;
}

function checkNoBody(
  req: Request,
):
  | { ok: true; value: undefined }
  | { ok: false; problems: { path: string; message: string; code: string }[] } {
  const body: unknown = req.body;
  const empty =
    body === undefined || (typeof body === 'object' && body !== null && Object.keys(body).length === 0);
  return empty
    ? { ok: true, value: undefined }
    : {
        ok: false,
        problems: [{ path: 'body', message: 'this request takes no body', code: 'unexpected_body' }],
      };
}
