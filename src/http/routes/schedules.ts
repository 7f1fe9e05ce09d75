/**
 * Schedules: a suite runs by itself on a cron expression read in an IANA time zone. `next_fire_at` is
 * computed whenever the timing changes; the scheduler fires due schedules exactly once per time.
 */
import { z } from 'zod';
import type { Container } from '../../container.ts';
import type { Schedule } from '../../ports/schedule-store.ts';
import { createScheduleService } from '../../services/schedules.ts';
import { pageOf, pageQuery, pageRequest, toPageResponse } from '../pagination.ts';
import { defineRoute, defineRoutes, reply } from '../route.ts';
import { id, idParams, iso, timestamp } from '../schemas.ts';

const scheduleSchema = z.object({
  id,
  project_id: id,
  suite_id: id,
  environment_id: id.nullable(),
  name: z.string(),
  cron: z.string(),
  timezone: z.string(),
  enabled: z.boolean(),
  next_fire_at: timestamp
    .nullable()
    .describe('Null while disabled, or when the expression never fires again.'),
  last_fired_at: timestamp.nullable(),
  created_by: id.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

function scheduleView(s: Schedule): z.input<typeof scheduleSchema> {
  return {
    id: s.id,
    project_id: s.projectId,
    suite_id: s.suiteId,
    environment_id: s.environmentId,
    name: s.name,
    cron: s.cron,
    timezone: s.timezone,
    enabled: s.enabled,
    next_fire_at: iso(s.nextFireAt),
    last_fired_at: iso(s.lastFiredAt),
    created_by: s.createdBy,
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
  };
}

const fields = {
  name: z.string().trim().max(200),
  cron: z
    .string()
    .min(1)
    .max(200)
    .describe(
      'Five fields (minute hour day-of-month month day-of-week) or @yearly, @monthly, @weekly, @daily, @hourly.',
    ),
  timezone: z
    .string()
    .min(1)
    .max(64)
    .describe('IANA time zone the expression is read in, e.g. Europe/Paris.'),
  enabled: z.boolean(),
  environment_id: id.nullable().describe('An environment of the same project; null runs without one.'),
};

function schedules(container: Container) {
  return createScheduleService({
    stores: container.stores,
    transaction: container.transaction,
    clock: container.clock,
  });
}

const checksNote =
  'A cron expression or time zone that cannot be used, or an environment of another project, is a 422 `invalid_schedule` naming each field in `errors`.';

export const scheduleRoutes = defineRoutes(
  'Schedules',
  [
    defineRoute({
      method: 'get',
      path: '/suites/:suiteId/schedules',
      summary: "List a suite's schedules",
      auth: 'any',
      role: 'viewer',
      scope: 'suites:read',
      params: idParams('suiteId'),
      query: pageQuery(),
      response: pageOf(scheduleSchema),
      handler: async ({ params, query, audit, container }) =>
        toPageResponse(
          await schedules(container).listForSuite(audit.organisationId, params.suiteId, pageRequest(query)),
          scheduleView,
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/suites/:suiteId/schedules',
      summary: 'Schedule a suite',
      description: `The time zone defaults to UTC; a schedule is enabled unless \`enabled\` is false. ${checksNote}`,
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      status: 201,
      params: idParams('suiteId'),
      body: z.strictObject({
        name: fields.name.optional(),
        cron: fields.cron,
        timezone: fields.timezone.optional(),
        enabled: fields.enabled.optional(),
        environment_id: fields.environment_id.optional(),
      }),
      response: scheduleSchema,
      handler: async ({ params, body, audit, container }) => {
        const schedule = await schedules(container).create(audit, {
          suiteId: params.suiteId,
          cron: body.cron,
          timezone: body.timezone,
          enabled: body.enabled,
          environmentId: body.environment_id,
          name: body.name,
        });
        return reply(201, scheduleView(schedule), { Location: `/api/v1/schedules/${schedule.id}` });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/projects/:projectId/schedules',
      summary: "List a project's schedules",
      auth: 'any',
      role: 'viewer',
      scope: 'suites:read',
      params: idParams('projectId'),
      query: pageQuery(),
      response: pageOf(scheduleSchema),
      handler: async ({ params, query, audit, container }) =>
        toPageResponse(
          await schedules(container).listForProject(
            audit.organisationId,
            params.projectId,
            pageRequest(query),
          ),
          scheduleView,
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/schedules/:scheduleId',
      summary: 'Read a schedule',
      auth: 'any',
      role: 'viewer',
      scope: 'suites:read',
      params: idParams('scheduleId'),
      response: scheduleSchema,
      handler: async ({ params, audit, container }) =>
        scheduleView(await schedules(container).get(audit.organisationId, params.scheduleId)),
    }),
    defineRoute({
      method: 'patch',
      path: '/schedules/:scheduleId',
      summary: 'Change a schedule',
      description: `\`next_fire_at\` is recomputed from now when the expression, time zone or \`enabled\` changes. ${checksNote}`,
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      params: idParams('scheduleId'),
      body: z.strictObject({
        name: fields.name.optional(),
        cron: fields.cron.optional(),
        timezone: fields.timezone.optional(),
        enabled: fields.enabled.optional(),
        environment_id: fields.environment_id.optional(),
      }),
      response: scheduleSchema,
      handler: async ({ params, body, audit, container }) =>
        scheduleView(
          await schedules(container).update(audit, params.scheduleId, {
            cron: body.cron,
            timezone: body.timezone,
            enabled: body.enabled,
            environmentId: body.environment_id,
            name: body.name,
          }),
        ),
    }),
    defineRoute({
      method: 'delete',
      path: '/schedules/:scheduleId',
      summary: 'Delete a schedule',
      description: 'Runs it already started keep their history.',
      auth: 'any',
      role: 'member',
      scope: 'suites:write',
      params: idParams('scheduleId'),
      handler: async ({ params, audit, container }) => {
        await schedules(container).delete(audit, params.scheduleId);
        return undefined;
      },
    }),
  ],
  'Cron schedules per suite, read in a time zone.',
);
