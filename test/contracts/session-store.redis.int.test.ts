/** The SessionStore contract against the Redis adapter (distributed mode), on the shared Redis under a prefix of its own. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createPostgresStores, createTransactionRunner } from '../../src/adapters/postgres/stores.ts';
import {
  closeRedis,
  connectRedis,
  createRedisClient,
  type RedisClient,
} from '../../src/adapters/redis/connection.ts';
import { createRedisSessionStore } from '../../src/adapters/redis/session-store.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { sharedPgliteDatabase } from '../support/db.ts';
import { deleteKeys, SHARED_REDIS_URI, testKeyPrefix } from '../support/redis.ts';
import { defineSessionStoreContractTests } from './access-stores.contract.ts';

const keyPrefix = testKeyPrefix('sessions');
let client: RedisClient;

before(async () => {
  client = createRedisClient({ uri: SHARED_REDIS_URI, role: 'commands', logger: silentLogger() });
  await connectRedis(client, { uri: SHARED_REDIS_URI });
});
after(async () => {
  await closeRedis(client);
  await deleteKeys(SHARED_REDIS_URI, keyPrefix);
});

// Users stay in the database; only the sessions are Redis's.
defineSessionStoreContractTests('Redis', async () => {
  const { db } = await sharedPgliteDatabase();
  return {
    stores: {
      ...createPostgresStores({ db, clock: systemClock }),
      sessions: createRedisSessionStore({ client, keyPrefix }),
    },
    transaction: createTransactionRunner({ db, clock: systemClock }),
  };
});

describe('Redis sessions across processes', () => {
  const base = Date.now();
  const t = (minutes: number) => new Date(base + minutes * 60_000);
  const session = (userId: string) => ({
    idHash: randomBytes(16).toString('hex'),
    userId,
    csrfToken: 'c',
    ip: '10.0.0.1',
    userAgent: 'ua "quoted" ünïcode',
    createdAt: t(0),
    idleExpiresAt: t(30),
    absoluteExpiresAt: t(600),
  });

  it('a logout or password change in one process ends the session in another at once', async () => {
    const other = createRedisClient({ uri: SHARED_REDIS_URI, role: 'commands', logger: silentLogger() });
    await connectRedis(other, { uri: SHARED_REDIS_URI });
    try {
      const here = createRedisSessionStore({ client, keyPrefix });
      const there = createRedisSessionStore({ client: other, keyPrefix });
      const userId = '01900000-0000-7000-8000-00000000000a';
      const [a, b, c] = [session(userId), session(userId), session(userId)];
      for (const s of [a, b, c]) await here.create(s);
      assert.equal((await there.get(a.idHash, t(1)))?.userAgent, 'ua "quoted" ünïcode');
      await there.delete(a.idHash);
      assert.equal(await here.get(a.idHash, t(1)), null);
      // A touch racing with the logout does not bring the session back.
      await here.touch(a.idHash, { lastSeenAt: t(2), idleExpiresAt: t(32) });
      assert.equal(await there.get(a.idHash, t(2)), null);
      assert.equal(await there.deleteForUser(userId, { exceptIdHash: c.idHash }), 1);
      assert.equal(await here.get(b.idHash, t(1)), null);
      assert.ok(await here.get(c.idHash, t(1)));
      await there.touch(c.idHash, { lastSeenAt: t(5), idleExpiresAt: t(35) });
      assert.equal((await here.get(c.idHash, t(6)))?.idleExpiresAt.getTime(), t(35).getTime());
      assert.ok((await here.deleteExpired(t(36))) >= 1);
      assert.equal(await there.get(c.idHash, t(0)), null);
    } finally {
      await closeRedis(other);
    }
  });
});
