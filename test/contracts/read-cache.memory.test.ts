/** The read cache contract on the in-process cache (embedded mode). */
import { createMemoryCache } from '../../src/adapters/memory/cache.ts';
import { defineReadCacheContractTests } from './read-cache.contract.ts';

defineReadCacheContractTests('memory', async () => createMemoryCache());
