/**
 * The handler of `webhooks` jobs: one signed POST of a delivery's payload to its channel's URL.
 *
 * - Through the engine's HTTP session with the egress policy's `check` on every connection (a host
 *   name that resolves to a private or metadata address is refused), redirects off (a receiver cannot
 *   send the signed body elsewhere), a short time-out, and no cookies kept between deliveries.
 * - 2xx is delivered. Other statuses and network errors are retried by the queue with exponential
 *   backoff until the catalog's attempts are spent. Redirects, refused addresses and undecryptable
 *   secrets fail at once: trying again cannot change them.
 * - Every try is written to the delivery log (attempts, response status, error, next try).
 * Safe to run twice: a delivered or failed delivery is left alone, and receivers deduplicate on the
 * `webhook-id` header, which stays the same on every try.
 */
import type { EgressPolicy } from '../core/egress/policy.ts';
import { createHttpSession } from '../core/runner/http/session.ts';
import { HttpError, type HttpSessionOptions } from '../core/runner/http/types.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Job } from '../ports/job-queue.ts';
import type { DeliveryAttempt, NotificationChannel, WebhookDelivery } from '../ports/notification-store.ts';
import type { Stores } from '../ports/stores.ts';
import type { SecretCipher } from '../services/secrets-crypto.ts';
import type { WebhookJob } from '../services/webhooks-jobs.ts';
import { openWebhookSecret, webhookHeaders } from '../services/webhooks-signing.ts';

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Receivers answer with a few bytes; a larger answer is read no further than this. */
const MAX_RESPONSE_BYTES = 256 * 1024;
export const WEBHOOK_USER_AGENT = 'Assay-Webhooks/1';

export interface WebhookDeliveryDeps {
  stores: Pick<Stores, 'notifications'>;
  cipher: SecretCipher;
  egress: Pick<EgressPolicy, 'check' | 'decideUrl'>;
  clock: Clock;
  logger: Logger;
  /** The catalog's policy: the last try records `failed` instead of planning another. */
  retry: { attempts: number; backoffMs: number };
  timeoutMs?: number;
  /** Tests map host names to loopback addresses. */
  lookup?: HttpSessionOptions['lookup'];
}

/** Tells the queue to try again (the error is already in the delivery log). */
class RetryDelivery extends Error {
  readonly retryable = true;
}

type Outcome =
  | { delivered: true; status: number }
  | { delivered: false; status: number | null; error: string; final: boolean };

export function createWebhookDeliverer(deps: WebhookDeliveryDeps): (job: Job<WebhookJob>) => Promise<void> {
  const { stores, clock } = deps;

  async function send(
    channel: NotificationChannel,
    delivery: WebhookDelivery,
    signal: AbortSignal,
  ): Promise<Outcome> {
    const decision = deps.egress.decideUrl(channel.url);
    if (!decision.allowed) return { delivered: false, status: null, error: decision.reason, final: true };
    let secret: string;
    try {
      secret = openWebhookSecret(
        deps.cipher,
        { organisationId: channel.organisationId, channelId: channel.id },
        channel.secret,
      );
    } catch (error) {
      return { delivered: false, status: null, error: (error as Error).message, final: true };
    }
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    const session = createHttpSession({
      egressCheck: deps.egress.check,
      userAgent: WEBHOOK_USER_AGENT,
      maxBodyBytes: MAX_RESPONSE_BYTES,
      ...(deps.lookup ? { lookup: deps.lookup } : {}),
    });
    try {
      const response = await session.send({
        method: 'POST',
        url: decision.url.href,
        headers: {
          'content-type': 'application/json',
          ...webhookHeaders(secret, { id: delivery.id, timestamp, body }),
        },
        body: { kind: 'raw', text: body },
        timeoutMs: deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS,
        followRedirects: false,
        maxRedirects: 0,
        signal,
      });
      const status = response.status;
      if (status >= 200 && status < 300) return { delivered: true, status };
      if (status >= 300 && status < 400) {
        const location = response.headers.location;
        return {
          delivered: false,
          status,
          error: `the receiver answered ${status}${location ? ` to ${String(location)}` : ''}; redirects are not followed`,
          final: true,
        };
      }
      return { delivered: false, status, error: `the receiver answered ${status}`, final: false };
    } catch (error) {
      if (signal.aborted) throw error;
      const code = error instanceof HttpError ? error.code : 'NETWORK';
      const final = code === 'EGRESS_DENIED' || code === 'INVALID_URL';
      return { delivered: false, status: null, error: `${code}: ${(error as Error).message}`, final };
    } finally {
      await session.close();
    }
  }

  return async function deliverWebhook(job) {
    const org = job.organisationId;
    const delivery = await stores.notifications.getDelivery(org, job.data.deliveryId);
    // Gone with its channel, or already settled by another run of this job.
    if (delivery?.status !== 'pending') return;
    const channel = await stores.notifications.getChannel(org, delivery.channelId);
    if (!channel) return;

    const outcome: Outcome = channel.enabled
      ? await send(channel, delivery, job.signal)
      : { delivered: false, status: null, error: 'the channel is disabled; not sent', final: true };
    const at = clock.now();
    const last = outcome.delivered || outcome.final || job.attempt >= deps.retry.attempts;
    const attempt: DeliveryAttempt = outcome.delivered
      ? { status: 'delivered', responseStatus: outcome.status, error: null, at, nextAttemptAt: null }
      : {
          status: last ? 'failed' : 'pending',
          responseStatus: outcome.status,
          error: outcome.error,
          at,
          nextAttemptAt: last ? null : new Date(at.getTime() + deps.retry.backoffMs * 2 ** (job.attempt - 1)),
        };
    await stores.notifications.recordAttempt(org, delivery.id, attempt);
    if (outcome.delivered) return;
    // A try that will be repeated is logged by the queue (job failed, willRetry); the last one here.
    if (!last) throw new RetryDelivery(`webhook not delivered: ${outcome.error}`);
    deps.logger.warn(
      {
        deliveryId: delivery.id,
        channelId: channel.id,
        attempts: delivery.attempts + 1,
        status: outcome.status,
      },
      `webhook delivery failed: ${outcome.error}`,
    );
  };
}
