/**
 * The consuming side of a BullMQ queue: one Worker per queue and process, wrapped so that handlers
 * see the port's `Job` and its semantics:
 * - per-organisation caps through org-slots.ts (parking jobs of an organisation at its cap);
 * - errors with `retryable: false`, and failures after a cancellation, become `UnrecoverableError`
 *   (no further try); other errors are retried with exponential backoff while attempts remain;
 * - cancellation reaches the job wherever it runs: a message on `<queue>:cancel` aborts the job's
 *   signal at once, and a flag key is polled with the lease renewals in case the message was missed;
 * - shutdown: stop taking jobs, wait for the active ones; when the deadline signal fires, abort them,
 *   and hand each back to the waiting list (not an attempt) for another worker to run;
 * - a watchdog recreates a worker that sits idle while jobs wait (see QueueSettings.watchdog).
 */
import { hostname } from 'node:os';
import {
  type Job as BullJob,
  DelayedError,
  type Queue,
  UnrecoverableError,
  WaitingError,
  Worker,
} from 'bullmq';
import type { Logger } from '../../platform/logger.ts';
import type { JobHandler, ProcessOptions } from '../../ports/job-queue.ts';
import { type RedisClient, throttledErrorLog } from './connection.ts';
import { withDeadline } from './errors.ts';
import type { JobEnvelope, QueueSettings } from './job-settings.ts';
import type { OrgSlots } from './org-slots.ts';

export interface FailedJobEvent {
  jobId: string;
  attempt: number;
  error: unknown;
  willRetry: boolean;
}

export interface WorkerOptions<T> {
  name: string;
  bullPrefix: string;
  keyPrefix: string;
  queue: Queue;
  commands: RedisClient;
  subscriber: RedisClient;
  workerClient: () => Promise<RedisClient>;
  slots: OrgSlots;
  settings: QueueSettings;
  logger: Logger;
  handler: JobHandler<T>;
  processOptions: ProcessOptions;
  onFailed?: ((event: FailedJobEvent) => void) | undefined;
}

export interface WorkerHandle {
  close(deadline?: AbortSignal): Promise<void>;
}

class JobCancelledError extends Error {
  constructor() {
    super('job cancelled');
    this.name = 'JobCancelledError';
  }
}

class WorkerClosingError extends Error {
  constructor() {
    super('queue closing');
    this.name = 'WorkerClosingError';
  }
}

interface ActiveJob {
  controller: AbortController;
  org: string;
}

