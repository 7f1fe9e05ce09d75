/**
 * Who is calling. `Authorization: Bearer assay_…` → an API key principal (scopes); otherwise the session
 * cookie → a user principal with the role of their membership. A person in several organisations acts
 * in the oldest one unless the `X-Assay-Organisation` header names another they belong to. Then the
 * route's access is enforced: minimum role for people, scope for keys, CSRF for cookie requests.
 */
import type { Request, Response } from 'express';
import type { Container } from '../container.ts';
import { ForbiddenError, UnauthorizedError } from '../platform/errors.ts';
import type { ApiKey } from '../ports/api-key-store.ts';
import { type Principal, roleAtLeast, scopeGrants, type UserPrincipal } from '../services/access.ts';
import { authenticateApiKey } from '../services/api-keys.ts';
import { resolveSession, type SessionDeps } from '../services/sessions.ts';
import { clearSessionCookie, readCookie, SESSION_COOKIE } from './cookies.ts';
import { checkCsrfToken, checkOrigin, isSafeMethod } from './csrf.ts';
import { contextOf } from './request-context.ts';
import type { Authenticate, RouteAccess } from './route.ts';
import { clientIp } from './security/client-ip.ts';

export const ORGANISATION_HEADER = 'x-assay-organisation';

const PRINCIPAL = Symbol('principal');

export function sessionDeps(container: Container): SessionDeps {
  return {
    sessions: container.stores.sessions,
    clock: container.clock,
    ttl: {
      idleMs: container.config.accounts.sessionIdleTtlMs,
      absoluteMs: container.config.accounts.sessionAbsoluteTtlMs,
    },
  };
}

/** The principal of the current request (set by a non-public route); throws when there is none. */
export function principalOf(res: Response): Principal {
  const principal = (res.locals as { [PRINCIPAL]?: Principal })[PRINCIPAL];
  if (!principal) throw new UnauthorizedError();
  return principal;
}

export interface AuthenticateHooks {
  /**
   * Runs on a verified, live API key before its scope is checked and its use recorded: IP allowlists
   * and request signatures (`security/guard.ts`). Throws to refuse the request.
   */
  verifyApiKey?: (req: Request, apiKey: ApiKey) => Promise<void>;
}

export function createAuthenticate(container: Container, hooks: AuthenticateHooks = {}): Authenticate {
  const corsOrigins = container.config.server.corsOrigins;
  const sessions = sessionDeps(container);

  async function userPrincipal(req: Request, res: Response): Promise<UserPrincipal> {
    const token = readCookie(req, SESSION_COOKIE);
    if (!token) throw new UnauthorizedError('sign in first (no session cookie or API key)');
    const session = await resolveSession(sessions, token);
    if (!session) {
      clearSessionCookie(req, res);
      throw new UnauthorizedError('the session has expired; sign in again');
    }
    const memberships = await container.stores.organisations.listForUser(session.userId);
    const wanted = req.get(ORGANISATION_HEADER);
    const membership = wanted ? memberships.find((m) => m.id === wanted) : memberships[0];
    if (!membership) {
      // Not a member: say so without confirming the organisation exists.
      throw new ForbiddenError(
        wanted ? 'you are not a member of that organisation' : 'you are not a member of any organisation',
      );
    }
    return {
      kind: 'user',
      organisationId: membership.id,
      userId: session.userId,
      role: membership.role,
      session: { idHash: session.idHash, csrfToken: session.csrfToken },
    };
  }

  return async (req: Request, res: Response, access: RouteAccess): Promise<Principal | null> => {
    if (access.auth === 'public') {
      if (!isSafeMethod(req.method)) checkOrigin(req, corsOrigins);
      return null;
    }
    const authorization = req.get('authorization');
    let principal: Principal;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match?.[1]) throw new UnauthorizedError('use Authorization: Bearer <API key>');
      const verify = hooks.verifyApiKey;
      principal = await authenticateApiKey(
        { apiKeys: container.stores.apiKeys, clock: container.clock },
        match[1],
        clientIp(req),
        verify && ((apiKey) => verify(req, apiKey)),
      );
      if (access.auth === 'session')
        throw new ForbiddenError('this route is for people signed in, not API keys');
      if (access.scope && !scopeGrants(principal.scopes, access.scope)) {
        throw new ForbiddenError(`the API key lacks the ${access.scope} scope`);
      }
    } else {
      principal = await userPrincipal(req, res);
      if (!isSafeMethod(req.method)) {
        checkOrigin(req, corsOrigins);
        checkCsrfToken(req, principal.session.csrfToken);
      }
      if (access.role && !roleAtLeast(principal.role, access.role)) {
        throw new ForbiddenError(`this needs the ${access.role} role or higher; you are ${principal.role}`);
      }
    }
    contextOf(req).organisationId = principal.organisationId;
    (res.locals as { [PRINCIPAL]?: Principal })[PRINCIPAL] = principal;
    return principal;
  };
}
