/**
 * The attack suite again in distributed mode: every server `startTestServer` starts in this process
 * runs on a throwaway PostgreSQL database and the Redis adapters (shared Redis, a key prefix of its
 * own), so the same cases check the PostgreSQL stores, Redis sessions, rate limits, nonces and queues.
 */
process.env.ASSAY_TEST_MODE = 'distributed';

await import('./attack-browser.test.ts');
await import('./attack-input.test.ts');
await import('./attack-keys.test.ts');
await import('./attack-limits.test.ts');
await import('./attack-signing.test.ts');
await import('./attack-tenancy.test.ts');
