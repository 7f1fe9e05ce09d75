/**
 * The JobQueue port on BullMQ: one Queue (producer, on the request-path client) and, once `process`
 * is called, one Worker (see job-worker.ts) per queue name. Jobs are removed from Redis when they
 * finish, successfully or not: PostgreSQL keeps the history, and a finished id can be enqueued again.
 */
import { Queue } from 'bullmq';
import type { Logger } from '../../platform/logger.ts';
import type {
  EnqueueOptions,
  JobHandler,
  JobQueue,
  JobState,
  ProcessOptions,
} from '../../ports/job-queue.ts';
import { type RedisClient, throttledErrorLog } from './connection.ts';
import { withDeadline } from './errors.ts';
import {
  DEFAULT_QUEUE_SETTINGS,
  type JobEnvelope,
  type QueueSettings,
  toBullJobId,
  toBullPriority,
} from './job-settings.ts';
import { type FailedJobEvent, startWorker, type WorkerHandle } from './job-worker.ts';
import { createOrgSlots } from './org-slots.ts';
import { luaScript, runScript } from './scripts.ts';

export interface RedisJobQueueOptions {
  name: string;
  /** BullMQ's key prefix, e.g. `assay:bull`. */
  bullPrefix: string;
  /** Prefix of this adapter's own keys and channels (slots, parking, cancellation), e.g. `assay:q:`. */
  keyPrefix: string;
  /** The request-path client (no offline queue): enqueue, cancel, state, counts. Owned by the caller. */
  commands: RedisClient;
  /** The subscriber connection, for cancellation messages. Owned by the caller. */
  subscriber: RedisClient;
  /** The worker client (offline queue kept), connected on first use. Owned by the caller. */
  worker: () => Promise<RedisClient>;
  logger: Logger;
  settings?: Partial<QueueSettings>;
  /** Told about every failed try; `willRetry` says whether another follows. */
  onFailed?: (event: FailedJobEvent) => void;
}

/**
 * KEYS: wait, prioritized, delayed, active (BullMQ), parked. ARGV: parked entries older than this
 * are stale (their job was removed while parked). One atomic read, so that a job moving between
 * lists is counted once; a parked job counts as waiting.
 */
const COUNTS = luaScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', ARGV[1])
local active = redis.call('LRANGE', KEYS[4], 0, -1)
local parkedActive = 0
for _, id in ipairs(active) do
  if redis.call('ZSCORE', KEYS[5], id) then parkedActive = parkedActive + 1 end
end
local parkedDelayed = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do
  if redis.call('ZSCORE', KEYS[3], id) then parkedDelayed = parkedDelayed + 1 end
