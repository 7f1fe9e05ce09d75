/**
 * Two API replicas in one test process, each with its own container, database pool and Redis
 * connections, on the same PostgreSQL database and the same Redis (under a test prefix): sessions,
 * the read cache and its invalidations are shared, so a logout, a password change, a key revocation or
 * any other write on one replica is seen by the next read on the other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type Database, openDatabase } from '../../src/adapters/postgres/database.ts';
import { loadConfig } from '../../src/config/config.ts';
import { type Container, createContainer } from '../../src/container.ts';
import { createApp } from '../../src/http/app.ts';
import { type Listening, listen } from '../../src/http/listen.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { createPostgresDatabase, type TestPostgres } from '../support/db.ts';
import { checkWritesAreSeen, newOrganisation, type Replica, signIn } from '../support/freshness.ts';
import { deleteKeys, SHARED_REDIS_URI, testKeyPrefix } from '../support/redis.ts';

const redisKeyPrefix = testKeyPrefix('replicas');
let pg: TestPostgres;
const running: { database: Database; container: Container; listening: Listening }[] = [];
let a: Replica;
let b: Replica;

async function replica(name: string): Promise<Replica> {
  const config = loadConfig({
    REDIS_URI: SHARED_REDIS_URI,
    DATABASE_URL: pg.url,
    ASSAY_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
    ASSAY_RATE_LIMIT: '100000',
  });
  const database = await openDatabase({ kind: 'postgres', url: pg.url, poolSize: 3, applicationName: name });
  const container = await createContainer({
    config,
    logger: silentLogger(),
    database,
    migrate: false,
    redisKeyPrefix,
    processName: name,
  });
  const listening = await listen(createApp({ container }), { port: 0, host: '127.0.0.1' });
  running.push({ database, container, listening });
  return { url: listening.url, container };
}

before(async () => {
  pg = await createPostgresDatabase();
  a = await replica('api-a');
  b = await replica('api-b');
});
after(async () => {
  for (const { database, container, listening } of running) {
    await listening.close();
    await container.close();
    await database.close();
  }
  await pg?.drop();
  await deleteKeys(SHARED_REDIS_URI, redisKeyPrefix);
});

describe('two API replicas on one Redis and one PostgreSQL', () => {
  it('share sessions: signed in on one, known on the other, with the sessions in Redis', async () => {
    const org = await newOrganisation(a);
    const viewer = await signIn(a, org, 'viewer');
    const me = await viewer.on(b).get('/api/v1/auth/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.user.id, viewer.userId);
    // No session row in PostgreSQL: distributed mode keeps them in Redis only.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from sessions`.execute(
      pg.database.db,
    );
    assert.equal(rows[0]?.n, 0);
  });

  it('never answer a read on one replica with what was there before a write on the other', async () => {
    await checkWritesAreSeen(a, b);
    await checkWritesAreSeen(b, a);
  });

  it('count cache hits in each replica', async () => {
    const stats = b.container.readCache.stats();
    assert.ok(stats.families.memberships.hits > 0);
    assert.ok(stats.families.organisation.hits > 0);
    // Sessions are read from Redis directly: nothing to cache in front of them.
    assert.equal(stats.families.session.hits + stats.families.session.misses, 0);
    assert.equal(stats.cache.errors, 0);
  });
});
