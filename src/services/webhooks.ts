/**
 * Notification channels of a project (outgoing webhooks) and their delivery log. The URL is checked
 * against the egress policy when it is registered or changed (scheme, credentials, IP literals,
 * `localhost`), and again on every connection at delivery, so a host name whose DNS later points at a
 * private address is still refused. The signing secret is generated here, shown once, and stored
 * encrypted. Every change is audited.
 */
import type { EgressPolicy } from '../core/egress/policy.ts';
import type { Clock } from '../platform/clock.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import type { NotificationChannel, NotificationEvent, WebhookDelivery } from '../ports/notification-store.ts';
import type { Page, PageRequest } from '../ports/pagination.ts';
import type { Stores, TransactionRunner } from '../ports/stores.ts';
import { type Caller, recordAudit } from './caller.ts';
import type { SecretCipher } from './secrets-crypto.ts';
import type { WebhookDispatcher } from './webhooks-jobs.ts';
import { generateWebhookSecret, sealWebhookSecret } from './webhooks-signing.ts';

export interface WebhookServiceDeps {
  stores: Pick<Stores, 'notifications' | 'projects'>;
  transaction: TransactionRunner;
  cipher: SecretCipher;
  /** The same policy as delivery uses (ASSAY_EGRESS_ALLOW). */
  egress: Pick<EgressPolicy, 'decideUrl'>;
  dispatcher: WebhookDispatcher;
  clock: Clock;
}

export interface ChannelInput {
  name: string;
  url: string;
  events: NotificationEvent[];
  enabled?: boolean | undefined;
}

export interface ChannelPatchInput {
  name?: string | undefined;
  url?: string | undefined;
  events?: NotificationEvent[] | undefined;
  enabled?: boolean | undefined;
  /** Replaces the signing secret; the new one is returned once. */
  rotateSecret?: boolean | undefined;
}

export interface ChannelWithSecret {
  channel: NotificationChannel;
  /** Shown once: at creation and after a rotation; null otherwise. */
  secret: string | null;
}

export interface WebhookService {
  create(caller: Caller, projectId: string, input: ChannelInput): Promise<ChannelWithSecret>;
  list(caller: Caller, projectId: string, page?: PageRequest): Promise<Page<NotificationChannel>>;
  get(caller: Caller, projectId: string, channelId: string): Promise<NotificationChannel>;
  update(
    caller: Caller,
    projectId: string,
    channelId: string,
    patch: ChannelPatchInput,
  ): Promise<ChannelWithSecret>;
  delete(caller: Caller, projectId: string, channelId: string): Promise<void>;
  listDeliveries(
    caller: Caller,
    projectId: string,
    channelId: string,
    page?: PageRequest,
  ): Promise<Page<WebhookDelivery>>;
  /** Sends a delivery again, whatever its status, as a new series of attempts. */
  redeliver(
    caller: Caller,
    projectId: string,
    channelId: string,
    deliveryId: string,
  ): Promise<WebhookDelivery>;
}