export function startWorker<T>(options: WorkerOptions<T>): WorkerHandle {
  const { name, settings, logger: log, slots, processOptions } = options;
  const cap = processOptions.perOrganisationConcurrency;
  const active = new Map<string, ActiveJob>();
  const cancelChannel = `${options.keyPrefix}cancel`;
  let client: RedisClient | undefined;
  let worker: Worker | undefined;
  let closing = false;
  let lastPickup = Date.now();

  const onCancelMessage = (bullId: string) => active.get(bullId)?.controller.abort(new JobCancelledError());

  /** Hands the next parked jobs of `org` back to BullMQ once slots are free. */
  async function promoteParked(org: string, releasedJobId: string | null): Promise<void> {
    if (cap === undefined) return;
    const next = await slots.release(org, releasedJobId, cap);
    for (const bullId of next) {
      // A job already promoted by another release, or still on its way to the delayed set, throws:
      // the first case needs nothing, the second is promoted by the parking worker's own release.
      await options.queue
        .getJob(bullId)
        .then((job) => job?.promote())
        .catch(() => undefined);
    }
  }

  async function processor(bullJob: BullJob, token?: string): Promise<void> {
    lastPickup = Date.now();
    const envelope = bullJob.data as JobEnvelope<T>;
    const bullId = String(bullJob.id);
    const org = envelope.organisationId;
    if (cap !== undefined) {
      const priority = bullJob.priority;
      if (!(await slots.acquire({ org, jobId: bullId, cap, priority }))) {
        await bullJob.moveToDelayed(Date.now() + settings.parkMs, token);
        // A slot freed between our refusal and the move could not promote this job: look again.
        await promoteParked(org, null).catch(() => undefined);
        throw new DelayedError();
      }
    }
    const controller = new AbortController();
    active.set(bullId, { controller, org });
    const attempt = bullJob.attemptsMade + 1;
    let failure: { error: unknown } | undefined;
    try {
      await options.handler({
        id: envelope.id,
        queue: name,
        data: envelope.data,
        organisationId: org,
        attempt,
        signal: controller.signal,
      });
    } catch (error) {
      failure = { error };
    } finally {
      active.delete(bullId);
      promoteParked(org, bullId).catch((error: unknown) =>
        log.warn({ err: error, org }, 'could not release an organisation slot; it expires with its lease'),
      );
    }
    const reason: unknown = controller.signal.reason;
    if (reason instanceof WorkerClosingError) {
      // Not finished, not failed: back to the front of the waiting list for another worker. If Redis
      // is unreachable now, the job's lock expires and the stalled check does the same.
      await withDeadline('release job', settings.forceCloseAfterMs, () => bullJob.moveToWait(token)).catch(
        (error: unknown) => log.warn({ err: error, jobId: envelope.id }, 'could not release job on shutdown'),
      );
      throw new WaitingError();
    }
    const cancelled = reason instanceof JobCancelledError;
    if (cancelled) options.commands.unlink(`${options.keyPrefix}cancel:${bullId}`).catch(() => undefined);
    if (!failure) return;
    const retryable = !cancelled && (failure.error as { retryable?: unknown } | null)?.retryable !== false;
    const willRetry = retryable && attempt < (bullJob.opts.attempts ?? 1);
    if (options.onFailed) options.onFailed({ jobId: envelope.id, attempt, error: failure.error, willRetry });
    else log.warn({ err: failure.error, jobId: envelope.id, attempt, willRetry }, 'job failed');
    if (retryable) throw failure.error;
    const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
    throw new UnrecoverableError(message);
  }

  const workerError = throttledErrorLog(log, 'job worker error');
  function createWorker(connection: RedisClient): Worker {
    const created = new Worker(name, processor, {
      connection,
      prefix: options.bullPrefix,
      name: `${hostname()}:${process.pid}`,
      concurrency: processOptions.concurrency,
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.stalledIntervalMs,
      maxStalledCount: settings.maxStalledCount,
    });
    created.on('error', workerError);
    created.on('stalled', (bullId: string) => log.warn({ bullId }, 'job stalled; it runs again'));
    return created;
  }

  /** Lease renewals and the cancellation flags of the jobs running here. */
  async function housekeeping(): Promise<void> {
    const redis = client;
    if (!redis?.isReady) return;
    await Promise.all(
      [...active.entries()].map(async ([bullId, job]) => {
        if (cap !== undefined && !(await slots.renew(job.org, bullId))) {
          log.warn({ bullId }, 'organisation slot lease lost (Redis unreachable for longer than the lease)');
        }
        if ((await redis.exists(`${options.keyPrefix}cancel:${bullId}`)) > 0) {
          job.controller.abort(new JobCancelledError());
        }
      }),
    );
  }

  let idleChecks = 0;
  async function watchdog(): Promise<void> {
    const redis = client;
    if (!settings.watchdog || closing || !worker || !redis?.isReady || active.size > 0) {
      idleChecks = 0;
      return;
    }
    const counts = await options.queue.getJobCounts('wait', 'prioritized');
    const waiting = (counts.wait ?? 0) + (counts.prioritized ?? 0);
    const idleFor = Date.now() - lastPickup;
    idleChecks = waiting > 0 && idleFor > settings.stalledIntervalMs ? idleChecks + 1 : 0;
    if (idleChecks < 2 || closing) return;
    idleChecks = 0;
    log.warn({ waiting, idleMs: idleFor }, 'job worker idle while jobs wait; recreating it');
    const stuck = worker;
    worker = createWorker(redis);
    lastPickup = Date.now();
    await stuck.close(true).catch(() => undefined);
  }

  const timers: NodeJS.Timeout[] = [];
  /** Retried until it works or the queue closes: a worker must not stay down because Redis blinked. */
  async function retried(what: string, step: () => Promise<void>): Promise<boolean> {
    for (let attempt = 0; !closing; attempt++) {
      try {
        await step();
        return true;
      } catch (error) {
        if (attempt % 30 === 0) log.warn({ err: error }, `job worker: ${what} failed; retrying`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
    return false;
  }

  const started = (async () => {
    const subscribed = await retried('subscribing to cancellations', async () => {
      await options.subscriber.subscribe(cancelChannel, onCancelMessage);
    });
    if (!subscribed) return;
    if (
      !(await retried('connecting', async () => {
        client = await options.workerClient();
      }))
    ) {
      return;
    }
    if (closing || !client) return;
    worker = createWorker(client);
    const every = (ms: number, task: () => Promise<void>) => {
      const timer = setInterval(() => {
        task().catch((error: unknown) => log.debug({ err: error }, 'job worker housekeeping failed'));
      }, ms);
      timer.unref();
      timers.push(timer);
    };
    every(Math.min(5_000, Math.floor(settings.lockDurationMs / 3)), housekeeping);
    every(settings.stalledIntervalMs, watchdog);
  })();
  started.catch((error: unknown) => log.error({ err: error }, 'job worker could not start'));
  let closed: Promise<void> | undefined;
  return {
    close(deadline) {
      closed ??= (async () => {
        closing = true;
        for (const timer of timers) clearInterval(timer);
        await started.catch(() => undefined);
        const abortAll = () => {
          for (const job of active.values()) job.controller.abort(new WorkerClosingError());
        };
        if (deadline?.aborted) abortAll();
        else deadline?.addEventListener('abort', abortAll, { once: true });
        try {
          await closeBounded(worker, deadline, settings.forceCloseAfterMs, log);
        } finally {
          deadline?.removeEventListener('abort', abortAll);
          await options.subscriber.unsubscribe(cancelChannel, onCancelMessage).catch(() => undefined);
        }
      })();
      return closed;
    },
  };
}

/**
 * `worker.close()` waits for the active jobs (as the port wants) and then for Redis, forever if Redis
 * is down. Once the deadline has fired, it gets `forceAfterMs` more before its connections are dropped.
 */
async function closeBounded(
  worker: Worker | undefined,
  deadline: AbortSignal | undefined,
  forceAfterMs: number,
  log: Logger,
): Promise<void> {
  if (!worker) return;
  const closing = worker.close();
  if (!deadline) return closing;
  let timer: NodeJS.Timeout | undefined;
  const force = new Promise<'force'>((resolve) => {
    const arm = () => {
      timer = setTimeout(() => resolve('force'), forceAfterMs);
    };
    if (deadline.aborted) arm();
    else deadline.addEventListener('abort', arm, { once: true });
  });
  try {
    if ((await Promise.race([closing, force])) === 'force') {
      log.warn('job worker did not close in time; dropping its connections');
      await worker.disconnect().catch(() => undefined);
      await Promise.race([closing.catch(() => undefined), new Promise((r) => setTimeout(r, forceAfterMs))]);
    }
  } finally {
    clearTimeout(timer);
  }
}
