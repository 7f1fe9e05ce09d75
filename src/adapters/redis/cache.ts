/**
 * The shared cache on Redis: `SET key json PX ttl`, `GET`, `UNLINK`, and prefix deletes by SCAN.
 *
 * Failure policy (a cache is an optimisation, never a dependency of correctness):
 * - reads fail open: Redis down counts as a miss and `getOrLoad` reads the source instead;
 * - writes (`set`) fail open: the value is simply not cached;
 * - invalidations fail safe: a delete that could not reach Redis is remembered, this process treats
 *   the keys as misses until it is replayed, and it is replayed as soon as the connection is back.
 *   Other processes can read the stale entry until then or until its TTL: keep TTLs short.
 * Prefix deletes walk the keyspace with SCAN (cost grows with the whole database, not the family):
 * fine for invalidations on writes, not for a hot loop.
 */

import type { Logger } from '../../platform/logger.ts';
import type { Cache } from '../../ports/cache.ts';
import type { RedisClient } from './connection.ts';
import { withDeadline } from './errors.ts';

export interface RedisCacheOptions {
  /** A `commands` client (no offline queue). Owned by the caller. */
  client: RedisClient;
  /** Namespace of every cache key, e.g. `assay:cache:`. */
  keyPrefix: string;
  logger?: Logger;
  /** Deadline of one read or write; default 500 ms (a slow cache is worse than none). */
  timeoutMs?: number;
}

/** SCAN MATCH treats these as pattern syntax: escape them to match a literal prefix. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

export function createRedisCache(options: RedisCacheOptions): Cache & { stats(): CacheStatsWithErrors } {
  const { client, keyPrefix } = options;
  const timeoutMs = options.timeoutMs ?? 500;
  const loading = new Map<string, Promise<unknown>>();
  const pendingKeys = new Set<string>();
  const pendingPrefixes = new Set<string>();
  let hits = 0;
  let misses = 0;
  let errors = 0;
  let closed = false;

  const full = (key: string) => `${keyPrefix}${key}`;

  function failed(what: string, error: unknown): void {
    errors += 1;
    options.logger?.warn({ err: error }, `cache ${what} failed; continuing without the cache`);
  }

  function invalidationPending(key: string): boolean {
    if (pendingKeys.has(key)) return true;
    for (const prefix of pendingPrefixes) if (key.startsWith(prefix)) return true;
    return false;
  }

  async function unlinkByPrefix(prefix: string): Promise<number> {
    let count = 0;
    const match = `${globEscape(full(prefix))}*`;
    for await (const keys of client.scanIterator({ MATCH: match, COUNT: 500 })) {
      if (keys.length > 0) count += await client.unlink(keys);
    }
    return count;
  }

  /** Replays invalidations that failed while Redis was unreachable. */
  async function replay(): Promise<void> {
    for (const key of [...pendingKeys]) {
      await client.unlink(full(key));
      pendingKeys.delete(key);
    }
    for (const prefix of [...pendingPrefixes]) {
      await unlinkByPrefix(prefix);
      pendingPrefixes.delete(prefix);
    }
  }
  const onReady = () => {
    if (pendingKeys.size + pendingPrefixes.size === 0) return;
    replay().catch((error: unknown) => failed('invalidation replay', error));
  };
  client.on('ready', onReady);

  async function read(key: string): Promise<string | undefined> {
    if (invalidationPending(key)) return undefined;
    try {
      return (await withDeadline('cache GET', timeoutMs, () => client.get(full(key)))) ?? undefined;
    } catch (error) {
      failed('read', error);
      return undefined;
    }
  }

  async function write(key: string, value: unknown, ttlMs: number): Promise<void> {
    if (value === undefined || invalidationPending(key)) return;
    const ttl = Math.max(1, Math.ceil(ttlMs));
    try {
      await withDeadline('cache SET', timeoutMs, () =>
        client.set(full(key), JSON.stringify(value), { expiration: { type: 'PX', value: ttl } }),
      );
    } catch (error) {
      failed('write', error);
    }
  }

  const cache = {
    async get<T>(key: string): Promise<T | undefined> {
      const json = await read(key);
      if (json === undefined) {
        misses += 1;
        return undefined;
      }
      hits += 1;
      return JSON.parse(json) as T;
    },

    async set(key: string, value: unknown, ttlMs: number): Promise<void> {
      await write(key, value, ttlMs);
    },

    async delete(...keys: string[]): Promise<void> {
      if (keys.length === 0) return;
      try {
        await withDeadline('cache UNLINK', timeoutMs, () => client.unlink(keys.map(full)));
      } catch (error) {
        for (const key of keys) pendingKeys.add(key);
        failed('invalidation', error);
      }
    },

    async deleteByPrefix(prefix: string): Promise<number> {
      try {
        // A SCAN over a large keyspace takes several round trips: a longer deadline than one command.
        return await withDeadline('cache prefix delete', timeoutMs * 10, () => unlinkByPrefix(prefix));
      } catch (error) {
        pendingPrefixes.add(prefix);
        failed('invalidation', error);
        return 0;
      }
    },

    async getOrLoad<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
      const cached = await cache.get<T>(key);
      if (cached !== undefined) return cached;
      // Concurrent misses on one key in this process share a single load.
      const pending = loading.get(key) as Promise<T> | undefined;
      if (pending) return pending.then(copy);
      const promise = (async () => {
        try {
          const value = await load();
          await write(key, value, ttlMs);
          return value;
        } finally {
          loading.delete(key);
        }
      })();
      loading.set(key, promise);
      return promise.then(copy);
    },

    stats: () => ({ hits, misses, errors }),

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      client.off('ready', onReady);
    },
  };
  return cache;
}

export interface CacheStatsWithErrors {
  hits: number;
  misses: number;
  /** Reads, writes and invalidations that could not reach Redis. */
  errors: number;
}

/** What a cache read would return: a JSON copy, so callers never share one object. */
function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
