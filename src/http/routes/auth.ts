/**
 * Sign-in with a session cookie, sign-out, who am I, password change. The CSRF token a browser must
 * send back in `X-CSRF-Token` is returned by sign-in and by /auth/me.
 */
import { z } from 'zod';
import { UnauthorizedError } from '../../platform/errors.ts';
import type { Organisation, Role } from '../../ports/organisation-store.ts';
import type { User } from '../../ports/user-store.ts';
import { changePassword, login } from '../../services/auth.ts';
import { endSession, hashToken, resolveSession } from '../../services/sessions.ts';
import { ORGANISATION_HEADER, sessionDeps } from '../auth.ts';
import { clearSessionCookie, readCookie, SESSION_COOKIE, setSessionCookie } from '../cookies.ts';
import { checkCsrfToken } from '../csrf.ts';
import { defineRoute, defineRoutes } from '../route.ts';
import { anyPassword, email, id, newPassword, role } from '../schemas.ts';

const userView = z.object({ id, email: z.string(), name: z.string() });
const membershipView = z.object({ id, name: z.string(), slug: z.string(), role });

export const signedInViewSchema = z.object({
  user: userView,
  /** The organisation requests act in unless X-Assay-Organisation names another. */
  organisation: membershipView.nullable(),
  organisations: z.array(membershipView),
  csrf_token: z.string().describe('Send back as X-CSRF-Token on every state-changing request.'),
});

export function signedInView(input: {
  user: User;
  organisations: (Organisation & { role: Role })[];
  csrfToken: string;
}): z.input<typeof signedInViewSchema> {
  const organisations = input.organisations.map((o) => ({
    id: o.id,
    name: o.name,
    slug: o.slug,
    role: o.role,
  }));
  return {
    user: { id: input.user.id, email: input.user.email, name: input.user.name },
    organisation: organisations[0] ?? null,
    organisations,
    csrf_token: input.csrfToken,
  };
}

const meSchema = z.object({
  kind: z.enum(['user', 'api_key']),
  organisation: membershipView.omit({ role: true }),
  user: userView.nullable().describe('The person, or the creator of the API key.'),
  role: role.nullable().describe('The person’s role; null for an API key.'),
  scopes: z.array(z.string()).nullable().describe('The API key’s scopes; null for a person.'),
  organisations: z.array(membershipView).describe('Every organisation of the person (empty for an API key).'),
  csrf_token: z.string().nullable(),
});

export const authRoutes = defineRoutes(
  'Authentication',
  [
    defineRoute({
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in',
      description:
        'Sets the `assay_session` cookie (HttpOnly, SameSite=Lax, Secure over HTTPS) with a new session id. A wrong email and a wrong password get the same answer.',
      auth: 'public',
      body: z.strictObject({ email, password: anyPassword }),
      response: signedInViewSchema,
      handler: async ({ body, container, req, res, ip }) => {
        const session = sessionDeps(container);
        const result = await login(
          {
            users: container.stores.users,
            organisations: container.stores.organisations,
            audit: container.stores.audit,
            session,
            clock: container.clock,
          },
          {
            email: body.email,
            password: body.password,
            ip,
            userAgent: req.get('user-agent') ?? null,
            previousToken: readCookie(req, SESSION_COOKIE),
          },
        );
        setSessionCookie(req, res, result.token, session.ttl.absoluteMs);
        return signedInView({ ...result, csrfToken: result.session.csrfToken });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      summary: 'Sign out',
      description: 'Ends the session and clears the cookie. With a live session, X-CSRF-Token is required.',
      auth: 'public',
      handler: async ({ container, req, res }) => {
        const token = readCookie(req, SESSION_COOKIE);
        if (token) {
          const deps = sessionDeps(container);
          const session = await resolveSession(deps, token);
          // Only a live session needs protecting from a forged sign-out; a dead cookie is just cleared.
          if (session) checkCsrfToken(req, session.csrfToken);
          await endSession(deps, hashToken(token));
        }
        clearSessionCookie(req, res);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/me',
      summary: 'Who is calling',
      description: `The person (with their organisations and the CSRF token) or the API key behind the request. A person in several organisations picks one with the ${ORGANISATION_HEADER} header.`,
      auth: 'any',
      role: 'viewer',
      scope: null,
      response: meSchema,
      handler: async ({ principal, container }) => {
        const { users, organisations } = container.stores;
        const organisation = await organisations.get(principal.organisationId);
        if (!organisation) throw new UnauthorizedError();
        const org = { id: organisation.id, name: organisation.name, slug: organisation.slug };
        const user = principal.userId ? await users.get(principal.userId) : null;
        const userOut = user ? { id: user.id, email: user.email, name: user.name } : null;
        if (principal.kind === 'api_key') {
          return {
            kind: 'api_key' as const,
            organisation: org,
            user: userOut,
            role: null,
            scopes: principal.scopes,
            organisations: [],
            csrf_token: null,
          };
        }
        const all = await organisations.listForUser(principal.userId);
        return {
          kind: 'user' as const,
          organisation: org,
          user: userOut,
          role: principal.role,
          scopes: null,
          organisations: all.map((o) => ({ id: o.id, name: o.name, slug: o.slug, role: o.role })),
          csrf_token: principal.session.csrfToken,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password',
      summary: 'Change your password',
      description: 'Every other session of the account is signed out.',
      auth: 'session',
      role: 'viewer',
      body: z.strictObject({ current_password: anyPassword, new_password: newPassword }),
      handler: async ({ body, principal, container, ip }) => {
        if (principal.kind !== 'user') throw new UnauthorizedError();
        await changePassword(
          {
            users: container.stores.users,
            session: sessionDeps(container),
            audit: container.stores.audit,
            organisations: container.stores.organisations,
          },
          {
            userId: principal.userId,
            currentPassword: body.current_password,
            newPassword: body.new_password,
            keepSessionIdHash: principal.session.idHash,
            ip,
          },
        );
        return undefined;
      },
    }),
  ],
  'Browser sessions. Machines use API keys instead (Authorization: Bearer).',
);
