/**
 * Counters for rate limiting, shared by every API process in distributed mode. Fixed windows: the
 * first hit on a key opens a window of `windowMs`; the HTTP layer compares `count` with its limit and
 * derives the RateLimit and Retry-After headers from `resetAt`.
 */
export interface RateLimitHit {
  count: number;
  resetAt: Date;
}

export interface RateLimitStore {
  hit(key: string, windowMs: number): Promise<RateLimitHit>;
  /** Undoes one hit (express-rate-limit's skipSuccessfulRequests). */
  undo(key: string): Promise<void>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}
