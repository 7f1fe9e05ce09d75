/** People of the organisation and their roles. */
import { z } from 'zod';
import type { MemberView } from '../../ports/organisation-store.ts';
import type { AuditContext, Principal } from '../../services/access.ts';
import {
  addMember,
  changeMemberRole,
  listMembers,
  type MemberContext,
  removeMember,
} from '../../services/members.ts';
import { pageOf, pageQuery, pageRequest, toPageResponse } from '../pagination.ts';
import { defineRoute, defineRoutes } from '../route.ts';
import { email, id, idParams, iso, role, timestamp } from '../schemas.ts';

const memberSchema = z.object({
  user_id: id,
  email: z.string(),
  name: z.string(),
  role,
  created_at: timestamp,
});

function memberView(m: MemberView): z.input<typeof memberSchema> {
  return { user_id: m.userId, email: m.email, name: m.name, role: m.role, created_at: iso(m.createdAt) };
}

/** API keys with the admin scope manage members as an admin would, never as an owner. */
function memberContext(principal: Principal, audit: AuditContext): MemberContext {
  return { ...audit, actorRole: principal.kind === 'user' ? principal.role : 'admin' };
}

export const memberRoutes = defineRoutes(
  'Members',
  [
    defineRoute({
      method: 'get',
      path: '/members',
      summary: 'List members',
      auth: 'any',
      role: 'viewer',
      scope: 'admin',
      query: pageQuery(),
      response: pageOf(memberSchema),
      handler: async ({ query, audit, container }) =>
        toPageResponse(
          await listMembers(
            { organisations: container.stores.organisations },
            audit.organisationId,
            pageRequest(query),
          ),
          memberView,
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/members',
      summary: 'Add a member',
      description:
        'Someone without an account gets one with a temporary password, returned once in `temporary_password`: hand it over securely; they change it with POST /api/v1/auth/password. Someone who already has an account is added as is (`temporary_password` is null). Only owners add owners.',
      auth: 'any',
      role: 'admin',
      scope: 'admin',
      status: 201,
      body: z.strictObject({ email, name: z.string().trim().max(200).default(''), role }),
      response: z.object({ member: memberSchema, temporary_password: z.string().nullable() }),
      handler: async ({ body, principal, audit, container }) => {
        const result = await addMember(
          { transaction: container.transaction },
          memberContext(principal, audit),
          body,
        );
        return { member: memberView(result.member), temporary_password: result.temporaryPassword };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/members/:userId',
      summary: "Change a member's role",
      description:
        'Only owners make owners or change an owner; the last owner cannot be demoted (409 `last_owner`).',
      auth: 'any',
      role: 'admin',
      scope: 'admin',
      params: idParams('userId'),
      body: z.strictObject({ role }),
      response: memberSchema,
      handler: async ({ params, body, principal, audit, container }) =>
        memberView(
          await changeMemberRole({ transaction: container.transaction }, memberContext(principal, audit), {
            userId: params.userId,
            role: body.role,
          }),
        ),
    }),
    defineRoute({
      method: 'delete',
      path: '/members/:userId',
      summary: 'Remove a member',
      description:
        'Only owners remove owners; the last owner cannot be removed (409 `last_owner`). The account itself remains.',
      auth: 'any',
      role: 'admin',
      scope: 'admin',
      params: idParams('userId'),
      handler: async ({ params, principal, audit, container }) => {
        await removeMember(
          { transaction: container.transaction },
          memberContext(principal, audit),
          params.userId,
        );
        return undefined;
      },
    }),
  ],
  'People of the organisation. Roles: viewer (reads) < member (runs, edits suites) < admin (keys, members, settings) < owner.',
);
