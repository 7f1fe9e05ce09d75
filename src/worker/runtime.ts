/**
 * The run machinery of one process, wired from the container: the run service the API uses, the
 * executor consuming the `runs` queue, the reconciler (restart recovery, then every
 * ASSAY_RECONCILE_INTERVAL) and the scheduler. `assay serve` starts all three roles in embedded mode;
 * in distributed mode `assay worker` starts `execute` and API processes the others, unchanged.
 */
import type { Config } from '../config/config.ts';
import type { HttpSessionOptions } from '../core/runner/http/types.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { JobQueue } from '../ports/job-queue.ts';
import type { Stores, TransactionRunner } from '../ports/stores.ts';
import { createEnvironmentService } from '../services/environments.ts';
import { createRunEventWriter, type RunEventWriter } from '../services/run-events.ts';
import type { RunDispatcher, RunJob } from '../services/run-jobs.ts';
import { createRunService, type RunService } from '../services/runs.ts';
import { computeNextFire } from '../services/schedules-cron.ts';
import { createSecretCipher } from '../services/secrets-crypto.ts';
import { createRunExecutor, type ExecuteRunDeps } from './execute-run.ts';
import { defineHandler, registerJobHandlers } from './handlers.ts';
import { startReconciler } from './reconciler.ts';
import { createRunDispatcher } from './run-dispatcher.ts';
import { runHttpOptions } from './run-http.ts';
import { startScheduler } from './scheduler.ts';
import { type WebhookRuntimeOptions, webhookHandler, webhookServicesFor } from './webhook-runtime.ts';

/** What the run machinery needs from the composition root (the Container satisfies it). */
export interface RunRuntimeContainer {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly secretKey: Buffer;
  readonly stores: Stores;
  readonly transaction: TransactionRunner;
  readonly events: EventBus;
  queue<T>(name: string): JobQueue<T>;
}

export interface RunServices {
  service: RunService;
  dispatcher: RunDispatcher;
  writer: RunEventWriter;
}

const servicesByContainer = new WeakMap<RunRuntimeContainer, RunServices>();

/** The run service of a container, built once (routes call this per request). */
export function runServicesFor(container: RunRuntimeContainer): RunServices {
  let services = servicesByContainer.get(container);
  if (!services) {
    const dispatcher = createRunDispatcher(container.queue<RunJob>('runs'));
    const service = createRunService({
      stores: container.stores,
      transaction: container.transaction,
      dispatcher,
      events: container.events,
      clock: container.clock,
      logger: container.logger,
      onRunFinished: webhookServicesFor(container).notifier.notifyRunFinished,
    });
    const writer = createRunEventWriter({
      runEvents: container.stores.runEvents,
      events: container.events,
      onPublishError: (error) => container.logger.warn({ err: error }, 'run event not published'),
    });
    services = { service, dispatcher, writer };
    servicesByContainer.set(container, services);
  }
  return services;
}

export interface RunRuntimeOptions {
  /** Consume the `runs` queue in this process; default: the configuration's `runs.executeInServer`. */
  execute?: boolean;
  /** Runs executed at once by this process; default ASSAY_RUN_CONCURRENCY. */
  concurrency?: number;
  /** Run the reconciler: restart recovery now, then periodically. */
  reconcile?: boolean;
  /** Fire due schedules from this process. */
  schedule?: boolean;
  /** Overrides of the HTTP options of server-side runs (tests map hostnames with `lookup`). */
  http?: HttpSessionOptions;
  /** Replaced in tests. */
  resolveEnvironment?: ExecuteRunDeps['resolveEnvironment'];
  /** Webhook delivery overrides (tests: a retry policy in milliseconds, host names mapped). */
  webhooks?: WebhookRuntimeOptions;
}

export interface RunRuntime extends RunServices {
  /** Stops the scheduler and the reconciler, then the executor: active runs finish, or are given back to the queue when `signal` fires. */
  stop(options?: { signal?: AbortSignal }): Promise<void>;
}

export async function startRunRuntime(
  container: RunRuntimeContainer,
  options: RunRuntimeOptions = {},
): Promise<RunRuntime> {
  const { config, logger, clock } = container;
  // Before the run services, which notify through it: the options given here are the ones kept.
  const webhooks = webhookServicesFor(container, options.webhooks);
  const services = runServicesFor(container);
  const queue = container.queue<RunJob>('runs');
  const stoppers: (() => Promise<void>)[] = [];

  if (options.execute ?? config.runs.executeInServer) {
    const { runSuite } = await import('../core/runner/run-suite.ts');
    const environments = createEnvironmentService({
      stores: container.stores,
      transaction: container.transaction,
      cipher: createSecretCipher({ key: container.secretKey }),
    });
    const executor = createRunExecutor({
      stores: container.stores,
      events: container.events,
      clock,
      logger: logger.child({ component: 'runs' }),
      resolveEnvironment: options.resolveEnvironment ?? environments.resolveEnvironmentForRun,
      dispatcher: services.dispatcher,
      runSuite,
      // Loaded on the first Postman run: the script sandbox is not needed by processes that never run one.
      runCollection: async (collectionOptions) =>
        (await import('../core/postman/run/run-collection.ts')).runCollection(collectionOptions),
      limits: {
        timeoutMs: config.runs.timeoutMs,
        maxAttempts: config.runs.maxAttempts,
        bodyExcerptBytes: config.runs.bodyExcerptBytes,
      },
      http: { ...runHttpOptions(config), ...options.http },
      onRunFinished: webhooks.notifier.notifyRunFinished,
    });
    registerJobHandlers(container.queue, [
      defineHandler('runs', executor, {
        concurrency: options.concurrency ?? config.runs.concurrency,
        ...(config.runs.perOrganisationConcurrency === null
          ? {}
          : { perOrganisationConcurrency: config.runs.perOrganisationConcurrency }),
      }),
      webhookHandler(container),
    ]);
  }

  if (options.reconcile !== false) {
    const reconciler = startReconciler({
      stores: container.stores,
      dispatcher: services.dispatcher,
      writer: services.writer,
      clock,
      logger: logger.child({ component: 'reconciler' }),
      intervalMs: config.runs.reconcileIntervalMs,
    });
    stoppers.push(reconciler.stop);
    // Restart recovery happens before the process says it is up.
    await reconciler.ready;
  }

  if (options.schedule !== false) {
    const scheduler = startScheduler({
      stores: container.stores,
      transaction: container.transaction,
      dispatcher: services.dispatcher,
      events: container.events,
      clock,
      logger: logger.child({ component: 'scheduler' }),
      computeNextFire,
      intervalMs: config.runs.schedulerIntervalMs,
    });
    stoppers.push(scheduler.stop);
  }

  const stop = async (stopOptions: { signal?: AbortSignal } = {}) => {
    await Promise.all(stoppers.map((s) => s()));
    const counts = await queue.counts();
    if (counts.active > 0) logger.info({ active: counts.active }, 'waiting for active runs to finish');
    await Promise.all([queue.close(stopOptions), webhooks.queue.close(stopOptions)]);
  };

  return { ...services, stop };
}
