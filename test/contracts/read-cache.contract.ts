/**
 * The read cache in front of the stores, against one Cache adapter: every cached read, written and
 * read back through the same decorated stores, never returns what was there before the write.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createPostgresStores, createTransactionRunner } from '../../src/adapters/postgres/stores.ts';
import { systemClock } from '../../src/platform/clock.ts';
import type { Cache } from '../../src/ports/cache.ts';
import type { Stores, TransactionRunner } from '../../src/ports/stores.ts';
import { cacheKey, createReadCache, type ReadCache } from '../../src/services/read-cache.ts';
import {
  withReadCache,
  withReadCacheTransactions,
  withSessionCache,
} from '../../src/services/read-cache-stores.ts';
import { sharedPgliteDatabase } from '../support/db.ts';
import { seedOrganisation, seedRun, unique } from './fixtures.ts';

export function defineReadCacheContractTests(name: string, makeCache: () => Promise<Cache>): void {
  describe(`read cache: ${name}`, () => {
    let stores: Stores;
    let transaction: TransactionRunner;
    let readCache: ReadCache;

    before(async () => {
      const { db } = await sharedPgliteDatabase();
      const database = createPostgresStores({ db, clock: systemClock });
      readCache = createReadCache(await makeCache());
      stores = withReadCache(
        { ...database, sessions: withSessionCache(database.sessions, readCache) },
        readCache,
      );
      transaction = withReadCacheTransactions(createTransactionRunner({ db, clock: systemClock }), readCache);
    });

    const hits = (family: keyof ReturnType<ReadCache['stats']>['families']) =>
      readCache.stats().families[family].hits;

    it('sessions: touch, logout and password change are seen at once', async () => {
      const user = await stores.users.create({ email: `${unique('s')}@example.test` });
      const now = new Date();
      const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
      const session = (id: string) =>
        stores.sessions.create({
          idHash: id,
          userId: user.id,
          csrfToken: 'c',
          ip: null,
          userAgent: null,
          createdAt: now,
          idleExpiresAt: later(30),
          absoluteExpiresAt: later(600),
        });
      const [a, b, c] = [await session(unique('a')), await session(unique('b')), await session(unique('c'))];
      await stores.sessions.get(a.idHash, now);
      const before = hits('session');
      assert.equal((await stores.sessions.get(a.idHash, now))?.lastSeenAt.getTime(), now.getTime());
      assert.equal(hits('session'), before + 1, 'the second read is a hit');
      await stores.sessions.touch(a.idHash, { lastSeenAt: later(5), idleExpiresAt: later(35) });
      assert.equal(
        (await stores.sessions.get(a.idHash, later(6)))?.idleExpiresAt.getTime(),
        later(35).getTime(),
      );
      // A cached session still expires on time.
      assert.equal(await stores.sessions.get(a.idHash, later(36)), null);
      await stores.sessions.delete(a.idHash);
      assert.equal(await stores.sessions.get(a.idHash, now), null);
      await stores.sessions.get(b.idHash, now);
      await stores.sessions.get(c.idHash, now);
      await stores.sessions.deleteForUser(user.id, { exceptIdHash: c.idHash });
      assert.equal(await stores.sessions.get(b.idHash, now), null);
      assert.ok(await stores.sessions.get(c.idHash, now));
    });

    it('API keys: revocation, changes and recorded use are seen at once', async () => {
      const org = await seedOrganisation(stores);
      const prefix = unique('ak');
      const key = await stores.apiKeys.create({
        organisationId: org.id,
        name: 'ci',
        prefix,
        secretHash: 'h',
        scopes: ['runs:read'],
        signingSecret: {
          ciphertext: Buffer.from('sealed'),
          iv: Buffer.alloc(12, 1),
          tag: Buffer.alloc(16, 2),
          keyId: 'k',
        },
      });
      await stores.apiKeys.findByPrefix(prefix);
      const found = await stores.apiKeys.findByPrefix(prefix);
      assert.ok(found?.signingSecret?.ciphertext.equals(Buffer.from('sealed')), 'buffers survive the cache');
      assert.ok(found?.createdAt instanceof Date, 'dates survive the cache');
      const at = new Date();
      await stores.apiKeys.recordUse(key.id, { at, ip: '10.0.0.1' });
      assert.equal((await stores.apiKeys.findByPrefix(prefix))?.lastUsedIp, '10.0.0.1');
      await stores.apiKeys.update(org.id, key.id, {
        name: 'renamed',
        expiresAt: new Date(at.getTime() + 60_000),
      });
      assert.equal((await stores.apiKeys.findByPrefix(prefix))?.name, 'renamed');
      await stores.apiKeys.revoke(org.id, key.id, at);
      assert.equal((await stores.apiKeys.findByPrefix(prefix))?.revokedAt?.getTime(), at.getTime());
    });

    it('organisations: settings, roles and membership are seen at once, in and out of transactions', async () => {
      const org = await seedOrganisation(stores);
      const user = await stores.users.create({ email: `${unique('m')}@example.test` });
      await stores.organisations.setMember({ organisationId: org.id, userId: user.id, role: 'viewer' });
      assert.deepEqual(
        (await stores.organisations.listForUser(user.id)).map((o) => [o.id, o.role]),
        [[org.id, 'viewer']],
      );
      await stores.organisations.get(org.id);
      await stores.organisations.update(org.id, { settings: { retention_days: 7 }, name: 'Renamed' });
      assert.deepEqual((await stores.organisations.get(org.id))?.settings, { retention_days: 7 });
      assert.equal((await stores.organisations.listForUser(user.id))[0]?.name, 'Renamed');
      await transaction(async (tx) => {
        await tx.organisations.setMember({ organisationId: org.id, userId: user.id, role: 'admin' });
      });
      assert.equal((await stores.organisations.listForUser(user.id))[0]?.role, 'admin');
      await transaction(async (tx) => {
        await tx.organisations.update(org.id, { settings: { retention_days: 30 } });
      });
      assert.deepEqual((await stores.organisations.get(org.id))?.settings, { retention_days: 30 });
      // A rolled back change leaves the cache as the database: unchanged.
      await assert.rejects(
        transaction(async (tx) => {
          await tx.organisations.removeMember(org.id, user.id);
          throw new Error('rollback');
        }),
        /rollback/,
      );
      assert.equal((await stores.organisations.listForUser(user.id)).length, 1);
      await transaction((tx) => tx.organisations.removeMember(org.id, user.id));
      assert.deepEqual(await stores.organisations.listForUser(user.id), []);
    });

    it('suites: a save, a rename and a deletion are seen at once; versions stay cached', async () => {
      const { organisation, suite } = await seedRun(stores);
      const org = organisation.id;
      await stores.suites.get(org, suite.id);
      const v1 = await stores.suites.getVersion(org, suite.id, 1);
      const before = hits('suiteVersion');
      assert.equal((await stores.suites.getVersion(org, suite.id, 1))?.source, v1?.source);
      assert.equal(hits('suiteVersion'), before + 1);
      await stores.suites.addVersion(org, suite.id, { source: 'v2', format: 'yaml', parsed: {} });
      assert.equal((await stores.suites.get(org, suite.id))?.latestVersion, 2);
      assert.equal((await stores.suites.getVersion(org, suite.id))?.source, 'v2');
      await stores.suites.rename(org, suite.id, 'renamed');
      assert.equal((await stores.suites.get(org, suite.id))?.name, 'renamed');
      await stores.suites.delete(org, suite.id);
      assert.equal(await stores.suites.get(org, suite.id), null);
      assert.equal(await stores.suites.getVersion(org, suite.id, 1), null);
    });

    it('runs: every state change is seen at once; only finished runs are cached', async () => {
      const { organisation, run } = await seedRun(stores);
      const org = organisation.id;
      await stores.runs.get(org, run.id);
      assert.equal(
        await readCache.peek('run', cacheKey.run(org, run.id)),
        undefined,
        'a queued run is not kept',
      );
      const claimed = await stores.runs.claim(org, run.id, new Date());
      assert.equal((await stores.runs.get(org, run.id))?.status, 'running');
      await stores.runs.saveStepResult(org, {
        runId: run.id,
        attempt: 1,
        seq: 0,
        result: {
          suite: 's',
          step: 'one',
          index: 0,
          iteration: 0,
          status: 'passed',
          attempts: 1,
          startedAt: new Date().toISOString(),
          durationMs: 1,
          assertions: [],
          captures: {},
        },
      });
      assert.equal((await stores.runs.listStepResults(org, run.id, { attempt: 1 })).length, 1);
      await stores.runs.finish(org, run.id, {
        attempt: claimed?.attempt ?? 1,
        status: 'passed',
        at: new Date(),
      });
      const finished = await stores.runs.get(org, run.id);
      assert.equal(finished?.status, 'passed');
      const before = hits('run');
      assert.equal(
        (await stores.runs.get(org, run.id))?.finishedAt?.getTime(),
        finished?.finishedAt?.getTime(),
      );
      assert.equal(hits('run'), before + 1, 'a finished run is served from the cache');
      await stores.runs.listStepResults(org, run.id, { attempt: 1 });
      const stepHits = hits('runSteps');
      assert.equal((await stores.runs.listStepResults(org, run.id, { attempt: 1 }))[0]?.result.step, 'one');
      assert.equal(hits('runSteps'), stepHits + 1);
    });

    it('runs: deleting what they point at is seen at once', async () => {
      const seeded = await seedRun(stores);
      const org = seeded.organisation.id;
      const environment = await stores.environments.create({
        organisationId: org,
        projectId: seeded.project.id,
        name: unique('e'),
      });
      const { run } = await stores.runs.create({
        organisationId: org,
        projectId: seeded.project.id,
        suiteId: seeded.suite.id,
        suiteVersion: 1,
        environmentId: environment.id,
        trigger: 'manual',
        queuedAt: new Date(),
      });
      const claimed = await stores.runs.claim(org, run.id, new Date());
      await stores.runs.finish(org, run.id, {
        attempt: claimed?.attempt ?? 1,
        status: 'failed',
        at: new Date(),
      });
      assert.equal((await stores.runs.get(org, run.id))?.environmentId, environment.id);
      await transaction((tx) => tx.environments.delete(org, environment.id));
      assert.equal((await stores.runs.get(org, run.id))?.environmentId, null);
      await stores.suites.get(org, seeded.suite.id);
      await stores.projects.delete(org, seeded.project.id);
      assert.equal(await stores.runs.get(org, run.id), null);
      assert.equal(await stores.suites.get(org, seeded.suite.id), null);
    });

    it('does not keep a value loaded before an invalidation of its key', async () => {
      const key = `test:${unique('k')}`;
      let release: (value: { v: number }) => void = () => {};
      let loadStarted: () => void = () => {};
      const started = new Promise<void>((resolve) => {
        loadStarted = resolve;
      });
      const loading = readCache.read('organisation', key, () => {
        loadStarted();
        return new Promise<{ v: number } | null>((resolve) => {
          release = resolve;
        });
      });
      await started;
      await readCache.invalidate(key);
      release({ v: 1 });
      assert.deepEqual(await loading, { v: 1 });
      assert.equal(await readCache.peek('organisation', key), undefined);
      await readCache.read('organisation', key, async () => ({ v: 2 }));
      assert.deepEqual(await readCache.peek('organisation', key), { v: 2 });
    });
  });
}
