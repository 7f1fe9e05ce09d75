/**
 * Notification channels of a project (signed outgoing webhooks) and their delivery log. Admins only:
 * a channel's URL often carries a token of the receiving service.
 */
import { z } from 'zod';
import {
  NOTIFICATION_EVENTS,
  type NotificationChannel,
  type WebhookDelivery,
} from '../../ports/notification-store.ts';
import { webhookServicesFor } from '../../worker/webhook-runtime.ts';
import { pageOf, pageQuery, pageRequest, toPageResponse } from '../pagination.ts';
import { defineRoute, defineRoutes, reply } from '../route.ts';
import { id, iso, timestamp } from '../schemas.ts';

const event = z.enum(NOTIFICATION_EVENTS);

const channelSchema = z.object({
  id,
  project_id: id,
  name: z.string(),
  kind: z.literal('webhook'),
  url: z.string(),
  events: z.array(event),
  enabled: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});

const channelWithSecretSchema = channelSchema.extend({
  secret: z
    .string()
    .nullable()
    .describe(
      'The signing secret (`whsec_…`), shown once: at creation and after `rotate_secret`; null otherwise.',
    ),
});

const deliverySchema = z.object({
  id: id.describe('Also the `webhook-id` header of every try: receivers deduplicate with it.'),
  channel_id: id,
  run_id: id.nullable(),
  event,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int().describe('Tries so far, redeliveries included.'),
  response_status: z.number().int().nullable().describe('HTTP status of the last try; null if none came.'),
  last_error: z.string().nullable(),
  next_attempt_at: timestamp.nullable(),
  delivered_at: timestamp.nullable(),
  payload: z.object({}).catchall(z.unknown()).describe('The JSON body sent.'),
  created_at: timestamp,
  updated_at: timestamp,
});

function channelView(c: NotificationChannel): z.input<typeof channelSchema> {
  return {
    id: c.id,
    project_id: c.projectId,
    name: c.name,
    kind: c.kind,
    url: c.url,
    events: c.events,
    enabled: c.enabled,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
  };
}

function deliveryView(d: WebhookDelivery): z.input<typeof deliverySchema> {
  return {
    id: d.id,
    channel_id: d.channelId,
    run_id: d.runId,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    response_status: d.responseStatus,
    last_error: d.lastError,
    next_attempt_at: iso(d.nextAttemptAt),
    delivered_at: iso(d.deliveredAt),
    payload: d.payload,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
  };
}

const projectParams = z.strictObject({ projectId: id });
const channelParams = z.strictObject({ projectId: id, channelId: id });
const deliveryParams = z.strictObject({ projectId: id, channelId: id, deliveryId: id });

const name = z.string().trim().min(1).max(200);
const url = z
  .string()
  .min(1)
  .max(2048)
  .describe(
    'http or https; no credentials in it; private, loopback and metadata addresses are refused unless ASSAY_EGRESS_ALLOW opens them.',
  );
const events = z.array(event).min(1).max(NOTIFICATION_EVENTS.length);

const base = '/projects/:projectId/notification-channels';
const access = { auth: 'any', role: 'admin', scope: 'admin' } as const;

export const notificationChannelRoutes = defineRoutes(
  'Notification channels',
  [
    defineRoute({
      method: 'post',
      path: base,
      summary: 'Create a notification channel',
      description:
        'A webhook called for the chosen events of the runs of the project. The answer carries the signing secret once; keep it to verify the `webhook-signature` header (docs/webhooks.md).',
      ...access,
      status: 201,
      params: projectParams,
      body: z.strictObject({ name, url, events, enabled: z.boolean().optional() }),
      response: channelWithSecretSchema,
      handler: async ({ params, body, audit, container }) => {
        const { channel, secret } = await webhookServicesFor(container).service.create(
          audit,
          params.projectId,
          body,
        );
        return reply(
          201,
          { ...channelView(channel), secret },
          { Location: `/api/v1${base.replace(':projectId', params.projectId)}/${channel.id}` },
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: base,
      summary: 'List the notification channels of a project',
      description: 'Newest first.',
      ...access,
      params: projectParams,
      query: pageQuery(),
      response: pageOf(channelSchema),
      handler: async ({ params, query, audit, container }) =>
        toPageResponse(
          await webhookServicesFor(container).service.list(audit, params.projectId, pageRequest(query)),
          channelView,
        ),
    }),
    defineRoute({
      method: 'get',
      path: `${base}/:channelId`,
      summary: 'Read a notification channel',
      ...access,
      params: channelParams,
      response: channelSchema,
      handler: async ({ params, audit, container }) =>
        channelView(
          await webhookServicesFor(container).service.get(audit, params.projectId, params.channelId),
        ),
    }),
    defineRoute({
      method: 'patch',
      path: `${base}/:channelId`,
      summary: 'Change a notification channel',
      description:
        '`rotate_secret: true` replaces the signing secret and returns the new one once; deliveries from then on are signed with it.',
      ...access,
      params: channelParams,
      body: z.strictObject({
        name: name.optional(),
        url: url.optional(),
        events: events.optional(),
        enabled: z.boolean().optional(),
        rotate_secret: z.boolean().optional(),
      }),
      response: channelWithSecretSchema,
      handler: async ({ params, body, audit, container }) => {
        const { rotate_secret: rotateSecret, ...patch } = body;
        const { channel, secret } = await webhookServicesFor(container).service.update(
          audit,
          params.projectId,
          params.channelId,
          { ...patch, rotateSecret },
        );
        return { ...channelView(channel), secret };
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${base}/:channelId`,
      summary: 'Delete a notification channel',
      description: 'Its delivery log goes with it; pending deliveries are not sent.',
      ...access,
      params: channelParams,
      handler: async ({ params, audit, container }) => {
        await webhookServicesFor(container).service.delete(audit, params.projectId, params.channelId);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: `${base}/:channelId/deliveries`,
      summary: 'List the deliveries of a channel',
      description: 'Newest first: status, tries, the last response status or error, and the body sent.',
      ...access,
      params: channelParams,
      query: pageQuery(),
      response: pageOf(deliverySchema),
      handler: async ({ params, query, audit, container }) =>
        toPageResponse(
          await webhookServicesFor(container).service.listDeliveries(
            audit,
            params.projectId,
            params.channelId,
            pageRequest(query),
          ),
          deliveryView,
        ),
    }),
    defineRoute({
      method: 'post',
      path: `${base}/:channelId/deliveries/:deliveryId/redeliver`,
      summary: 'Send a delivery again',
      description:
        'Makes the delivery pending and queues a new series of tries (same body, same `webhook-id`, a new timestamp and signature). A disabled channel is a 409 `channel_disabled`.',
      ...access,
      status: 202,
      params: deliveryParams,
      response: deliverySchema,
      handler: async ({ params, audit, container }) =>
        reply(
          202,
          deliveryView(
            await webhookServicesFor(container).service.redeliver(
              audit,
              params.projectId,
              params.channelId,
              params.deliveryId,
            ),
          ),
        ),
    }),
  ],
  'Signed webhooks for `run.failed`, `run.recovered` and `run.finished`, delivered with retries and logged per channel.',
);
