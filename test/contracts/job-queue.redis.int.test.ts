/** The JobQueue contract against the BullMQ adapter, on the shared Redis under a prefix of its own. */
import { after, before } from 'node:test';
import { openRedisAdapters, type RedisAdapters } from '../../src/adapters/redis/redis-adapters.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { deleteKeys, SHARED_REDIS_URI, testKeyPrefix } from '../support/redis.ts';
import { defineJobQueueContractTests } from './job-queue.contract.ts';

const keyPrefix = testKeyPrefix('job-queue');
let redis: RedisAdapters;

before(async () => {
  redis = await openRedisAdapters({ uri: SHARED_REDIS_URI, logger: silentLogger(), keyPrefix });
});
after(async () => {
  await redis.close();
  await deleteKeys(SHARED_REDIS_URI, keyPrefix);
});

defineJobQueueContractTests('redis (BullMQ)', async (name) => redis.queue(name));
