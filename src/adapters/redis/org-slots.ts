/**
 * Per-organisation concurrency caps on BullMQ without BullMQ Pro's groups. BullMQ hands a job to a
 * worker first; the worker then asks for a slot of the job's organisation:
 * - a slot is a member of `slots:<org>` (a sorted set of job ids scored by lease expiry), so a
 *   worker that dies leaks nothing: its leases expire (renewed every lease/3 while the job runs);
 * - when the organisation is at its cap, the job is *parked*: recorded in `parked` (every parked job,
 *   for counts) and `parked:<org>` (the order to resume them in: priority, then arrival), and moved
 *   back to BullMQ's delayed set with a safety-net delay;
 * - a finishing job frees its slot and promotes the next parked jobs of its organisation at once.
 *   A promotion lost to a crash costs at most the safety-net delay, after which the job comes back
 *   on its own and asks again.
 * A parked job counts as `waiting` (it waits for its organisation, not for a time). The cap applies
 * across every worker process of the queue, since the slots live in Redis.
 */
import type { RedisClient } from './connection.ts';
import { luaScript, runScript } from './scripts.ts';

/**
 * KEYS: slots:<org>, parked, parked:<org>, parked sequence.
 * ARGV: job id, cap, now, lease ms, priority, park safety-net ms.
 * Returns 1 when the job holds a slot (it may already have held it: a job restarted after a stall
 * keeps its own lease), 0 when it was parked.
 */
const ACQUIRE = luaScript(`
local slots, parked, parkedOrg, seqKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id, cap, now, lease = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
if redis.call('ZSCORE', slots, id) or redis.call('ZCARD', slots) < cap then
  redis.call('ZADD', slots, now + lease, id)
  redis.call('PEXPIRE', slots, lease * 2)
  redis.call('ZREM', parked, id)
  redis.call('ZREM', parkedOrg, id)
  return 1
end
local seq = redis.call('INCR', seqKey) % 4294967296
redis.call('ZADD', parkedOrg, 'NX', tonumber(ARGV[5]) * 4294967296 + seq, id)
redis.call('PEXPIRE', parkedOrg, tonumber(ARGV[6]) * 4)
redis.call('ZADD', parked, now, id)
return 0
`);

/** KEYS: slots:<org>. ARGV: job id, now, lease ms. Extends a held lease; 0 if it was lost. */
const RENEW = luaScript(`
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
  return 1
end
return 0
`);

/**
 * KEYS: slots:<org>, parked:<org>. ARGV: job id to release ('' for none), cap, now.
 * Frees the slot and returns the parked jobs that may start now, in order (left parked until they
 * actually acquire a slot, so a lost promotion is retried by the safety net).
 */
const RELEASE = luaScript(`
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[1], ARGV[1]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[3]))
local free = tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[1])
if free <= 0 then return {} end
return redis.call('ZRANGE', KEYS[2], 0, free - 1)
`);

/** KEYS: parked, parked:<org>. ARGV: job id. Forgets a parked job (removed by a cancellation). */
const FORGET = luaScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 0
`);

export interface OrgSlots {
  /** True when the job may run now; false when it has been recorded as parked. */
  acquire(options: { org: string; jobId: string; cap: number; priority: number }): Promise<boolean>;
  /** False when the lease was lost (expired while Redis was unreachable). */
  renew(org: string, jobId: string): Promise<boolean>;
  /** Frees the job's slot (if any) and returns the parked job ids to promote. */
  release(org: string, jobId: string | null, cap: number): Promise<string[]>;
  forget(org: string, jobId: string): Promise<void>;
  /** The key of the set of all parked jobs, for counts and states. */
  readonly parkedKey: string;
}

export function createOrgSlots(options: {
  client: RedisClient;
  /** e.g. `assay:q:runs:` */
  keyPrefix: string;
  leaseMs: number;
  parkMs: number;
  now?: () => number;
}): OrgSlots {
  const { client, keyPrefix, leaseMs, parkMs } = options;
  const now = options.now ?? Date.now;
  const slotsKey = (org: string) => `${keyPrefix}slots:${org}`;
  const parkedOrgKey = (org: string) => `${keyPrefix}parked:${org}`;
  const parkedKey = `${keyPrefix}parked`;
  return {
    parkedKey,
    async acquire({ org, jobId, cap, priority }) {
      const keys = [slotsKey(org), parkedKey, parkedOrgKey(org), `${keyPrefix}parked-seq`];
      const reply = await runScript(client, ACQUIRE, keys, [jobId, cap, now(), leaseMs, priority, parkMs]);
      return Number(reply) === 1;
    },
    async renew(org, jobId) {
      return Number(await runScript(client, RENEW, [slotsKey(org)], [jobId, now(), leaseMs])) === 1;
    },
    async release(org, jobId, cap) {
      const reply = await runScript(
        client,
        RELEASE,
        [slotsKey(org), parkedOrgKey(org)],
        [jobId ?? '', cap, now()],
      );
      return (reply as string[]).map(String);
    },
    async forget(org, jobId) {
      await runScript(client, FORGET, [parkedKey, parkedOrgKey(org)], [jobId]);
    },
  };
}
