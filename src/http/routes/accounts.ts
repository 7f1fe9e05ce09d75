/** First-start setup: is it needed, and complete it with the one-time token from the server log. */
import { z } from 'zod';
import { completeSetup, setupRequired } from '../../services/accounts.ts';
import { startSession } from '../../services/sessions.ts';
import { sessionDeps } from '../auth.ts';
import { readCookie, SESSION_COOKIE, setSessionCookie } from '../cookies.ts';
import { defineRoute, defineRoutes } from '../route.ts';
import { email, newPassword } from '../schemas.ts';
import { signedInView, signedInViewSchema } from './auth.ts';

export const accountRoutes = defineRoutes(
  'Setup',
  [
    defineRoute({
      method: 'get',
      path: '/setup',
      summary: 'Whether the server still needs its first owner',
      auth: 'public',
      response: z.object({ setup_required: z.boolean() }),
      handler: async ({ container }) => ({
        setup_required: await setupRequired({ users: container.stores.users }),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/setup',
      summary: 'Create the first owner and organisation with the one-time setup token',
      description:
        'The token comes from the link the server logs on first start when ASSAY_ADMIN_EMAIL is not set. It works once and expires after 24 hours. The new owner is signed in.',
      auth: 'public',
      status: 201,
      body: z.strictObject({
        token: z.string().min(1).max(200),
        email,
        password: newPassword,
        name: z.string().max(200).default(''),
        organisation_name: z.string().trim().min(1).max(200),
      }),
      response: signedInViewSchema,
      handler: async ({ body, container, req, res, ip }) => {
        const { user, organisation } = await completeSetup(
          { transaction: container.transaction, clock: container.clock },
          {
            token: body.token,
            email: body.email,
            name: body.name,
            password: body.password,
            organisationName: body.organisation_name,
            ip,
          },
        );
        const deps = sessionDeps(container);
        const { token, session } = await startSession(deps, {
          userId: user.id,
          ip,
          userAgent: req.get('user-agent') ?? null,
          previousToken: readCookie(req, SESSION_COOKIE),
        });
        setSessionCookie(req, res, token, deps.ttl.absoluteMs);
        return signedInView({
          user,
          organisations: [{ ...organisation, role: 'owner' }],
          csrfToken: session.csrfToken,
        });
      },
    }),
  ],
  'First start of a fresh install.',
);
