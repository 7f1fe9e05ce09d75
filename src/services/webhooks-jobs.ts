/**
 * How the webhook use cases reach the `webhooks` queue without knowing it (the worker's dispatcher
 * implements this from the job catalog). A job carries the delivery id only: the payload, the channel
 * and its secret stay in the database, and Redis holds nothing worth stealing.
 */
import type { WebhookDelivery } from '../ports/notification-store.ts';

export interface WebhookJob {
  deliveryId: string;
}

/**
 * The first delivery is `webhook:<id>`, so notifying twice adds nothing while it waits or runs; a
 * manual redelivery is `webhook:<id>:<attempts so far>`, a new job each time someone asks after a try.
 */
export function webhookJobId(
  delivery: Pick<WebhookDelivery, 'id'>,
  redelivery?: { attempts: number },
): string {
  return redelivery ? `webhook:${delivery.id}:${redelivery.attempts}` : `webhook:${delivery.id}`;
}

export interface WebhookDispatcher {
  /** Enqueues the delivery with the catalog's retry policy (exponential backoff). */
  enqueue(
    delivery: Pick<WebhookDelivery, 'id' | 'organisationId' | 'attempts'>,
    options?: { redelivery?: boolean },
  ): Promise<{ jobId: string; added: boolean }>;
}
