/**
 * The webhook machinery of one process, wired from the container: the channel service the API uses,
 * the notifier the run machinery calls when a run ends, and the handler of the `webhooks` queue
 * (registered with the run executor, so a process that executes runs also delivers webhooks). One
 * egress policy (ASSAY_EGRESS_ALLOW) checks URLs at registration and every connection at delivery.
 */
import type { LookupFunction } from 'node:net';
import type { Config } from '../config/config.ts';
import { createEgressPolicy, type EgressPolicy } from '../core/egress/policy.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { JobQueue } from '../ports/job-queue.ts';
import type { Stores, TransactionRunner } from '../ports/stores.ts';
import { createRunNotifier, type RunNotifier } from '../services/notifications.ts';
import { createSecretCipher } from '../services/secrets-crypto.ts';
import { createWebhookService, type WebhookService } from '../services/webhooks.ts';
import type { WebhookDispatcher, WebhookJob } from '../services/webhooks-jobs.ts';
import { jobCatalog } from './catalog.ts';
import { defineHandler, type JobRegistration } from './handlers.ts';
import { createWebhookDeliverer } from './webhook-delivery.ts';
import { createWebhookDispatcher } from './webhook-dispatcher.ts';

/** What the webhook machinery needs from the composition root (the Container satisfies it). */
export interface WebhookContainer {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly secretKey: Buffer;
  readonly stores: Stores;
  readonly transaction: TransactionRunner;
  queue<T>(name: string): JobQueue<T>;
}

export interface WebhookRuntimeOptions {
  /** The catalog's retry policy unless given (tests retry in milliseconds). */
  retry?: { attempts: number; backoffMs: number };
  /** Per-try time-out; default WEBHOOK_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Tests map host names to loopback addresses. */
  lookup?: LookupFunction;
  /** Deliveries sent at once by this process; default 4. */
  concurrency?: number;
}

export interface WebhookServices {
  service: WebhookService;
  notifier: RunNotifier;
  dispatcher: WebhookDispatcher;
  queue: JobQueue<WebhookJob>;
  egress: EgressPolicy;
  options: WebhookRuntimeOptions;
}

const servicesByContainer = new WeakMap<WebhookContainer, WebhookServices>();

/**
 * The webhook services of a container, built once. The run runtime calls this first, with its
 * options; later calls (routes) get the same services whatever they pass.
 */
export function webhookServicesFor(
  container: WebhookContainer,
  options: WebhookRuntimeOptions = {},
): WebhookServices {
  let services = servicesByContainer.get(container);
  if (!services) {
    const { config } = container;
    const queue = container.queue<WebhookJob>('webhooks');
    const dispatcher = createWebhookDispatcher(queue, options.retry ?? jobCatalog.webhooks.retry);
    const egress = createEgressPolicy({ allow: config.security.egressAllow });
    services = {
      service: createWebhookService({
        stores: container.stores,
        transaction: container.transaction,
        cipher: createSecretCipher({ key: container.secretKey }),
        egress,
        dispatcher,
        clock: container.clock,
      }),
      notifier: createRunNotifier({
        stores: container.stores,
        dispatcher,
        publicUrl: config.server.publicUrl,
        logger: container.logger.child({ component: 'webhooks' }),
      }),
      dispatcher,
      queue,
      egress,
      options,
    };
    servicesByContainer.set(container, services);
  }
  return services;
}

/** The `webhooks` handler registration, for `registerJobHandlers` next to the run executor's. */
export function webhookHandler(container: WebhookContainer): JobRegistration<'webhooks'> {
  const { egress, options } = webhookServicesFor(container);
  const deliver = createWebhookDeliverer({
    stores: container.stores,
    cipher: createSecretCipher({ key: container.secretKey }),
    egress,
    clock: container.clock,
    logger: container.logger.child({ component: 'webhooks' }),
    retry: options.retry ?? jobCatalog.webhooks.retry,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  return defineHandler('webhooks', deliver, { concurrency: options.concurrency ?? 4 });
}
