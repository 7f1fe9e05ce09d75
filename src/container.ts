/**
 * The composition root: the one place that reads the mode from configuration and builds adapters.
 * Everything else receives ports. Embedded mode: PGlite (or PostgreSQL when DATABASE_URL is set) with
 * in-process queue, cache, event bus and limits. Distributed mode swaps in the Redis adapters here.
 */
import { join } from 'node:path';
import { createMemoryCache } from './adapters/memory/cache.ts';
import { createMemoryEventBus } from './adapters/memory/event-bus.ts';
import { createMemoryJobQueue } from './adapters/memory/job-queue.ts';
import { createMemoryNonceStore } from './adapters/memory/nonce-store.ts';
import { createMemoryRateLimitStore } from './adapters/memory/rate-limit-store.ts';
import { type Database, type DatabaseOptions, openDatabase } from './adapters/postgres/database.ts';
import { migrate, pendingMigrations } from './adapters/postgres/migrate.ts';
import { createPostgresStores, createTransactionRunner } from './adapters/postgres/stores.ts';
import { openRedisAdapters, type RedisAdapters } from './adapters/redis/redis-adapters.ts';
import type { Config } from './config/config.ts';
import { resolveSecretKey } from './config/secret-key.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import type { Logger } from './platform/logger.ts';
import type { Cache } from './ports/cache.ts';
import type { EventBus } from './ports/event-bus.ts';
import type { JobQueue } from './ports/job-queue.ts';
import type { NonceStore } from './ports/nonce-store.ts';
import type { RateLimitStore } from './ports/rate-limit-store.ts';
import type { DatabaseHealth, Stores, TransactionRunner } from './ports/stores.ts';
import { createReadCache, type ReadCacheStats } from './services/read-cache.ts';
import { withReadCache, withReadCacheTransactions, withSessionCache } from './services/read-cache-stores.ts';

export interface Container {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  /** 32 bytes that encrypt secrets at rest. */
  readonly secretKey: Buffer;
  readonly database: DatabaseHealth;
  readonly stores: Stores;
  readonly transaction: TransactionRunner;
  /** The queue of that name, created on first use; the job catalog (names, payloads) lives with the worker. */
  queue<T>(name: string): JobQueue<T>;
  readonly cache: Cache;
  /** Hit and miss counters of the read cache in front of the stores, per family (this process). */
  readonly readCache: { stats(): ReadCacheStats };
  readonly events: EventBus;
  readonly nonces: NonceStore;
  readonly rateLimits: RateLimitStore;
  /** Distributed mode: the Redis readiness check (PING, maxmemory-policy); null in embedded mode. */
  readonly redis: { health(): Promise<Record<string, unknown>> } | null;
  /** Closes queues (aborting active jobs when `signal` fires), then the other adapters, the database last. */
  close(options?: { signal?: AbortSignal }): Promise<void>;
}

export interface ContainerOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Apply pending migrations at start (default). Off for tools that must not change the schema. */
  migrate?: boolean;
  /**
   * An already-open database to use instead of the configured one (tests share one per process). The
   * caller keeps ownership: `close()` leaves it open.
   */
  database?: Database;
  /** Distributed mode: namespace of every Redis key and channel (default `assay:`); tests set their own. */
  redisKeyPrefix?: string;
  /** Distributed mode: names this process's Redis connections in CLIENT LIST, e.g. `api` or `worker`. */
  processName?: string;
}

