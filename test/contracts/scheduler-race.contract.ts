/**
 * The scheduler's promise, held against any database: two schedulers racing on the same database
 * fire each due time exactly once, create the run with the `schedule` trigger behind manual runs, and
 * move the schedule to its next fire time. Run against PGlite and against a PostgreSQL server (where
 * the two schedulers use separate connection pools, as two processes would).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMemoryEventBus } from '../../src/adapters/memory/event-bus.ts';
import { createMemoryJobQueue } from '../../src/adapters/memory/job-queue.ts';
import { manualClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import type { Stores, TransactionRunner } from '../../src/ports/stores.ts';
import type { RunJob } from '../../src/services/run-jobs.ts';
import { computeNextFire } from '../../src/services/schedules-cron.ts';
import { createRunDispatcher } from '../../src/worker/run-dispatcher.ts';
import { fireDueSchedules, type SchedulerDeps } from '../../src/worker/scheduler.ts';

export interface SchedulerProcess {
  stores: Stores;
  transaction: TransactionRunner;
}

export function defineSchedulerRaceTests(
  name: string,
  factory: () => Promise<{ processes: [SchedulerProcess, SchedulerProcess]; close(): Promise<void> }>,
): void {
  describe(`scheduler: ${name}`, () => {
    let processes: [SchedulerProcess, SchedulerProcess];
    let close: () => Promise<void>;
    before(async () => {
      ({ processes, close } = await factory());
    });
    after(() => close());

    it('fires each due time exactly once when two schedulers race, and catches up missed times once', async () => {
      const clock = manualClock('2025-03-30T00:58:30.000Z');
      const [a] = processes;
      const seeded = await seedSchedule(
        a.stores,
        '*/5 * * * *',
        'Europe/Paris',
        new Date('2025-03-30T01:00:00Z'),
      );
      const queues = [
        createMemoryJobQueue<RunJob>({ name: 'runs' }),
        createMemoryJobQueue<RunJob>({ name: 'runs' }),
      ];
      const schedulers: SchedulerDeps[] = processes.map((p, i) => ({
        stores: p.stores,
        transaction: p.transaction,
        dispatcher: createRunDispatcher(queues[i] as (typeof queues)[number]),
        events: createMemoryEventBus(),
        clock,
        logger: silentLogger(),
        computeNextFire,
      }));
      const race = async () => {
        const outcomes = await Promise.all(
          [0, 1, 2, 3].map((i) => fireDueSchedules(schedulers[i % 2] as SchedulerDeps)),
        );
        return outcomes.flat().filter((o) => o.runId !== null);
      };

      // Not due yet.
      assert.deepEqual(await race(), []);
      clock.set('2025-03-30T01:00:00.500Z');
      const fired = await race();
      assert.equal(fired.length, 1);
      assert.deepEqual(await race(), []);
      const runs = await a.stores.runs.list(seeded.organisationId, { suiteId: seeded.suiteId });
      assert.equal(runs.items.length, 1);
      const run = runs.items[0];
      assert.equal(run?.trigger, 'schedule');
      assert.equal(run?.scheduleId, seeded.scheduleId);
      assert.ok((run?.priority ?? 0) > 0, 'scheduled runs queue behind manual ones');
      // Enqueued by whichever scheduler won, once.
      const waiting = (await queues[0]?.counts())?.waiting ?? 0;
      assert.equal(waiting + ((await queues[1]?.counts())?.waiting ?? 0), 1);
      const schedule = await a.stores.schedules.get(seeded.organisationId, seeded.scheduleId);
      assert.equal(schedule?.nextFireAt?.toISOString(), '2025-03-30T01:05:00.000Z');
      assert.equal(schedule?.lastFiredAt?.toISOString(), '2025-03-30T01:00:00.000Z');

      // Down for an hour (across the daylight-saving change in Paris): one catch-up fire, then the cadence.
      clock.set('2025-03-30T02:02:00.000Z');
      assert.equal((await race()).length, 1);
      assert.deepEqual(await race(), []);
      const later = await a.stores.schedules.get(seeded.organisationId, seeded.scheduleId);
      assert.equal(later?.nextFireAt?.toISOString(), '2025-03-30T02:05:00.000Z');
      const all = await a.stores.runs.list(seeded.organisationId, { suiteId: seeded.suiteId });
      assert.equal(all.items.length, 2);
      await Promise.all(queues.map((q) => q.close()));
    });

    it('skips disabled schedules and fires nothing for another attempt at a claimed time', async () => {
      const clock = manualClock('2025-01-01T10:00:00.000Z');
      const [a] = processes;
      const seeded = await seedSchedule(a.stores, '0 * * * *', 'UTC', new Date('2025-01-01T09:00:00Z'));
      await a.stores.schedules.update(seeded.organisationId, seeded.scheduleId, { enabled: false });
      const deps: SchedulerDeps = {
        stores: a.stores,
        transaction: a.transaction,
        dispatcher: createRunDispatcher(createMemoryJobQueue<RunJob>({ name: 'runs' })),
        events: createMemoryEventBus(),
        clock,
        logger: silentLogger(),
        computeNextFire,
      };
      assert.deepEqual(
        (await fireDueSchedules(deps)).filter((o) => o.scheduleId === seeded.scheduleId),
        [],
      );
      // Re-enabled with its old due time, which another process already claimed: no run.
      await a.stores.schedules.claimFire(seeded.organisationId, seeded.scheduleId, {
        fireAt: new Date('2025-01-01T09:00:00Z'),
        nextFireAt: new Date('2025-01-01T09:00:00Z'),
      });
      await a.stores.schedules.update(seeded.organisationId, seeded.scheduleId, { enabled: true });
      const outcomes = (await fireDueSchedules(deps)).filter((o) => o.scheduleId === seeded.scheduleId);
      assert.deepEqual(
        outcomes.map((o) => o.runId),
        [null],
      );
    });
  });
}

async function seedSchedule(stores: Stores, cron: string, timezone: string, nextFireAt: Date) {
  const suffix = randomBytes(5).toString('hex');
  const organisation = await stores.organisations.create({ name: 'Acme', slug: `acme-${suffix}` });
  const project = await stores.projects.create({
    organisationId: organisation.id,
    name: 'API',
    slug: `api-${suffix}`,
  });
  const { suite } = await stores.suites.create({
    organisationId: organisation.id,
    projectId: project.id,
    name: 'scheduled',
    version: {
      source:
        'version: 1\nname: s\nsteps:\n  - name: a\n    request: { method: GET, url: "http://127.0.0.1:9" }\n',
      format: 'yaml',
      parsed: {},
    },
  });
  const schedule = await stores.schedules.create({
    organisationId: organisation.id,
    projectId: project.id,
    suiteId: suite.id,
    cron,
    timezone,
    nextFireAt,
  });
  return { organisationId: organisation.id, suiteId: suite.id, scheduleId: schedule.id };
}
