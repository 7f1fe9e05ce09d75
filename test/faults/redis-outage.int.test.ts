/**
 * Redis outages on the request path, on a private redis-server: while Redis is down (killed) or hung
 * (SIGSTOP: the socket stays open, nothing answers), every call settles well before a 2 s deadline —
 * fail-closed uses reject with an OperationalError, the cache falls back to a miss — and everything
 * works again once Redis is back. No timing is asserted beyond "settled before the deadline".
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openRedisAdapters, type RedisAdapters } from '../../src/adapters/redis/redis-adapters.ts';
import { OperationalError } from '../../src/platform/errors.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { type OwnRedisServer, startRedisServer } from '../support/redis.ts';

const DEADLINE_MS = 2_000;

/** The promise's outcome, or a failure if it has not settled within the deadline (a hanging request). */
async function settled<T>(what: string, promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), DEADLINE_MS);
  });
  const outcome = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  const result = await Promise.race([outcome, hang]);
  clearTimeout(timer);
  if (result === 'hang') assert.fail(`${what} did not settle within ${DEADLINE_MS} ms`);
  return result;
}

async function rejectsOperational(what: string, promise: Promise<unknown>): Promise<void> {
  const { error } = await settled(what, promise);
  assert.ok(
    error instanceof OperationalError,
    `${what} should reject with an OperationalError, got ${error}`,
  );
  assert.equal(error.dependency, 'redis');
  assert.equal(error.status, 503);
}

async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Every request-path operation, while Redis does not answer. */
async function assertFailsFast(redis: RedisAdapters, label: string): Promise<void> {
  const queue = redis.queue<{ n: number }>('runs');
  await rejectsOperational(`${label}: nonce check`, redis.nonces.setIfAbsent(`n-${label}`, 60_000));
  await rejectsOperational(`${label}: rate limit`, redis.rateLimits.hit(`rl-${label}`, 60_000));
  await rejectsOperational(`${label}: publish`, redis.events.publish('ch', { label }));
  await rejectsOperational(
    `${label}: subscribe`,
    redis.events.subscribe(`sub-${label}`, () => {}),
  );
  await rejectsOperational(
    `${label}: enqueue`,
    queue.enqueue({ n: 1 }, { jobId: `job-${label}`, organisationId: 'o' }),
  );
  await rejectsOperational(`${label}: job state`, queue.getState(`job-${label}`));
  await rejectsOperational(`${label}: cancel`, queue.cancel(`job-${label}`));
  await rejectsOperational(`${label}: readiness`, redis.health());
  // The cache is an optimisation: a read is a miss and the source is read instead.
  const cached = await settled(
    `${label}: cache read`,
    redis.cache.getOrLoad(`k-${label}`, 60_000, async () => 'db'),
  );
  assert.equal(cached.value, 'db');
}

async function assertWorks(redis: RedisAdapters, label: string): Promise<void> {
  await eventually(
    `${label}: readiness`,
    async () => (await redis.health()).maxmemoryPolicy === 'noeviction',
  );
  assert.equal(await redis.nonces.setIfAbsent(`ok-${label}`, 60_000), true);
  assert.equal(await redis.nonces.setIfAbsent(`ok-${label}`, 60_000), false);
  assert.equal((await redis.rateLimits.hit(`ok-${label}`, 60_000)).count, 1);
  const queue = redis.queue<{ n: number }>('runs');
  assert.deepEqual(await queue.enqueue({ n: 1 }, { jobId: `ok-${label}`, organisationId: 'o' }), {
    jobId: `ok-${label}`,
    added: true,
  });
  assert.equal(await queue.getState(`ok-${label}`), 'waiting');
  await redis.cache.set(`ok-${label}`, { v: 1 }, 60_000);
  assert.deepEqual(await redis.cache.get(`ok-${label}`), { v: 1 });
}

describe('Redis outage on the request path', () => {
  let server: OwnRedisServer;
  let redis: RedisAdapters;
  before(async () => {
    server = await startRedisServer();
    redis = await openRedisAdapters({ uri: server.uri, logger: silentLogger() });
  });
  after(async () => {
    server.resume();
    await redis?.close();
    await server?.stop();
  });

  it('fails fast while Redis is down, and recovers after it restarts', async () => {
    await assertWorks(redis, 'before');
    await server.kill();
    await assertFailsFast(redis, 'down');
    await server.start();
    await assertWorks(redis, 'restarted');
  });

  it('fails fast while Redis hangs with its connections open, and recovers when it answers again', async () => {
    server.pause();
    await assertFailsFast(redis, 'hung');
    server.resume();
    await assertWorks(redis, 'resumed');
  });
});
