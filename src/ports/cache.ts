/**
 * A key-value cache for hot reads, in-process or Redis. Values go through JSON (as they would to
 * Redis): a Date comes back as an ISO string, so cache plain data. A miss is `undefined`.
 */
export interface CacheStats {
  hits: number;
  misses: number;
}

export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(...keys: string[]): Promise<void>;
  /** Invalidates a family of keys, e.g. every cached read of one organisation (`org:<id>:`). */
  deleteByPrefix(prefix: string): Promise<number>;
  /** Read-through: the cached value, or `load()`'s result, cached unless it is undefined. */
  getOrLoad<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T>;
  stats(): CacheStats;
  close(): Promise<void>;
}