export function createWebhookService(deps: WebhookServiceDeps): WebhookService {
  const { stores, transaction } = deps;

  function checkUrl(url: string, path = 'body.url'): string {
    const decision = deps.egress.decideUrl(url);
    if (!decision.allowed) {
      throw new UnprocessableError([{ path, message: decision.reason, code: 'egress_denied' }], {
        code: 'url_not_allowed',
        message: `the webhook URL is not allowed: ${decision.reason}`,
      });
    }
    return decision.url.href;
  }

  async function channelOf(caller: Caller, projectId: string, channelId: string) {
    const channel = await stores.notifications.getChannel(caller.organisationId, channelId);
    if (!channel || channel.projectId !== projectId) throw new NotFoundError('notification channel');
    return channel;
  }

  return {
    async create(caller, projectId, input) {
      const url = checkUrl(input.url);
      const id = newId(deps.clock.now().getTime());
      const secret = generateWebhookSecret();
      const channel = await transaction(async (tx) => {
        const created = await tx.notifications.createChannel({
          id,
          organisationId: caller.organisationId,
          projectId,
          name: input.name,
          url,
          events: uniqueEvents(input.events),
          enabled: input.enabled ?? true,
          secret: sealWebhookSecret(
            deps.cipher,
            { organisationId: caller.organisationId, channelId: id },
            secret,
          ),
        });
        await recordAudit(tx.audit, caller, {
          action: 'notification_channel.created',
          target: { type: 'notification_channel', id },
          data: { project_id: projectId, name: created.name, url: created.url, events: created.events },
        });
        return created;
      });
      return { channel, secret };
    },

    async list(caller, projectId, page) {
      // Another organisation's project is a 404, not an empty list.
      if (!(await stores.projects.get(caller.organisationId, projectId))) throw new NotFoundError('project');
      return stores.notifications.listChannels(caller.organisationId, { projectId }, page);
    },

    get: channelOf,

    async update(caller, projectId, channelId, patch) {
      const url = patch.url === undefined ? undefined : checkUrl(patch.url);
      await channelOf(caller, projectId, channelId);
      const secret = patch.rotateSecret ? generateWebhookSecret() : null;
      const channel = await transaction(async (tx) => {
        const updated = await tx.notifications.updateChannel(caller.organisationId, channelId, {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(url !== undefined ? { url } : {}),
          ...(patch.events !== undefined ? { events: uniqueEvents(patch.events) } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
          ...(secret
            ? {
                secret: sealWebhookSecret(
                  deps.cipher,
                  { organisationId: caller.organisationId, channelId },
                  secret,
                ),
              }
            : {}),
        });
        if (!updated) throw new NotFoundError('notification channel');
        await recordAudit(tx.audit, caller, {
          action: 'notification_channel.updated',
          target: { type: 'notification_channel', id: channelId },
          data: {
            changed: Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined),
            ...(url !== undefined ? { url } : {}),
          },
        });
        return updated;
      });
      return { channel, secret };
    },

    async delete(caller, projectId, channelId) {
      const channel = await channelOf(caller, projectId, channelId);
      await transaction(async (tx) => {
        if (!(await tx.notifications.deleteChannel(caller.organisationId, channelId))) {
          throw new NotFoundError('notification channel');
        }
        await recordAudit(tx.audit, caller, {
          action: 'notification_channel.deleted',
          target: { type: 'notification_channel', id: channelId },
          data: { project_id: projectId, name: channel.name, url: channel.url },
        });
      });
    },

    async listDeliveries(caller, projectId, channelId, page) {
      await channelOf(caller, projectId, channelId);
      return stores.notifications.listDeliveries(caller.organisationId, channelId, page);
    },

    async redeliver(caller, projectId, channelId, deliveryId) {
      const channel = await channelOf(caller, projectId, channelId);
      if (!channel.enabled) {
        throw new ConflictError('the channel is disabled: enable it before redelivering', 'channel_disabled');
      }
      const delivery = await stores.notifications.getDelivery(caller.organisationId, deliveryId);
      if (!delivery || delivery.channelId !== channelId) throw new NotFoundError('delivery');
      // The URL may have been allowed when registered and be refused by today's policy.
      checkUrl(channel.url, 'channel.url');
      const pending = await transaction(async (tx) => {
        const marked = await tx.notifications.markPending(
          caller.organisationId,
          deliveryId,
          deps.clock.now(),
        );
        if (!marked) throw new NotFoundError('delivery');
        await recordAudit(tx.audit, caller, {
          action: 'webhook_delivery.redelivered',
          target: { type: 'webhook_delivery', id: deliveryId },
          data: { channel_id: channelId, event: delivery.event, previous_status: delivery.status },
        });
        return marked;
      });
      await deps.dispatcher.enqueue(pending, { redelivery: true });
      return pending;
    },
  };
}

function uniqueEvents(events: readonly NotificationEvent[]): NotificationEvent[] {
  return [...new Set(events)];
}