end
local waiting = redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2])
return { waiting + parkedActive + parkedDelayed, redis.call('ZCARD', KEYS[3]) - parkedDelayed, #active - parkedActive }
`);

const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function createRedisJobQueue<T>(options: RedisJobQueueOptions): JobQueue<T> {
  const { name, commands, logger } = options;
  if (!QUEUE_NAME.test(name)) throw new Error(`invalid queue name "${name}" (letters, digits, _ . - only)`);
  const settings: QueueSettings = { ...DEFAULT_QUEUE_SETTINGS, ...options.settings };
  const log = logger.child({ queue: name });
  const keyPrefix = `${options.keyPrefix}${name}:`;
  const queue = new Queue(name, { connection: commands, prefix: options.bullPrefix });
  queue.on('error', throttledErrorLog(log, 'job queue connection error'));
  const slots = createOrgSlots({
    client: commands,
    keyPrefix,
    leaseMs: settings.lockDurationMs,
    parkMs: settings.parkMs,
  });
  const jobKey = (bullId: string) => `${options.bullPrefix}:${name}:${bullId}`;
  const request = <R>(what: string, operation: () => Promise<R>) =>
    withDeadline(what, settings.requestTimeoutMs, operation);

  let worker: WorkerHandle | undefined;
  let closing: Promise<void> | undefined;

  async function isParked(bullId: string): Promise<boolean> {
    return (await commands.zScore(slots.parkedKey, bullId)) !== null;
  }

  async function organisationOf(bullId: string): Promise<string | undefined> {
    const json = await commands.hGet(jobKey(bullId), 'data');
    if (!json) return undefined;
    return (JSON.parse(json) as JobEnvelope<unknown>).organisationId;
  }

  return {
    name,

    async enqueue(data: T, enqueue: EnqueueOptions) {
      if (closing) throw new Error(`queue ${name} is closed`);
      const bullId = toBullJobId(enqueue.jobId);
      const envelope: JobEnvelope<T> = {
        id: enqueue.jobId,
        organisationId: enqueue.organisationId,
        data,
      };
      const attempts = Math.max(1, enqueue.attempts ?? 1);
      const [existed] = await request('enqueue', () =>
        Promise.all([
          // Sent ahead of BullMQ's script on the same connection, so it sees the state just before
          // the add (an existing id makes `add` a silent no-op). Two processes enqueueing one id in
          // the same instant may both report `added`; only one job exists either way.
          commands.exists(jobKey(bullId)),
          queue.add(name, envelope, {
            jobId: bullId,
            priority: toBullPriority(enqueue.priority),
            delay: Math.max(0, enqueue.delayMs ?? 0),
            attempts,
            backoff: { type: 'exponential', delay: enqueue.backoffMs ?? 1_000 },
            removeOnComplete: true,
            removeOnFail: true,
          }),
        ]),
      );
      const added = existed === 0;
      return { jobId: enqueue.jobId, added };
    },

    process(handler: JobHandler<T>, processOptions: ProcessOptions) {
      if (worker) throw new Error('this queue already has a handler');
      if (closing) throw new Error(`queue ${name} is closed`);
      worker = startWorker<T>({
        name,
        bullPrefix: options.bullPrefix,
        keyPrefix,
        queue,
        commands,
        subscriber: options.subscriber,
        workerClient: options.worker,
        slots,
        settings,
        logger: log,
        handler,
        processOptions,
        onFailed: options.onFailed,
      });
    },

    async cancel(jobId) {
      const bullId = toBullJobId(jobId);
      return request('cancel', async () => {
        const state = await queue.getJobState(bullId);
        if (state === 'waiting' || state === 'prioritized' || state === 'delayed') {
          const org = await organisationOf(bullId);
          const removed = await queue.remove(bullId);
          if (removed === 1) {
            if (org !== undefined) await slots.forget(org, bullId);
            return 'removed';
          }
        }
        if (state !== 'active' && (await queue.getJobState(bullId)) !== 'active') return 'not_found';
        // The flag reaches a worker that missed the message (reconnecting) at its next check, and a
        // job that restarts elsewhere after a stall; the message reaches the holder at once.
        await commands.set(`${keyPrefix}cancel:${bullId}`, '1', {
          expiration: { type: 'PX', value: 24 * 3_600_000 },
        });
        await commands.publish(`${keyPrefix}cancel`, bullId);
        return 'signalled';
      });
    },

    async getState(jobId): Promise<JobState | null> {
      const bullId = toBullJobId(jobId);
      return request('job state', async () => {
        // Both asked at once; a parked job is `delayed` (or briefly `active`) in BullMQ's terms.
        const parked = isParked(bullId);
        parked.catch(() => undefined);
        const state = await queue.getJobState(bullId);
        if (state === 'waiting' || state === 'prioritized') return 'waiting';
        if (state !== 'delayed' && state !== 'active') return null;
        return (await parked) ? 'waiting' : state;
      });
    },

    async counts() {
      const keys = queue.keys;
      const reply = (await request('counts', () =>
        runScript(
          commands,
          COUNTS,
          [keys.wait, keys.prioritized, keys.delayed, keys.active, slots.parkedKey].map(String),
          [Date.now() - settings.parkMs * 4],
        ),
      )) as number[];
      return { waiting: Number(reply[0]), delayed: Number(reply[1]), active: Number(reply[2]) };
    },

    close(closeOptions = {}) {
      closing ??= (async () => {
        if (worker) await worker.close(closeOptions.signal);
        await withDeadline('queue close', settings.forceCloseAfterMs, () => queue.close()).catch(
          (error: unknown) => log.warn({ err: error }, 'job queue did not close cleanly'),
        );
      })();
      return closing;
    },
  };
}
