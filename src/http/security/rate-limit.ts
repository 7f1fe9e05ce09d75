/**
 * Request rate limits over the RateLimitStore port (in-process in embedded mode, Redis counters
 * shared by every API process in distributed mode): fixed one-minute windows per API key or person,
 * and per client address for requests without valid credentials. Every limited answer carries the
 * IETF `RateLimit-Policy` and `RateLimit` headers; a refusal is 429 problem details with
 * `Retry-After`.
 *
 * When the store cannot be reached (Redis down), reads fail open onto a per-process fallback limiter
 * and a warning, while writes fail closed with 503 (ADR 0020): an outage must not turn into an
 * unlimited write path, and must not take reads down with it.
 */
import type { Response } from 'express';
import { OperationalError, RateLimitedError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { RateLimitHit, RateLimitStore } from '../../ports/rate-limit-store.ts';

export const WINDOW_MS = 60_000;

export interface Limit {
  /** Names the policy in the headers: `principal`, `anonymous`. */
  policy: string;
  /** Counter key, e.g. `rl:key:<id>`. */
  key: string;
  limit: number;
  /** Fail closed (503) when the store is unreachable instead of falling back. */
  failClosed: boolean;
}

export interface RateLimiter {
  /** Counts one request; sets the headers; throws RateLimitedError beyond the limit. */
  consume(res: Response, limit: Limit): Promise<void>;
}

export function createRateLimiter(options: {
  store: RateLimitStore;
  logger: Logger;
  now?: () => number;
}): RateLimiter {
  const now = options.now ?? Date.now;
  const fallback = processCounters(now);
  let warnedAt = 0;

  async function hit(limit: Limit): Promise<RateLimitHit> {
    try {
      return await options.store.hit(limit.key, WINDOW_MS);
    } catch (error) {
      if (limit.failClosed || !(error instanceof OperationalError)) throw error;
      if (now() - warnedAt > 30_000) {
        warnedAt = now();
        options.logger.warn({ err: error }, 'rate limits unavailable: reads limited per process');
      }
      return fallback(limit.key);
    }
  }

  return {
    async consume(res, limit) {
      const counted = await hit(limit);
      const remaining = Math.max(0, limit.limit - counted.count);
      const resetSeconds = Math.max(0, Math.ceil((counted.resetAt.getTime() - now()) / 1000));
      res.setHeader('RateLimit-Policy', `"${limit.policy}";q=${limit.limit};w=${WINDOW_MS / 1000}`);
      res.setHeader('RateLimit', `"${limit.policy}";r=${remaining};t=${resetSeconds}`);
      if (counted.count > limit.limit) throw new RateLimitedError(Math.max(1, resetSeconds));
    },
  };
}

/** Fixed windows in this process only: the fallback while the shared counters are unreachable. */
function processCounters(now: () => number): (key: string) => RateLimitHit {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return (key) => {
    const at = now();
    if (windows.size > 10_000) {
      for (const [k, w] of windows) if (w.resetAt <= at) windows.delete(k);
    }
    let window = windows.get(key);
    if (!window || window.resetAt <= at) {
      window = { count: 0, resetAt: at + WINDOW_MS };
      windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetAt: new Date(window.resetAt) };
  };
}
