/**
 * BullMQ only works when Redis never evicts keys: an evicted lock or job hash makes jobs run twice or
 * vanish ("Missing lock for job …"). BullMQ itself merely prints a warning, so Assay checks the
 * policy at start-up and refuses to run, and readiness keeps checking it (someone may change it on a
 * running server). Managed services that forbid CONFIG (ElastiCache) cannot be checked: a warning
 * says so and the operator has to set the parameter group to `noeviction` themselves.
 */
import { ErrorReply } from 'redis';
import type { Logger } from '../../platform/logger.ts';
import type { RedisClient } from './connection.ts';
import { withDeadline } from './errors.ts';

export class RedisEvictionPolicyError extends Error {
  readonly policy: string;
  constructor(policy: string) {
    super(
      `Redis maxmemory-policy is "${policy}", but Assay's job queue needs maxmemory-policy noeviction ` +
        '(an evicted lock or job makes runs execute twice or disappear). Set `maxmemory-policy noeviction` ' +
        'in redis.conf (or `CONFIG SET maxmemory-policy noeviction`, or the parameter group of a managed ' +
        'Redis) and start again.',
    );
    this.name = 'RedisEvictionPolicyError';
    this.policy = policy;
  }
}

/** `noeviction`, or `unknown` when the server does not let us read its configuration. */
export type EvictionPolicyCheck = 'noeviction' | 'unknown';

/** Reads `maxmemory-policy`; throws RedisEvictionPolicyError when it allows eviction. */
export async function checkEvictionPolicy(
  client: RedisClient,
  options: { logger?: Logger; timeoutMs?: number } = {},
): Promise<EvictionPolicyCheck> {
  let policy: string | undefined;
  try {
    const reply = await withDeadline('CONFIG GET maxmemory-policy', options.timeoutMs ?? 2_000, () =>
      client.configGet('maxmemory-policy'),
    );
    policy = reply['maxmemory-policy'];
  } catch (error) {
    // Renamed or ACL-forbidden CONFIG: an error reply. Anything else (Redis down) is not ours to judge.
    if (!(error instanceof ErrorReply)) throw error;
    options.logger?.warn(
      { err: error },
      'cannot read Redis maxmemory-policy (CONFIG is not permitted); make sure it is noeviction, or jobs may be lost',
    );
    return 'unknown';
  }
  if (policy === undefined) {
    options.logger?.warn('Redis did not report maxmemory-policy; make sure it is noeviction');
    return 'unknown';
  }
  if (policy !== 'noeviction') throw new RedisEvictionPolicyError(policy);
  return 'noeviction';
}
