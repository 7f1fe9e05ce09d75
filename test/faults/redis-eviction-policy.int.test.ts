/**
 * `maxmemory-policy`, on private redis-servers: a server that may evict keys is refused at start-up
 * with a message naming the setting, and readiness fails when the policy is changed on a running
 * server (someone ran CONFIG SET). CONFIG SET is only ever sent to the private server.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClient } from 'redis';
import { openRedisAdapters } from '../../src/adapters/redis/redis-adapters.ts';
import { createLogger, silentLogger } from '../../src/platform/logger.ts';
import { type OwnRedisServer, startRedisServer } from '../support/redis.ts';

describe('Redis maxmemory-policy', () => {
  const servers: OwnRedisServer[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('refuses to start on a server that evicts keys, naming the setting', async () => {
    const server = await startRedisServer({ args: ['--maxmemory-policy', 'allkeys-lru'] });
    servers.push(server);
    await assert.rejects(openRedisAdapters({ uri: server.uri, logger: silentLogger() }), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /maxmemory-policy is "allkeys-lru"/);
      assert.match(error.message, /noeviction/);
      return true;
    });
  });

  it('turns readiness red when the policy is changed on a running server', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const redis = await openRedisAdapters({ uri: server.uri, logger: silentLogger() });
    try {
      assert.deepEqual(await redis.health(), { maxmemoryPolicy: 'noeviction' });
      const admin = createClient({ url: server.uri });
      await admin.connect();
      await admin.configSet('maxmemory-policy', 'volatile-lru');
      admin.destroy();
      await assert.rejects(redis.health(), /maxmemory-policy is "volatile-lru"/);
    } finally {
      await redis.close();
    }
  });

  it('starts with a warning when CONFIG is not permitted (as on managed Redis)', async () => {
    const server = await startRedisServer({ args: ['--rename-command', 'CONFIG', ''] });
    servers.push(server);
    const lines: string[] = [];
    const logger = createLogger({
      level: 'warn',
      destination: { write: (line: string) => lines.push(line) },
    });
    const redis = await openRedisAdapters({ uri: server.uri, logger });
    try {
      assert.deepEqual(await redis.health(), { maxmemoryPolicy: 'unknown' });
      assert.ok(lines.some((line) => /maxmemory-policy/.test(line) && /"level":"warn"/.test(line)));
    } finally {
      await redis.close();
    }
  });
});
