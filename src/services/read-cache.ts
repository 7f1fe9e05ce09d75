/**
 * Read-through caching of hot reads on the `Cache` port (in-process, or Redis shared by every
 * process), with hit and miss counters per family. The decorators of `read-cache-stores.ts` use it:
 * reads go through `read`, and every write that changes a cached value calls `invalidate` after the
 * write is committed.
 *
 * A read that started before an invalidation of its key does not store what it loaded (it may be the
 * value from before the write): within a process, a write is never followed by a stale read. Across
 * processes, a read in flight in another process while the write commits can still store the old
 * value; the family's TTL bounds how long it lives, so TTLs stay short except for immutable values.
 *
 * Values go through JSON: dates and buffers are tagged on the way in and revived on the way out, so
 * callers get back exactly the shape the store returned.
 */
import type { Cache, CacheStats } from '../ports/cache.ts';

export const CACHE_FAMILIES = {
  /** Browser session by id hash (every request with a cookie). */
  session: { ttlMs: 60_000 },
  /** API key by prefix (every request with a key). */
  apiKey: { ttlMs: 60_000 },
  /** The organisations of a person with their role (every request with a cookie). */
  memberships: { ttlMs: 60_000 },
  /** Organisation record and settings. */
  organisation: { ttlMs: 60_000 },
  /** Suite record (name, latest version). */
  suite: { ttlMs: 60_000 },
  /** A suite version: immutable once written, so only deletion ends it. */
  suiteVersion: { ttlMs: 3_600_000 },
  /** A run in a final state (never changes afterwards; running runs are not cached). */
  run: { ttlMs: 300_000 },
  /** The step results of a finished run's last attempt. */
  runSteps: { ttlMs: 300_000 },
} as const;

export type CacheFamily = keyof typeof CACHE_FAMILIES;

export interface FamilyStats {
  hits: number;
  misses: number;
}

export interface ReadCacheStats {
  families: Record<CacheFamily, FamilyStats>;
  /** The cache adapter's own counters (Redis adds `errors`: calls that could not reach it). */
  cache: CacheStats & { errors?: number };
}

export interface ReadCache {
  /**
   * The cached value of `key`, or `load()`'s result, stored when it is not null and `keep` accepts it
   * (e.g. only finished runs).
   */
  read<T>(
    family: CacheFamily,
    key: string,
    load: () => Promise<T | null>,
    keep?: (value: T) => boolean,
  ): Promise<T | null>;
  /** The cached value if there is one; never loads. */
  peek<T>(family: CacheFamily, key: string): Promise<T | undefined>;
  invalidate(...keys: string[]): Promise<void>;
  invalidatePrefix(prefix: string): Promise<void>;
  stats(): ReadCacheStats;
}

/** Cache keys, one place: prefixes are what invalidation by family relies on. */
export const cacheKey = {
  session: (idHash: string) => `session:${idHash}`,
  allSessions: () => 'session:',
  apiKey: (prefix: string) => `apikey:${prefix}`,
  memberships: (userId: string) => `user:${userId}:memberships`,
  organisation: (organisationId: string) => `org:${organisationId}:organisation`,
  suite: (organisationId: string, suiteId: string) => `org:${organisationId}:suite:${suiteId}`,
  suiteVersion: (organisationId: string, suiteId: string, version: number) =>
    `org:${organisationId}:suite:${suiteId}:v:${version}`,
  /** Every suite and suite version of an organisation. */
  suites: (organisationId: string) => `org:${organisationId}:suite:`,
  run: (organisationId: string, runId: string) => `org:${organisationId}:run:${runId}`,
  runSteps: (organisationId: string, runId: string, attempt: number) =>
    `org:${organisationId}:run:${runId}:steps:${attempt}`,
  /** Every run and run's steps of an organisation. */
  runs: (organisationId: string) => `org:${organisationId}:run:`,
};

export function createReadCache(cache: Cache): ReadCache {
  const families = Object.fromEntries(
    Object.keys(CACHE_FAMILIES).map((name) => [name, { hits: 0, misses: 0 }]),
  ) as Record<CacheFamily, FamilyStats>;
  // Invalidation epochs: a load started at epoch E stores its value only if its key (or any prefix)
  // was not invalidated since E. Entries are needed only while loads are in flight.
  let epoch = 0;
  let lastPrefixEpoch = 0;
  let inFlight = 0;
  const keyEpochs = new Map<string, number>();

  async function peek<T>(key: string): Promise<T | undefined> {
    const cached = await cache.get<unknown>(key);
    return cached === undefined ? undefined : (revive(cached) as T);
  }

  return {
    async read(family, key, load, keep) {
      const cached = await peek<NonNullable<Awaited<ReturnType<typeof load>>>>(key);
      if (cached !== undefined) {
        families[family].hits += 1;
        return cached;
      }
      families[family].misses += 1;
      const started = epoch;
      inFlight += 1;
      try {
        const value = await load();
        const invalidated = (keyEpochs.get(key) ?? 0) > started || lastPrefixEpoch > started;
        if (value !== null && !invalidated && (keep?.(value) ?? true)) {
          await cache.set(key, tag(value), CACHE_FAMILIES[family].ttlMs);
        }
        return value;
      } finally {
        inFlight -= 1;
        if (inFlight === 0) keyEpochs.clear();
      }
    },

    peek: (_family, key) => peek(key),

    async invalidate(...keys) {
      if (keys.length === 0) return;
      epoch += 1;
      if (inFlight > 0) for (const key of keys) keyEpochs.set(key, epoch);
      await cache.delete(...keys);
    },

    async invalidatePrefix(prefix) {
      epoch += 1;
      lastPrefixEpoch = epoch;
      await cache.deleteByPrefix(prefix);
    },

    stats: () => ({
      families: Object.fromEntries(
        Object.entries(families).map(([name, counts]) => [name, { ...counts }]),
      ) as Record<CacheFamily, FamilyStats>,
      cache: cache.stats(),
    }),
  };
}

/** JSON-safe form: Date → `{ $date }`, Buffer → `{ $buffer }` (base64). */
export function tag(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Buffer.isBuffer(value)) return { $buffer: value.toString('base64') };
  if (Array.isArray(value)) return value.map(tag);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tag(v)]));
  }
  return value;
}

/** The inverse of `tag`. */
export function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first) {
      const [name, inner] = first;
      if (name === '$date' && typeof inner === 'string') return new Date(inner);
      if (name === '$buffer' && typeof inner === 'string') return Buffer.from(inner, 'base64');
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, revive(v)]));
  }
  return value;
}
