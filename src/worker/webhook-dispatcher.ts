/**
 * The webhook use cases' access to the `webhooks` queue, built from the job catalog: the job id is the
 * delivery's (see `webhookJobId`), the retry policy the catalog's (exponential backoff).
 */
import type { JobQueue } from '../ports/job-queue.ts';
import { type WebhookDispatcher, type WebhookJob, webhookJobId } from '../services/webhooks-jobs.ts';
import { jobCatalog } from './catalog.ts';

export function createWebhookDispatcher(
  queue: JobQueue<WebhookJob>,
  retry: { attempts: number; backoffMs: number } = jobCatalog.webhooks.retry,
): WebhookDispatcher {
  return {
    enqueue(delivery, options = {}) {
      return queue.enqueue(
        { deliveryId: delivery.id },
        {
          jobId: webhookJobId(delivery, options.redelivery ? { attempts: delivery.attempts } : undefined),
          organisationId: delivery.organisationId,
          attempts: retry.attempts,
          backoffMs: retry.backoffMs,
        },
      );
    },
  };
}
