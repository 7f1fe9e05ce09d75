/**
 * Redis connections, all node-redis (one client library per process: BullMQ, the adapters and any
 * session or rate-limit middleware take the same client type). Three roles:
 * - `commands`: the request path (cache, nonces, rate limits, publishing, enqueueing). No offline
 *   queue, so a command issued while Redis is down is rejected at once instead of waiting for a
 *   reconnection that may never come: the caller answers 503 rather than hanging.
 * - `subscriber`: pub/sub only (a subscribed connection cannot run other commands on RESP2). Also
 *   without an offline queue; node-redis re-subscribes its channels itself after a reconnection.
 * - `worker`: BullMQ workers and their bookkeeping. Keeps the offline queue — the node-redis form of
 *   BullMQ's required `maxRetriesPerRequest: null` — so a short outage delays lock renewals and job
 *   completions instead of failing them; shutdown bounds the wait with a deadline.
 */
import { createClient } from 'redis';
import type { Logger } from '../../platform/logger.ts';
import { withDeadline } from './errors.ts';

export type RedisClient = ReturnType<typeof newClient>;
export type RedisRole = 'commands' | 'subscriber' | 'worker';

export interface RedisClientOptions {
  uri: string;
  role: RedisRole;
  logger: Logger;
  /** Shown by CLIENT LIST, e.g. `assay:api:commands`. */
  name?: string;
  /** TCP connect timeout for each attempt; default 5000 ms. */
  connectTimeoutMs?: number;
}

/**
 * Delay before reconnection attempt `retries` (from 0): 100 ms doubling to a 3 s ceiling, plus up
 * to 20 % jitter so that many processes do not reconnect in lockstep after a restart. The ceiling
 * is low because Redis outages in practice are restarts and failovers of a few seconds.
 */
export function reconnectDelay(retries: number, random: () => number = Math.random): number {
  const base = Math.min(100 * 2 ** Math.min(retries, 10), 3_000);
  return Math.round(base * (1 + 0.2 * random()));
}

/** The URI without its password, for logs and messages. */
export function redactRedisUri(uri: string): string {
  try {
    const url = new URL(uri);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'redis://(unparseable)';
  }
}

/** A client with logging attached; not connected yet (see `connectRedis`). */
export function createRedisClient(options: RedisClientOptions): RedisClient {
  const client = newClient(options);
  attachConnectionLogging(client, options);
  return client;
}

function newClient(options: RedisClientOptions) {
  return createClient({
    url: options.uri,
    name: options.name ?? `assay:${options.role}`,
    disableOfflineQueue: options.role !== 'worker',
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      reconnectStrategy: (retries: number) => reconnectDelay(retries),
    },
  });
}

/**
 * A warning per distinct error message at most every 30 s: during an outage every reconnection
 * attempt of every connection fails with the same error, and the log should say what is wrong
 * without drowning everything else. Suppressed repeats are counted on the next line.
 */
export function throttledErrorLog(
  log: Logger,
  message: string,
  intervalMs = 30_000,
): (error: unknown) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (error) => {
    const text = error instanceof Error ? error.message : String(error);
    const now = Date.now();
    const seen = last.get(text);
    if (seen && now - seen.at < intervalMs) {
      seen.suppressed += 1;
      return;
    }
    if (last.size > 100) last.clear();
    last.set(text, { at: now, suppressed: 0 });
    log.warn({ err: error, repeated: seen?.suppressed || undefined }, message);
  };
}

function attachConnectionLogging(client: RedisClient, options: RedisClientOptions): void {
  const log = options.logger.child({ redis: options.name ?? options.role });
  const warn = throttledErrorLog(log, 'Redis connection error');
  let failures = 0;
  client.on('connect', () => log.debug('Redis socket connected'));
  client.on('ready', () => {
    if (failures > 0) log.info({ failedAttempts: failures }, 'Redis connection restored');
    else log.info({ uri: redactRedisUri(options.uri) }, 'Redis connection ready');
    failures = 0;
  });
  client.on('reconnecting', () => {
    failures += 1;
    log.debug({ attempt: failures }, 'Redis reconnecting');
  });
  client.on('error', warn);
}

/**
 * Connects, failing with a readable message after `timeoutMs` (the client keeps retrying in the
 * background until then). Used at start-up: a process that cannot reach Redis at all does not start,
 * and its supervisor restarts it; once started, outages are survived.
 */
export async function connectRedis(
  client: RedisClient,
  options: { uri: string; timeoutMs?: number },
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  try {
    await withDeadline(`connect to ${redactRedisUri(options.uri)}`, timeoutMs, () => client.connect());
  } catch (error) {
    client.destroy();
    throw error;
  }
}

/** Closes gracefully (pending replies first), or drops the socket if that takes longer than `ms`. */
export async function closeRedis(client: RedisClient, ms = 2_000): Promise<void> {
  if (!client.isOpen) return;
  try {
    await withDeadline('close', ms, () => client.close());
  } catch {
    client.destroy();
  }
}

/** Readiness: PING answered within `timeoutMs`; rejects with an OperationalError otherwise. */
export async function pingRedis(client: RedisClient, timeoutMs = 1_000): Promise<void> {
  await withDeadline('PING', timeoutMs, () => client.ping());
}
