/** The read cache contract on the Redis cache (distributed mode), on the shared Redis under a prefix of its own. */
import { after, before } from 'node:test';
import { createRedisCache } from '../../src/adapters/redis/cache.ts';
import {
  closeRedis,
  connectRedis,
  createRedisClient,
  type RedisClient,
} from '../../src/adapters/redis/connection.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { deleteKeys, SHARED_REDIS_URI, testKeyPrefix } from '../support/redis.ts';
import { defineReadCacheContractTests } from './read-cache.contract.ts';

const keyPrefix = testKeyPrefix('read-cache');
let client: RedisClient;

before(async () => {
  client = createRedisClient({ uri: SHARED_REDIS_URI, role: 'commands', logger: silentLogger() });
  await connectRedis(client, { uri: SHARED_REDIS_URI });
});
after(async () => {
  await closeRedis(client);
  await deleteKeys(SHARED_REDIS_URI, keyPrefix);
});

defineReadCacheContractTests('redis', async () => createRedisCache({ client, keyPrefix }));
