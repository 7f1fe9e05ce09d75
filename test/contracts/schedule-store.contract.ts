import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { NotFoundError } from '../../src/platform/errors.ts';
import { seedOrganisation, seedSuite } from './fixtures.ts';
import type { StoreFactory, StoreHarness } from './store-fixture.ts';

export function defineScheduleStoreContractTests(name: string, factory: StoreFactory): void {
  describe(`ScheduleStore contract: ${name}`, () => {
    let h: StoreHarness;
    before(async () => {
      h = await factory();
    });

    async function seedSchedule(nextFireAt: Date | null, enabled = true) {
      const seeded = await seedSuite(h.stores);
      const schedule = await h.stores.schedules.create({
        organisationId: seeded.organisation.id,
        projectId: seeded.project.id,
        suiteId: seeded.suite.id,
        cron: '*/5 * * * *',
        timezone: 'Europe/Paris',
        enabled,
        nextFireAt,
      });
      return { ...seeded, schedule };
    }

    it('creates, lists, updates and deletes schedules within the organisation', async () => {
      const { organisation, suite, schedule } = await seedSchedule(new Date('2030-01-01T00:05:00Z'));
      const other = await seedOrganisation(h.stores);
      assert.equal(schedule.timezone, 'Europe/Paris');
      assert.equal(schedule.enabled, true);
      assert.deepEqual(
        (await h.stores.schedules.list(organisation.id, { suiteId: suite.id })).items.map((s) => s.id),
        [schedule.id],
      );
      assert.equal(await h.stores.schedules.get(other.id, schedule.id), null);
      assert.equal(await h.stores.schedules.update(other.id, schedule.id, { enabled: false }), null);
      const updated = await h.stores.schedules.update(organisation.id, schedule.id, {
        cron: '0 * * * *',
        enabled: false,
      });
      assert.equal(updated?.cron, '0 * * * *');
      assert.equal(updated?.enabled, false);
      assert.equal(await h.stores.schedules.delete(other.id, schedule.id), false);
      assert.equal(await h.stores.schedules.delete(organisation.id, schedule.id), true);
      await assert.rejects(
        h.stores.schedules.create({
          organisationId: other.id,
          projectId: schedule.projectId,
          suiteId: schedule.suiteId,
          cron: '* * * * *',
          timezone: 'UTC',
          nextFireAt: null,
        }),
        NotFoundError,
      );
    });

    it('lists due enabled schedules and claims each fire time exactly once', async () => {
      const due = await seedSchedule(new Date('2000-01-01T00:00:00Z'));
      const disabled = await seedSchedule(new Date('2000-01-01T00:00:00Z'), false);
      const later = await seedSchedule(new Date('2999-01-01T00:00:00Z'));
      const now = new Date('2000-01-01T00:00:30Z');
      const dueIds = (await h.stores.schedules.listDue(now, 1000)).map((s) => s.id);
      assert.ok(dueIds.includes(due.schedule.id));
      assert.ok(!dueIds.includes(disabled.schedule.id));
      assert.ok(!dueIds.includes(later.schedule.id));

      const fire = { fireAt: new Date('2000-01-01T00:00:00Z'), nextFireAt: new Date('2000-01-01T00:05:00Z') };
      const claims = await Promise.all(
        [1, 2, 3].map(() => h.stores.schedules.claimFire(due.organisation.id, due.schedule.id, fire)),
      );
      assert.deepEqual(claims.filter(Boolean).length, 1);
      const moved = await h.stores.schedules.get(due.organisation.id, due.schedule.id);
      assert.equal(moved?.nextFireAt?.toISOString(), '2000-01-01T00:05:00.000Z');
      assert.equal(moved?.lastFiredAt?.toISOString(), '2000-01-01T00:00:00.000Z');
      assert.ok(!(await h.stores.schedules.listDue(now, 1000)).some((s) => s.id === due.schedule.id));
      const { run } = await h.stores.runs.create({
        organisationId: due.organisation.id,
        projectId: due.project.id,
        suiteId: due.suite.id,
        suiteVersion: 1,
        scheduleId: due.schedule.id,
        trigger: 'schedule',
        queuedAt: new Date(),
      });
      await h.stores.schedules.recordFireRun(due.organisation.id, due.schedule.id, fire.fireAt, run.id);
      const other = await seedOrganisation(h.stores);
      assert.equal(
        await h.stores.schedules.claimFire(other.id, due.schedule.id, { ...fire, fireAt: new Date() }),
        false,
      );
    });
  });
}
