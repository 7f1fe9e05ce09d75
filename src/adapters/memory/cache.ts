/**
 * The embedded cache: a bounded in-process map with TTLs, least recently used entries evicted first.
 * Values are stored as JSON so that callers see exactly what the Redis cache would give them.
 */
import type { Cache } from '../../ports/cache.ts';

export interface MemoryCacheOptions {
  /** Entries kept at most; the least recently used go first. Default 10 000. */
  maxEntries?: number;
  now?: () => number;
}

export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { json: string; expiresAt: number }>();
  const loading = new Map<string, Promise<unknown>>();
  let hits = 0;
  let misses = 0;

  function read(key: string): string | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    // Re-insert to mark as most recently used (Map keeps insertion order).
    entries.delete(key);
    entries.set(key, entry);
    return entry.json;
  }

  function write(key: string, value: unknown, ttlMs: number): void {
    if (value === undefined) return;
    entries.delete(key);
    entries.set(key, { json: JSON.stringify(value), expiresAt: now() + ttlMs });
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
  }

  const cache: Cache = {
    async get<T>(key: string) {
      const json = read(key);
      if (json === undefined) {
        misses += 1;
        return undefined;
      }
      hits += 1;
      return JSON.parse(json) as T;
    },

    async set(key, value, ttlMs) {
      write(key, value, ttlMs);
    },

    async delete(...keys) {
      for (const key of keys) entries.delete(key);
    },

    async deleteByPrefix(prefix) {
      let count = 0;
      for (const key of [...entries.keys()]) {
        if (key.startsWith(prefix)) {
          entries.delete(key);
          count += 1;
        }
      }
      return count;
    },

    async getOrLoad<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
      const cached = await cache.get<T>(key);
      if (cached !== undefined) return cached;
      // Concurrent misses on one key share a single load.
      const pending = loading.get(key) as Promise<T> | undefined;
      if (pending)
        return pending.then((value) =>
          value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T),
        );
      const promise = (async () => {
        try {
          const value = await load();
          write(key, value, ttlMs);
          return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
        } finally {
          loading.delete(key);
        }
      })();
      loading.set(key, promise);
      return promise;
    },

    stats: () => ({ hits, misses }),

    async close() {
      entries.clear();
    },
  };
  return cache;
}
