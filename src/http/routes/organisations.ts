/** The caller's organisation and its audit log. */
import { z } from 'zod';
import type { AuditEntry } from '../../ports/audit-log.ts';
import type { Organisation } from '../../ports/organisation-store.ts';
import { queryAuditLog } from '../../services/audit-query.ts';
import { getOrganisation, updateOrganisation } from '../../services/organisations.ts';
import { pageOf, pageQuery, pageRequest, toPageResponse } from '../pagination.ts';
import { defineRoute, defineRoutes } from '../route.ts';
import { id, iso, timestamp } from '../schemas.ts';

const organisationSchema = z.object({
  id,
  name: z.string(),
  slug: z.string(),
  settings: z.record(z.string(), z.unknown()),
  created_at: timestamp,
  updated_at: timestamp,
});

function organisationView(o: Organisation): z.input<typeof organisationSchema> {
  return {
    id: o.id,
    name: o.name,
    slug: o.slug,
    settings: o.settings,
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
  };
}

const auditEntrySchema = z.object({
  id,
  action: z.string(),
  actor: z.object({ type: z.enum(['user', 'api_key', 'system']), id: id.nullable() }),
  target: z.object({ type: z.string(), id: id.nullable() }).nullable(),
  data: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  created_at: timestamp,
});

function auditEntryView(e: AuditEntry): z.input<typeof auditEntrySchema> {
  return {
    id: e.id,
    action: e.action,
    actor: e.actor,
    target: e.target,
    data: e.data,
    ip: e.ip,
    created_at: iso(e.createdAt),
  };
}

/** A JSON value of bounded depth; settings are free-form but not a place to store megabytes. */
const settingValue = z.union([
  z.string().max(10_000),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.unknown()).max(1000),
  z.record(z.string(), z.unknown()),
]);

export const organisationRoutes = defineRoutes(
  'Organisations',
  [
    defineRoute({
      method: 'get',
      path: '/organisations/current',
      summary: 'The organisation the request acts in',
      auth: 'any',
      role: 'viewer',
      scope: null,
      response: organisationSchema,
      handler: async ({ audit, container }) =>
        organisationView(
          await getOrganisation({ organisations: container.stores.organisations }, audit.organisationId),
        ),
    }),
    defineRoute({
      method: 'patch',
      path: '/organisations/current',
      summary: 'Rename the organisation or change its settings',
      description: 'Settings merge key by key; a key set to null is removed.',
      auth: 'any',
      role: 'admin',
      scope: 'admin',
      body: z
        .strictObject({
          name: z.string().trim().min(1).max(200).optional(),
          settings: z.record(z.string().min(1).max(100), settingValue).optional(),
        })
        .refine((body) => body.name !== undefined || body.settings !== undefined, {
          message: 'name or settings is required',
        }),
      response: organisationSchema,
      handler: async ({ body, audit, container }) =>
        organisationView(
          await updateOrganisation(
            { organisations: container.stores.organisations, audit: container.stores.audit },
            audit,
            body,
          ),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/audit-log',
      summary: 'The audit log, newest first',
      description:
        'Sign-ins and failures, API key and member changes, suite edits, run triggers, settings, denials (`access.denied`: IP allowlist, signature, scope) … Append-only: there is no route that changes or deletes an entry, and the database refuses to.',
      auth: 'any',
      role: 'admin',
      scope: 'admin',
      query: pageQuery({
        action: z
          .string()
          .max(100)
          .optional()
          .describe('Only entries with this action, e.g. `auth.login_failed`, or a family: `api_key.*`.'),
        actor_type: z.enum(['user', 'api_key', 'system']).optional(),
        actor_id: id.optional(),
        target_type: z.string().max(100).optional(),
        target_id: id.optional(),
        from: timestamp.optional().describe('Created at or after.'),
        to: timestamp.optional().describe('Created before.'),
      }),
      response: pageOf(auditEntrySchema),
      handler: async ({ query, audit, container }) =>
        toPageResponse(
          await queryAuditLog(
            { audit: container.stores.audit },
            audit.organisationId,
            {
              action: query.action,
              actorType: query.actor_type,
              actorId: query.actor_id,
              targetType: query.target_type,
              targetId: query.target_id,
              from: query.from ? new Date(query.from) : undefined,
              to: query.to ? new Date(query.to) : undefined,
            },
            pageRequest(query),
          ),
          auditEntryView,
        ),
    }),
  ],
  'The organisation a request acts in: its name, settings and audit log.',
);
