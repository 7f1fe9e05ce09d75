/**
 * Distributed mode's infrastructure, built once by the composition root: the Redis connections of
 * this process and the adapters on them (job queues, cache, event bus, nonces, rate limits).
 *
 * Start-up refuses to continue when Redis cannot be reached in time or evicts keys
 * (`maxmemory-policy` other than `noeviction`). Once started, outages are survived: request-path
 * calls fail fast with an OperationalError (503), readiness goes red, workers wait and resume.
 *
 * Every key and channel lives under one prefix (default `assay:`), so that several installations or
 * test runs can share a Redis server and clean up after themselves.
 */

import type { Logger } from '../../platform/logger.ts';
import type { Cache } from '../../ports/cache.ts';
import type { EventBus } from '../../ports/event-bus.ts';
import type { JobQueue } from '../../ports/job-queue.ts';
import type { NonceStore } from '../../ports/nonce-store.ts';
import type { RateLimitStore } from '../../ports/rate-limit-store.ts';
import type { SessionStore } from '../../ports/session-store.ts';
import { createRedisCache } from './cache.ts';
import { closeRedis, connectRedis, createRedisClient, pingRedis, type RedisClient } from './connection.ts';
import { createRedisEventBus } from './event-bus.ts';
import { checkEvictionPolicy, type EvictionPolicyCheck } from './eviction-policy.ts';
import { createRedisJobQueue } from './job-queue.ts';
import type { QueueSettings } from './job-settings.ts';
import type { FailedJobEvent } from './job-worker.ts';
import { createRedisNonceStore } from './nonce-store.ts';
import { createRedisRateLimitStore } from './rate-limit-store.ts';
import { createRedisSessionStore } from './session-store.ts';

export interface RedisAdaptersOptions {
  /** `REDIS_URI`. */
  uri: string;
  logger: Logger;
  /** Namespace of every key and channel; default `assay:`. */
  keyPrefix?: string;
  /** Names the connections in CLIENT LIST (`assay:<process>:<role>`), e.g. `api` or `worker`. */
  processName?: string;
  /** How long start-up waits for Redis before giving up; default 15 000 ms. */
  connectTimeoutMs?: number;
  queueSettings?: Partial<QueueSettings>;
  onListenerError?: (error: unknown) => void;
  /** Told about every failed job try; by default a warning is logged. */
  onJobFailed?: (event: FailedJobEvent & { queue: string }) => void;
}

export interface RedisAdapters {
  queue<T>(name: string): JobQueue<T>;
  readonly cache: Cache;
  readonly events: EventBus;
  readonly nonces: NonceStore;
  readonly rateLimits: RateLimitStore;
  /** Browser sessions, shared by every API process (ADR 0021). */
  readonly sessions: SessionStore;
  /**
   * The request-path connection (no offline queue), for middleware that takes a node-redis client
   * (connect-redis; rate-limit-redis through `sendCommand`). Owned by the adapters: do not close it.
   */
  readonly client: RedisClient;
  /**
   * Readiness: PING within a second, and `maxmemory-policy` still `noeviction` (when CONFIG may be
   * read). Rejects with a readable message otherwise.
   */
  health(): Promise<{ maxmemoryPolicy: EvictionPolicyCheck }>;
  /** Closes the queues (aborting active jobs when `signal` fires), the adapters, then the connections. */
  close(options?: { signal?: AbortSignal }): Promise<void>;
}

export async function openRedisAdapters(options: RedisAdaptersOptions): Promise<RedisAdapters> {
  const { uri, logger } = options;
  const prefix = options.keyPrefix ?? 'assay:';
  const processName = options.processName ?? 'assay';
  const clientFor = (role: 'commands' | 'subscriber' | 'worker') =>
    createRedisClient({ uri, role, logger, name: `assay:${processName}:${role}` });
  const connect = (client: RedisClient) => connectRedis(client, { uri, timeoutMs: options.connectTimeoutMs });

  const commands = clientFor('commands');
  await connect(commands);
  let policy: EvictionPolicyCheck;
  let subscriber: RedisClient;
  try {
    policy = await checkEvictionPolicy(commands, { logger });
    subscriber = clientFor('subscriber');
    await connect(subscriber);
  } catch (error) {
    await closeRedis(commands);
    throw error;
  }

  // Only worker processes need the worker connection: opened on first `process()`.
  let workerClient: Promise<RedisClient> | undefined;
  const worker = () => {
    workerClient ??= (async () => {
      const client = clientFor('worker');
      await connect(client);
      return client;
    })();
    // A failed connection is tried again by the next caller, not remembered.
    workerClient.catch(() => {
      workerClient = undefined;
    });
    return workerClient;
  };

  const queues = new Map<string, JobQueue<unknown>>();
  const cache = createRedisCache({ client: commands, keyPrefix: `${prefix}cache:`, logger });
  const events = createRedisEventBus({
    publisher: commands,
    subscriber,
    channelPrefix: `${prefix}events:`,
    onListenerError: options.onListenerError,
  });
  const nonces = createRedisNonceStore({ client: commands, keyPrefix: `${prefix}nonce:` });
  const rateLimits = createRedisRateLimitStore({ client: commands, keyPrefix: `${prefix}rl:` });
  const sessions = createRedisSessionStore({ client: commands, keyPrefix: `${prefix}session:` });

  return {
    queue<T>(name: string): JobQueue<T> {
      let queue = queues.get(name);
      if (!queue) {
        const onJobFailed = options.onJobFailed;
        queue = createRedisJobQueue<unknown>({
          name,
          bullPrefix: `${prefix}bull`,
          keyPrefix: `${prefix}q:`,
          commands,
          subscriber,
          worker,
          logger,
          settings: options.queueSettings,
          onFailed: onJobFailed ? (event) => onJobFailed({ ...event, queue: name }) : undefined,
        });
        queues.set(name, queue);
      }
      return queue as JobQueue<T>;
    },
    cache,
    events,
    nonces,
    rateLimits,
    sessions,
    client: commands,

    async health() {
      await pingRedis(commands, 1_000);
      // Someone may switch the policy on a running server; re-read it when CONFIG is allowed.
      if (policy === 'noeviction') await checkEvictionPolicy(commands, { timeoutMs: 1_000 });
      return { maxmemoryPolicy: policy };
    },

    async close(closeOptions = {}) {
      await Promise.all([...queues.values()].map((queue) => queue.close(closeOptions)));
      await Promise.all([events.close(), cache.close(), nonces.close(), rateLimits.close()]);
      const opened = workerClient ? await workerClient.catch(() => undefined) : undefined;
      await Promise.all([opened && closeRedis(opened), closeRedis(subscriber), closeRedis(commands)]);
    },
  };
}