export async function createContainer(options: ContainerOptions): Promise<Container> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const secretKey = await resolveSecretKey({ config, warn: (message) => logger.warn(message) });
  // Redis first: a Redis that cannot be reached or evicts keys stops the start before the database is touched.
  const redis = config.redis ? await openConfiguredRedis(config.redis.uri, options) : null;
  let database: Database;
  try {
    database = options.database ?? (await openConfiguredDatabase(config, logger));
  } catch (error) {
    await redis?.close();
    throw error;
  }
  const closeDatabase = options.database ? async () => {} : () => database.close();
  try {
    if (options.migrate !== false) await applyMigrations(database, logger);
  } catch (error) {
    await redis?.close();
    await closeDatabase();
    throw error;
  }

  const queues = new Map<string, JobQueue<unknown>>();
  const cache = redis?.cache ?? createMemoryCache();
  // Hot reads go through the cache (read-cache-stores.ts). Sessions live in Redis in distributed mode
  // (ADR 0021); in the database otherwise, with the cache in front.
  const readCache = createReadCache(cache);
  const databaseStores = createPostgresStores({ db: database.db, clock });
  const sessions = redis?.sessions ?? withSessionCache(databaseStores.sessions, readCache);
  const withSessions = (stores: Stores): Stores => (redis ? { ...stores, sessions } : stores);
  const events =
    redis?.events ??
    createMemoryEventBus({
      onListenerError: (error) => logger.error({ err: error }, 'event listener failed'),
    });
  const nonces = redis?.nonces ?? createMemoryNonceStore();
  const rateLimits = redis?.rateLimits ?? createMemoryRateLimitStore();

  return {
    config,
    logger,
    clock,
    secretKey,
    database: {
      kind: database.kind,
      ping: () => database.ping(),
      pendingMigrations: () => pendingMigrations(database.db),
    },
    stores: withReadCache({ ...databaseStores, sessions }, readCache),
    transaction: withReadCacheTransactions(
      createTransactionRunner({ db: database.db, clock }),
      readCache,
      withSessions,
    ),
    queue<T>(name: string): JobQueue<T> {
      if (redis) return redis.queue<T>(name);
      let queue = queues.get(name);
      if (!queue) {
        queue = createMemoryJobQueue<unknown>({
          name,
          onFailed: ({ jobId, attempt, error, willRetry }) =>
            logger.warn({ err: error, queue: name, jobId, attempt, willRetry }, 'job failed'),
        });
        queues.set(name, queue);
      }
      return queue as JobQueue<T>;
    },
    cache,
    readCache,
    events,
    nonces,
    rateLimits,
    redis: redis && { health: () => redis.health() },
    async close(closeOptions = {}) {
      await Promise.all([...queues.values()].map((queue) => queue.close(closeOptions)));
      // The Redis adapters close their queues, then themselves, then their connections.
      if (redis) await redis.close(closeOptions);
      else await Promise.all([events.close(), cache.close(), nonces.close(), rateLimits.close()]);
      await closeDatabase();
    },
  };
}

function openConfiguredRedis(uri: string, options: ContainerOptions): Promise<RedisAdapters> {
  const { logger } = options;
  return openRedisAdapters({
    uri,
    logger,
    keyPrefix: options.redisKeyPrefix,
    processName: options.processName,
    onListenerError: (error) => logger.error({ err: error }, 'event listener failed'),
    onJobFailed: ({ queue, jobId, attempt, error, willRetry }) =>
      logger.warn({ err: error, queue, jobId, attempt, willRetry }, 'job failed'),
  });
}

/** `assay migrate`: applies pending migrations and closes the database. */
export async function migrateDatabase(options: { config: Config; logger: Logger }): Promise<number[]> {
  const database = await openConfiguredDatabase(options.config, options.logger);
  try {
    return (await applyMigrations(database, options.logger)).map((m) => m.version);
  } finally {
    await database.close();
  }
}

function databaseOptions(config: Config): DatabaseOptions {
  return config.database.kind === 'pglite'
    ? { kind: 'pglite', dataDir: join(config.database.dataDir, 'pglite') }
    : { kind: 'postgres', url: config.database.url, poolSize: config.database.poolSize };
}

async function openConfiguredDatabase(config: Config, logger: Logger): Promise<Database> {
  const started = performance.now();
  const database = await openDatabase(databaseOptions(config));
  logger.info(
    { database: database.kind, ms: Math.round(performance.now() - started) },
    database.kind === 'pglite' ? 'embedded database opened' : 'connected to PostgreSQL',
  );
  return database;
}

async function applyMigrations(database: Database, logger: Logger) {
  const report = await migrate(database.db);
  for (const { version, name } of report.applied) logger.info({ version, name }, 'migration applied');
  return report.applied;
}
