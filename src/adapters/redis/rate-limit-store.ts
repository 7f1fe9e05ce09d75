/**
 * Rate-limit counters shared by every API process: one hash per key with the count and the end of
 * its fixed window, expiring with the window. One Lua call per hit, so concurrent hits from several
 * processes count exactly. The window's end is written once, by the hit that opens it, so every hit
 * of a window reports the same `resetAt` (Retry-After and RateLimit-Reset agree across replicas).
 *
 * Errors throw an OperationalError: whether a route then fails open or closed is the HTTP layer's
 * decision (login and nonce checks closed, authenticated reads open — see ADR 0020).
 */
import type { RateLimitStore } from '../../ports/rate-limit-store.ts';
import type { RedisClient } from './connection.ts';
import { withDeadline } from './errors.ts';
import { luaScript, runScript } from './scripts.ts';

/** KEYS[1] = counter; ARGV = window ms, now ms. Returns { count, resetAt ms }. */
const HIT = luaScript(`
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  local resetAt = tonumber(ARGV[2]) + tonumber(ARGV[1])
  redis.call('HSET', KEYS[1], 'resetAt', resetAt)
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return { count, resetAt }
end
return { count, tonumber(redis.call('HGET', KEYS[1], 'resetAt')) }
`);

/** KEYS[1] = counter. Decrements a live window's count, never below zero. */
const UNDO = luaScript(`
local count = tonumber(redis.call('HGET', KEYS[1], 'count'))
if count and count > 0 then redis.call('HINCRBY', KEYS[1], 'count', -1) end
return 0
`);

export interface RedisRateLimitStoreOptions {
  /** A `commands` client (no offline queue). Owned by the caller. */
  client: RedisClient;
  /** Namespace of the counters, e.g. `assay:rl:`. */
  keyPrefix: string;
  /** Deadline of one call; default 1000 ms. */
  timeoutMs?: number;
  now?: () => number;
}

export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const { client, keyPrefix } = options;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const now = options.now ?? Date.now;
  const full = (key: string) => `${keyPrefix}${key}`;
  return {
    async hit(key, windowMs) {
      const window = Math.max(1, Math.ceil(windowMs));
      const reply = (await withDeadline('rate limit hit', timeoutMs, () =>
        runScript(client, HIT, [full(key)], [window, now()]),
      )) as [number, number];
      return { count: Number(reply[0]), resetAt: new Date(Number(reply[1])) };
    },
    async undo(key) {
      await withDeadline('rate limit undo', timeoutMs, () => runScript(client, UNDO, [full(key)], []));
    },
    async reset(key) {
      await withDeadline('rate limit reset', timeoutMs, () => client.unlink(full(key)));
    },
    async close() {},
  };
}
