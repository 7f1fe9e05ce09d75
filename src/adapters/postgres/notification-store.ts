import type { Selectable } from 'kysely';
import { isId, newId } from '../../platform/ids.ts';
import type {
  DeliveryStatus,
  NotificationChannel,
  NotificationEvent,
  NotificationStore,
  WebhookDelivery,
} from '../../ports/notification-store.ts';
import { json, keyset, mapDbError, olderThan, type StoreDeps, toBuffer, toPage } from './sql-helpers.ts';
import type { NotificationChannelsTable, WebhookDeliveriesTable } from './tables.ts';

function toChannel(row: Selectable<NotificationChannelsTable>): NotificationChannel {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    projectId: row.project_id,
    name: row.name,
    kind: 'webhook',
    url: row.url,
    events: row.events as NotificationEvent[],
    enabled: row.enabled,
    secret: {
      ciphertext: toBuffer(row.secret_ciphertext),
      iv: toBuffer(row.secret_iv),
      tag: toBuffer(row.secret_tag),
      keyId: row.secret_key_id,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    channelId: row.channel_id,
    runId: row.run_id,
    event: row.event as NotificationEvent,
    dedupeKey: row.dedupe_key,
    payload: row.payload as Record<string, unknown>,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    responseStatus: row.response_status,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createNotificationStore({ db, clock }: StoreDeps): NotificationStore {
  async function findDelivery(organisationId: string, channelId: string, dedupeKey: string) {
    const row = await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('channel_id', '=', channelId)
      .where('dedupe_key', '=', dedupeKey)
      .executeTakeFirst();
    return row ? toDelivery(row) : null;
  }

  return {
    async createChannel(input) {
      const now = clock.now();
      try {
        const row = await db
          .insertInto('notification_channels')
          .values({
            id: input.id,
            organisation_id: input.organisationId,
            project_id: input.projectId,
            name: input.name,
            url: input.url,
            events: input.events,
            enabled: input.enabled ?? true,
            secret_ciphertext: input.secret.ciphertext,
            secret_iv: input.secret.iv,
            secret_tag: input.secret.tag,
            secret_key_id: input.secret.keyId,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toChannel(row);
      } catch (error) {
        return mapDbError(error, { parent: 'project' });
      }
    },

    async getChannel(organisationId, channelId) {
      if (!isId(channelId)) return null;
      const row = await db
        .selectFrom('notification_channels')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('id', '=', channelId)
        .executeTakeFirst();
      return row ? toChannel(row) : null;
    },

    async listChannels(organisationId, filter, page) {
      const { limit, after } = keyset(page);
      let query = db
        .selectFrom('notification_channels')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where(olderThan(after));
      if (filter.projectId !== undefined) {
        if (!isId(filter.projectId)) return { items: [], nextCursor: null };
        query = query.where('project_id', '=', filter.projectId);
      }
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return toPage(rows, limit, toChannel);
    },

    async listEnabledForProject(organisationId, projectId) {
      if (!isId(projectId)) return [];
      const rows = await db
        .selectFrom('notification_channels')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('project_id', '=', projectId)
        .where('enabled', '=', true)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toChannel).filter((channel) => channel.events.length > 0);
    },

    async updateChannel(organisationId, channelId, patch) {
      if (!isId(channelId)) return null;
      const row = await db
        .updateTable('notification_channels')
        .set({
          updated_at: clock.now(),
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.url !== undefined ? { url: patch.url } : {}),
          ...(patch.events !== undefined ? { events: patch.events } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
          ...(patch.secret !== undefined
            ? {
                secret_ciphertext: patch.secret.ciphertext,
                secret_iv: patch.secret.iv,
                secret_tag: patch.secret.tag,
                secret_key_id: patch.secret.keyId,
              }
            : {}),
        })
        .where('organisation_id', '=', organisationId)
        .where('id', '=', channelId)
        .returningAll()
        .executeTakeFirst();
      return row ? toChannel(row) : null;
    },

    async deleteChannel(organisationId, channelId) {
      if (!isId(channelId)) return false;
      const result = await db
        .deleteFrom('notification_channels')
        .where('organisation_id', '=', organisationId)
        .where('id', '=', channelId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async createDelivery(input) {
      const now = clock.now();
      try {
        // ON CONFLICT DO NOTHING: two processes finishing the same run meet here, one row survives.
        const row = await db
          .insertInto('webhook_deliveries')
          .values({
            id: newId(now.getTime()),
            organisation_id: input.organisationId,
            channel_id: input.channelId,
            run_id: input.runId,
            event: input.event,
            dedupe_key: input.dedupeKey,
            payload: json(input.payload),
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) => oc.columns(['channel_id', 'dedupe_key']).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (row) return { delivery: toDelivery(row), created: true };
      } catch (error) {
        return mapDbError(error, { parent: 'channel' });
      }
      const existing = await findDelivery(input.organisationId, input.channelId, input.dedupeKey);
      if (!existing) throw new Error('a conflicting webhook delivery vanished');
      return { delivery: existing, created: false };
    },

    async getDelivery(organisationId, deliveryId) {
      if (!isId(deliveryId)) return null;
      const row = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('id', '=', deliveryId)
        .executeTakeFirst();
      return row ? toDelivery(row) : null;
    },

    async listDeliveries(organisationId, channelId, page) {
      if (!isId(channelId)) return { items: [], nextCursor: null };
      const { limit, after } = keyset(page);
      const rows = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('channel_id', '=', channelId)
        .where(olderThan(after))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return toPage(rows, limit, toDelivery);
    },

    async recordAttempt(organisationId, deliveryId, attempt) {
      if (!isId(deliveryId)) return null;
      const row = await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          status: attempt.status,
          response_status: attempt.responseStatus,
          last_error: attempt.error,
          next_attempt_at: attempt.nextAttemptAt,
          ...(attempt.status === 'delivered' ? { delivered_at: attempt.at } : {}),
          updated_at: attempt.at,
        }))
        .where('organisation_id', '=', organisationId)
        .where('id', '=', deliveryId)
        .returningAll()
        .executeTakeFirst();
      return row ? toDelivery(row) : null;
    },

    async markPending(organisationId, deliveryId, at) {
      if (!isId(deliveryId)) return null;
      const row = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: at, updated_at: at })
        .where('organisation_id', '=', organisationId)
        .where('id', '=', deliveryId)
        .returningAll()
        .executeTakeFirst();
      return row ? toDelivery(row) : null;
    },
  };
}
