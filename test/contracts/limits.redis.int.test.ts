/** The NonceStore and RateLimitStore contracts against Redis, on the shared Redis under a prefix of their own. */
import { after, before } from 'node:test';
import {
  closeRedis,
  connectRedis,
  createRedisClient,
  type RedisClient,
} from '../../src/adapters/redis/connection.ts';
import { createRedisNonceStore } from '../../src/adapters/redis/nonce-store.ts';
import { createRedisRateLimitStore } from '../../src/adapters/redis/rate-limit-store.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { deleteKeys, SHARED_REDIS_URI, testKeyPrefix } from '../support/redis.ts';
import { defineNonceStoreContractTests, defineRateLimitStoreContractTests } from './limits.contract.ts';

const keyPrefix = testKeyPrefix('limits');
let client: RedisClient;

before(async () => {
  client = createRedisClient({ uri: SHARED_REDIS_URI, role: 'commands', logger: silentLogger() });
  await connectRedis(client, { uri: SHARED_REDIS_URI });
});
after(async () => {
  await closeRedis(client);
  await deleteKeys(SHARED_REDIS_URI, keyPrefix);
});

defineNonceStoreContractTests('redis', async () =>
  createRedisNonceStore({ client, keyPrefix: `${keyPrefix}nonce:` }),
);
defineRateLimitStoreContractTests('redis', async () =>
  createRedisRateLimitStore({ client, keyPrefix: `${keyPrefix}rl:` }),
);
