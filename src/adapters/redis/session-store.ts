/**
 * Browser sessions in Redis (distributed mode; ADR 0021). Every API process reads the same keys, so a
 * logout or a password change on one replica ends the session on all of them at once: revocation is a
 * delete, with nothing cached anywhere to go stale.
 *
 * Keys, under the adapters' prefix:
 * - `session:s:<idHash>`: the session as JSON (times in epoch ms), expiring at its idle expiry;
 * - `session:u:<userId>`: the set of the user's session ids (end every session of a user), expiring
 *   with the user's last absolute expiry;
 * - `session:expiry`: a sorted set of `<userId>:<idHash>` by idle expiry, for `deleteExpired`.
 * Each operation is one Lua script, so a touch can never resurrect a session deleted meanwhile.
 *
 * Failure policy: closed. Redis down means sessions cannot be checked, and the request answers 503
 * (OperationalError) within the deadline rather than letting anyone in or hanging.
 */
import type { Session, SessionStore } from '../../ports/session-store.ts';
import type { RedisClient } from './connection.ts';
import { withDeadline } from './errors.ts';
import { luaScript, runScript } from './scripts.ts';

export interface RedisSessionStoreOptions {
  /** A `commands` client (no offline queue). Owned by the caller. */
  client: RedisClient;
  /** Namespace of the session keys, e.g. `assay:session:`. */
  keyPrefix: string;
  /** Deadline of one call; default 1000 ms. */
  timeoutMs?: number;
}

interface StoredSession {
  userId: string;
  csrfToken: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
  lastSeenAt: number;
  idleExpiresAt: number;
  absoluteExpiresAt: number;
}

// KEYS: session, user set, expiry index. ARGV: json, idle ms, absolute ms, expiry member, id hash.
const CREATE = luaScript(`
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[5])
redis.call('PEXPIREAT', KEYS[2], ARGV[3], 'NX')
redis.call('PEXPIREAT', KEYS[2], ARGV[3], 'GT')
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[4])
return 1
`);

// KEYS: session, expiry index. ARGV: last seen ms, wanted idle ms, id hash. The idle expiry never
// passes the absolute one; SET … XX never recreates a session deleted by another process.
const TOUCH = luaScript(`
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local s = cjson.decode(stored)
local idle = tonumber(ARGV[2])
if idle > s.absoluteExpiresAt then idle = s.absoluteExpiresAt end
s.lastSeenAt = tonumber(ARGV[1])
s.idleExpiresAt = idle
redis.call('SET', KEYS[1], cjson.encode(s), 'PXAT', idle, 'XX')
redis.call('ZADD', KEYS[2], idle, s.userId .. ':' .. ARGV[3])
return 1
`);

// KEYS: session, expiry index. ARGV: id hash, user set key prefix.
const DELETE = luaScript(`
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local s = cjson.decode(stored)
redis.call('DEL', KEYS[1])
redis.call('SREM', ARGV[2] .. s.userId, ARGV[1])
redis.call('ZREM', KEYS[2], s.userId .. ':' .. ARGV[1])
return 1
`);

// KEYS: user set, expiry index. ARGV: session key prefix, id hash to keep ('' for none), user id.
const DELETE_FOR_USER = luaScript(`
local deleted = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if id ~= ARGV[2] then
    deleted = deleted + redis.call('DEL', ARGV[1] .. id)
    redis.call('SREM', KEYS[1], id)
    redis.call('ZREM', KEYS[2], ARGV[3] .. ':' .. id)
  end
end
return deleted
`);

// KEYS: expiry index. ARGV: now ms, session key prefix, user set key prefix, batch size.
const DELETE_EXPIRED = luaScript(`
local deleted = 0
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[4]))
for _, member in ipairs(due) do
  local sep = string.find(member, ':', 1, true)
  local user = string.sub(member, 1, sep - 1)
  local id = string.sub(member, sep + 1)
  deleted = deleted + redis.call('DEL', ARGV[2] .. id)
  redis.call('SREM', ARGV[3] .. user, id)
  redis.call('ZREM', KEYS[1], member)
end
return {deleted, #due}
`);

const BATCH = 1000;

export function createRedisSessionStore(options: RedisSessionStoreOptions): SessionStore {
  const { client } = options;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const sessionKeys = `${options.keyPrefix}s:`;
  const userKeys = `${options.keyPrefix}u:`;
  const expiryKey = `${options.keyPrefix}expiry`;
  const call = <T>(what: string, operation: () => Promise<T>) =>
    withDeadline(`session ${what}`, timeoutMs, operation);

  function toSession(idHash: string, s: StoredSession): Session {
    return {
      idHash,
      userId: s.userId,
      csrfToken: s.csrfToken,
      ip: s.ip,
      userAgent: s.userAgent,
      createdAt: new Date(s.createdAt),
      lastSeenAt: new Date(s.lastSeenAt),
      idleExpiresAt: new Date(s.idleExpiresAt),
      absoluteExpiresAt: new Date(s.absoluteExpiresAt),
    };
  }

  return {
    async create(session) {
      const absolute = session.absoluteExpiresAt.getTime();
      const stored: StoredSession = {
        userId: session.userId,
        csrfToken: session.csrfToken,
        ip: session.ip,
        userAgent: session.userAgent,
        createdAt: session.createdAt.getTime(),
        lastSeenAt: (session.lastSeenAt ?? session.createdAt).getTime(),
        idleExpiresAt: Math.min(session.idleExpiresAt.getTime(), absolute),
        absoluteExpiresAt: absolute,
      };
      await call('create', () =>
        runScript(
          client,
          CREATE,
          [sessionKeys + session.idHash, userKeys + session.userId, expiryKey],
          [
            JSON.stringify(stored),
            stored.idleExpiresAt,
            absolute,
            `${session.userId}:${session.idHash}`,
            session.idHash,
          ],
        ),
      );
      return toSession(session.idHash, stored);
    },

    async get(idHash, now) {
      const json = await call('read', () => client.get(sessionKeys + idHash));
      if (!json) return null;
      const stored = JSON.parse(json) as StoredSession;
      const t = now.getTime();
      // Redis expires keys by its own clock; the caller's clock decides as the database store does.
      if (stored.idleExpiresAt <= t || stored.absoluteExpiresAt <= t) return null;
      return toSession(idHash, stored);
    },

    async touch(idHash, update) {
      await call('touch', () =>
        runScript(
          client,
          TOUCH,
          [sessionKeys + idHash, expiryKey],
          [update.lastSeenAt.getTime(), update.idleExpiresAt.getTime(), idHash],
        ),
      );
    },

    async delete(idHash) {
      await call('delete', () =>
        runScript(client, DELETE, [sessionKeys + idHash, expiryKey], [idHash, userKeys]),
      );
    },

    async deleteForUser(userId, deleteOptions = {}) {
      const deleted = await call('delete for user', () =>
        runScript(
          client,
          DELETE_FOR_USER,
          [userKeys + userId, expiryKey],
          [sessionKeys, deleteOptions.exceptIdHash ?? '', userId],
        ),
      );
      return Number(deleted);
    },

    async deleteExpired(now) {
      let total = 0;
      for (;;) {
        const [deleted, seen] = (await call('delete expired', () =>
          runScript(client, DELETE_EXPIRED, [expiryKey], [now.getTime(), sessionKeys, userKeys, BATCH]),
        )) as [number, number];
        total += Number(deleted);
        if (Number(seen) < BATCH) return total;
      }
    },
  };
}
