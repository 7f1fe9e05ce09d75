import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { NotFoundError } from '../../src/platform/errors.ts';
import { seedOrganisation, seedRun, seedSuite, stepResult } from './fixtures.ts';
import type { StoreFactory, StoreHarness } from './store-fixture.ts';

export function defineRunStoreContractTests(name: string, factory: StoreFactory): void {
  describe(`RunStore and RunEventLog contract: ${name}`, () => {
    let h: StoreHarness;
    before(async () => {
      h = await factory();
    });

    it('creates queued runs pointing at a suite version, and lists them with filters', async () => {
      const { organisation, project, suite } = await seedSuite(h.stores);
      const base = {
        organisationId: organisation.id,
        projectId: project.id,
        suiteId: suite.id,
        suiteVersion: 1,
      };
      const first = await h.stores.runs.create({
        ...base,
        trigger: 'manual',
        queuedAt: new Date(),
        variables: { a: 1 },
      });
      assert.equal(first.created, true);
      assert.equal(first.run.status, 'queued');
      assert.equal(first.run.attempt, 0);
      assert.deepEqual(first.run.variables, { a: 1 });
      const second = (
        await h.stores.runs.create({ ...base, trigger: 'ci', priority: 1, queuedAt: new Date() })
      ).run;
      await assert.rejects(
        h.stores.runs.create({ ...base, suiteVersion: 99, trigger: 'api', queuedAt: new Date() }),
        NotFoundError,
      );
      const all = await h.stores.runs.list(organisation.id, { suiteId: suite.id });
      assert.deepEqual(
        all.items.map((r) => r.id),
        [second.id, first.run.id],
      );
      const page = await h.stores.runs.list(organisation.id, { projectId: project.id }, { limit: 1 });
      assert.deepEqual(
        page.items.map((r) => r.id),
        [second.id],
      );
      const next = await h.stores.runs.list(
        organisation.id,
        { projectId: project.id },
        { limit: 1, cursor: page.nextCursor },
      );
      assert.deepEqual(
        next.items.map((r) => r.id),
        [first.run.id],
      );
      const claimed = await h.stores.runs.claim(organisation.id, second.id, new Date());
      assert.ok(claimed);
      const running = await h.stores.runs.list(organisation.id, { status: ['running'] });
      assert.deepEqual(
        running.items.map((r) => r.id),
        [second.id],
      );
      const future = await h.stores.runs.list(organisation.id, { from: new Date(Date.now() + 60_000) });
      assert.deepEqual(future.items, []);
      const other = await seedOrganisation(h.stores);
      assert.equal(await h.stores.runs.get(other.id, first.run.id), null);
      assert.deepEqual((await h.stores.runs.list(other.id, {})).items, []);
      assert.equal(await h.stores.runs.claim(other.id, first.run.id, new Date()), null);
      assert.equal(await h.stores.runs.requestCancel(other.id, first.run.id, new Date()), null);
    });

    it('returns the first run for a repeated idempotency key until it expires, even under concurrency', async () => {
      const { organisation, project, suite } = await seedSuite(h.stores);
      const input = {
        organisationId: organisation.id,
        projectId: project.id,
        suiteId: suite.id,
        suiteVersion: 1,
        trigger: 'api' as const,
        queuedAt: new Date(),
      };
      const key = { key: 'k-1', fingerprint: 'f', expiresAt: new Date(Date.now() + 86_400_000) };
      const results = await Promise.all(
        [1, 2, 3, 4].map(() => h.stores.runs.create({ ...input, idempotency: key })),
      );
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.run.id)).size, 1);
      assert.equal(results[0]?.run.idempotencyFingerprint, 'f');
      // Another organisation may use the same key.
      const other = await seedSuite(h.stores);
      const theirs = await h.stores.runs.create({
        ...input,
        organisationId: other.organisation.id,
        projectId: other.project.id,
        suiteId: other.suite.id,
        idempotency: key,
      });
      assert.equal(theirs.created, true);
      const expiring = { key: 'k-2', fingerprint: 'f', expiresAt: new Date(Date.now() - 1000) };
      const old = await h.stores.runs.create({ ...input, idempotency: expiring });
      const fresh = await h.stores.runs.create({
        ...input,
        idempotency: { ...expiring, expiresAt: key.expiresAt },
      });
      assert.equal(fresh.created, true);
      assert.notEqual(fresh.run.id, old.run.id);
    });

    it('claims with a new attempt and accepts the final write only from the current attempt, once', async () => {
      const { organisation, run } = await seedRun(h.stores);
      const first = await h.stores.runs.claim(organisation.id, run.id, new Date());
      assert.equal(first?.status, 'running');
      assert.equal(first?.attempt, 1);
      // The processor died: a new claim takes over with attempt 2.
      const second = await h.stores.runs.claim(organisation.id, run.id, new Date());
      assert.equal(second?.attempt, 2);
      const summary = {
        suite: 's',
        status: 'passed' as const,
        startedAt: '2025-01-01T00:00:00Z',
        durationMs: 5,
        iterations: 1,
        counts: {
          steps: 1,
          passed: 1,
          failed: 0,
          errored: 0,
          skipped: 0,
          assertions: 1,
          assertionsFailed: 0,
          requests: 1,
        },
      };
      assert.equal(
        await h.stores.runs.finish(organisation.id, run.id, { attempt: 1, status: 'failed', at: new Date() }),
        false,
      );
      assert.equal(
        await h.stores.runs.finish(organisation.id, run.id, {
          attempt: 2,
          status: 'passed',
          at: new Date(),
          summary,
        }),
        true,
      );
      assert.equal(
        await h.stores.runs.finish(organisation.id, run.id, {
          attempt: 2,
          status: 'errored',
          at: new Date(),
        }),
        false,
      );
      const done = await h.stores.runs.get(organisation.id, run.id);
      assert.equal(done?.status, 'passed');
      assert.deepEqual(done?.summary, summary);
      assert.ok(done?.finishedAt);
      assert.ok((done?.durationMs ?? -1) >= 0);
      assert.equal(await h.stores.runs.claim(organisation.id, run.id, new Date()), null);
    });

    it('cancels a queued run at once and flags a running one for its processor', async () => {
      const queued = await seedRun(h.stores);
      const cancelled = await h.stores.runs.requestCancel(queued.organisation.id, queued.run.id, new Date());
      assert.equal(cancelled?.status, 'cancelled');
      assert.ok(cancelled?.finishedAt);
      assert.equal(await h.stores.runs.claim(queued.organisation.id, queued.run.id, new Date()), null);

      const running = await seedRun(h.stores);
      const claimed = await h.stores.runs.claim(running.organisation.id, running.run.id, new Date());
      const flagged = await h.stores.runs.requestCancel(running.organisation.id, running.run.id, new Date());
      assert.equal(flagged?.status, 'running');
      assert.ok(flagged?.cancelRequestedAt);
      // If its processor is gone, the next claim finishes the run as cancelled instead of running it.
      assert.equal(await h.stores.runs.claim(running.organisation.id, running.run.id, new Date()), null);
      assert.equal((await h.stores.runs.get(running.organisation.id, running.run.id))?.status, 'cancelled');
      assert.equal(
        await h.stores.runs.finish(running.organisation.id, running.run.id, {
          attempt: claimed?.attempt ?? 0,
          status: 'passed',
          at: new Date(),
        }),
        false,
      );
      // Cancelling a finished run changes nothing and says how it ended.
      assert.equal(
        (await h.stores.runs.requestCancel(running.organisation.id, running.run.id, new Date()))?.status,
        'cancelled',
      );
    });

    it('lists unfinished runs of every organisation, oldest first', async () => {
      const longAgo = new Date('2001-01-01T00:00:00Z');
      const a = await seedRun(h.stores, { queuedAt: longAgo });
      const b = await seedRun(h.stores, { queuedAt: new Date(longAgo.getTime() + 1000) });
      await h.stores.runs.claim(b.organisation.id, b.run.id, new Date());
      const c = await seedRun(h.stores, { queuedAt: new Date(longAgo.getTime() + 2000) });
      await h.stores.runs.requestCancel(c.organisation.id, c.run.id, new Date());
      const unfinished = await h.stores.runs.listUnfinished({
        limit: 1000,
        queuedBefore: new Date('2001-01-02T00:00:00Z'),
      });
      const ids = unfinished.map((r) => r.id);
      assert.ok(ids.indexOf(a.run.id) >= 0 && ids.indexOf(a.run.id) < ids.indexOf(b.run.id));
      assert.ok(!ids.includes(c.run.id));
    });

    it('saves step results once per (run, attempt, seq) and lists the current attempt', async () => {
      const { organisation, run } = await seedRun(h.stores);
      await h.stores.runs.claim(organisation.id, run.id, new Date());
      const save = (attempt: number, seq: number) =>
        h.stores.runs.saveStepResult(organisation.id, {
          runId: run.id,
          attempt,
          seq,
          result: stepResult(seq),
        });
      assert.equal(await save(1, 0), true);
      assert.equal(await save(1, 0), false);
      await h.stores.runs.claim(organisation.id, run.id, new Date());
      assert.equal(await save(2, 1), true);
      assert.equal(await save(2, 0), true);
      const current = await h.stores.runs.listStepResults(organisation.id, run.id);
      assert.deepEqual(
        current.map((r) => [r.attempt, r.seq, r.result.step]),
        [
          [2, 0, 'step 0'],
          [2, 1, 'step 1'],
        ],
      );
      assert.equal((await h.stores.runs.listStepResults(organisation.id, run.id, { attempt: 1 })).length, 1);
      const other = await seedOrganisation(h.stores);
      assert.deepEqual(await h.stores.runs.listStepResults(other.id, run.id), []);
      await assert.rejects(
        h.stores.runs.saveStepResult(other.id, { runId: run.id, attempt: 1, seq: 5, result: stepResult(5) }),
        NotFoundError,
      );
    });

    it('appends run events with increasing sequence numbers and replays them after a given one', async () => {
      const { organisation, run } = await seedRun(h.stores);
      const events = [];
      for (const type of ['run.started', 'step.finished', 'step.finished', 'run.finished']) {
        events.push(
          await h.stores.runEvents.append(organisation.id, run.id, { type, data: { type, list: [1, 2] } }),
        );
      }
      assert.deepEqual(
        events.map((e) => e.seq),
        [1, 2, 3, 4],
      );
      const after = await h.stores.runEvents.listAfter(organisation.id, run.id, 2);
      assert.deepEqual(
        after.map((e) => [e.seq, e.type]),
        [
          [3, 'step.finished'],
          [4, 'run.finished'],
        ],
      );
      assert.deepEqual(after[0]?.data, { type: 'step.finished', list: [1, 2] });
      assert.deepEqual(await h.stores.runEvents.listAfter(organisation.id, run.id, 4), []);
      assert.equal((await h.stores.runEvents.listAfter(organisation.id, run.id, 0, 2)).length, 2);
      const other = await seedOrganisation(h.stores);
      assert.deepEqual(await h.stores.runEvents.listAfter(other.id, run.id, 0), []);
      await assert.rejects(
        h.stores.runEvents.append(other.id, run.id, { type: 'x', data: {} }),
        NotFoundError,
      );
    });
  });
}
