/** The infrastructure contracts against the embedded (in-process) adapters. */
import { createMemoryCache } from '../../src/adapters/memory/cache.ts';
import { createMemoryEventBus } from '../../src/adapters/memory/event-bus.ts';
import { createMemoryJobQueue } from '../../src/adapters/memory/job-queue.ts';
import { createMemoryNonceStore } from '../../src/adapters/memory/nonce-store.ts';
import { createMemoryRateLimitStore } from '../../src/adapters/memory/rate-limit-store.ts';
import { defineCacheContractTests } from './cache.contract.ts';
import { defineEventBusContractTests } from './event-bus.contract.ts';
import { defineJobQueueContractTests } from './job-queue.contract.ts';
import { defineNonceStoreContractTests, defineRateLimitStoreContractTests } from './limits.contract.ts';

defineJobQueueContractTests('memory', async (name) => createMemoryJobQueue({ name }));
defineCacheContractTests('memory', async () => createMemoryCache());
defineEventBusContractTests('memory', async () => createMemoryEventBus());
defineNonceStoreContractTests('memory', async () => createMemoryNonceStore());
defineRateLimitStoreContractTests('memory', async () => createMemoryRateLimitStore());
