/** Distributed mode through the composition root: Redis adapters on the shared Redis, under a test prefix. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sharedPgliteDatabase } from '../test/support/db.ts';
import { deleteKeys, SHARED_REDIS_URI, testKeyPrefix } from '../test/support/redis.ts';
import { loadConfig } from './config/config.ts';
import { createContainer } from './container.ts';
import { silentLogger } from './platform/logger.ts';

describe('createContainer in distributed mode', () => {
  const redisKeyPrefix = testKeyPrefix('container');
  after(async () => {
    await deleteKeys(SHARED_REDIS_URI, redisKeyPrefix);
  });

  it('builds the Redis adapters when REDIS_URI is set, and closes them', async () => {
    const config = loadConfig({
      REDIS_URI: SHARED_REDIS_URI,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      ASSAY_SECRET_KEY: 'ab'.repeat(32),
    });
    // The database is the shared test one (the PostgreSQL of DATABASE_URL is never opened).
    const database = await sharedPgliteDatabase();
    const container = await createContainer({
      config,
      logger: silentLogger(),
      database,
      migrate: false,
      redisKeyPrefix,
    });
    try {
      assert.equal(config.mode, 'distributed');
      assert.deepEqual(await container.redis?.health(), { maxmemoryPolicy: 'noeviction' });
      assert.equal(container.queue('runs'), container.queue('runs'));
      const ran: string[] = [];
      container.queue<{ runId: string }>('runs').process(
        async (job) => {
          ran.push(job.data.runId);
        },
        { concurrency: 1 },
      );
      await container.queue('runs').enqueue({ runId: 'r1' }, { jobId: 'run:r1:0', organisationId: 'o' });
      for (let i = 0; i < 200 && ran.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(ran, ['r1']);
      assert.equal(await container.nonces.setIfAbsent('n', 60_000), true);
      assert.equal(await container.nonces.setIfAbsent('n', 60_000), false);
    } finally {
      await container.close();
    }
  });
});
