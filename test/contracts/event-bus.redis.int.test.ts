/** The EventBus contract against Redis pub/sub, on the shared Redis under a channel prefix of its own. */
import { after, before } from 'node:test';
import {
  closeRedis,
  connectRedis,
  createRedisClient,
  type RedisClient,
} from '../../src/adapters/redis/connection.ts';
import { createRedisEventBus } from '../../src/adapters/redis/event-bus.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { SHARED_REDIS_URI, testKeyPrefix } from '../support/redis.ts';
import { defineEventBusContractTests } from './event-bus.contract.ts';

const channelPrefix = testKeyPrefix('events');
let publisher: RedisClient;
let subscriber: RedisClient;

before(async () => {
  publisher = createRedisClient({ uri: SHARED_REDIS_URI, role: 'commands', logger: silentLogger() });
  subscriber = createRedisClient({ uri: SHARED_REDIS_URI, role: 'subscriber', logger: silentLogger() });
  await Promise.all([publisher, subscriber].map((c) => connectRedis(c, { uri: SHARED_REDIS_URI })));
});
after(async () => {
  await Promise.all([closeRedis(publisher), closeRedis(subscriber)]);
});

defineEventBusContractTests('redis pub/sub', async () =>
  createRedisEventBus({ publisher, subscriber, channelPrefix }),
);
