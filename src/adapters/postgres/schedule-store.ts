import type { Selectable } from 'kysely';
import { isId, newId } from '../../platform/ids.ts';
import type { Schedule, ScheduleStore } from '../../ports/schedule-store.ts';
import { inTransaction, keyset, mapDbError, olderThan, type StoreDeps, toPage } from './sql-helpers.ts';
import type { SchedulesTable } from './tables.ts';

function toSchedule(row: Selectable<SchedulesTable>): Schedule {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    projectId: row.project_id,
    suiteId: row.suite_id,
    environmentId: row.environment_id,
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled,
    nextFireAt: row.next_fire_at,
    lastFiredAt: row.last_fired_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createScheduleStore({ db, clock }: StoreDeps): ScheduleStore {
  const store: ScheduleStore = {
    async create(input) {
      const now = clock.now();
      try {
        const row = await db
          .insertInto('schedules')
          .values({
            id: newId(now.getTime()),
            organisation_id: input.organisationId,
            project_id: input.projectId,
            suite_id: input.suiteId,
            environment_id: input.environmentId ?? null,
            name: input.name ?? '',
            cron: input.cron,
            timezone: input.timezone,
            enabled: input.enabled ?? true,
            next_fire_at: input.nextFireAt,
            created_by: input.createdBy ?? null,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toSchedule(row);
      } catch (error) {
        return mapDbError(error, { parent: 'project, suite or environment' });
      }
    },

    async get(organisationId, scheduleId) {
      if (!isId(scheduleId)) return null;
      const row = await db
        .selectFrom('schedules')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('id', '=', scheduleId)
        .executeTakeFirst();
      return row ? toSchedule(row) : null;
    },

    async list(organisationId, filter, page) {
      const { limit, after } = keyset(page);
      if ((filter.projectId && !isId(filter.projectId)) || (filter.suiteId && !isId(filter.suiteId))) {
        return { items: [], nextCursor: null };
      }
      let query = db.selectFrom('schedules').selectAll().where('organisation_id', '=', organisationId);
      if (filter.projectId) query = query.where('project_id', '=', filter.projectId);
      if (filter.suiteId) query = query.where('suite_id', '=', filter.suiteId);
      const rows = await query
        .where(olderThan(after))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return toPage(rows, limit, toSchedule);
    },

    async update(organisationId, scheduleId, patch) {
      if (!isId(scheduleId)) return null;
      try {
        const row = await db
          .updateTable('schedules')
          .set({
            updated_at: clock.now(),
            ...(patch.name !== undefined ? { name: patch.name } : {}),
            ...(patch.cron !== undefined ? { cron: patch.cron } : {}),
            ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
            ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
            ...(patch.environmentId !== undefined ? { environment_id: patch.environmentId } : {}),
            ...(patch.nextFireAt !== undefined ? { next_fire_at: patch.nextFireAt } : {}),
          })
          .where('organisation_id', '=', organisationId)
          .where('id', '=', scheduleId)
          .returningAll()
          .executeTakeFirst();
        return row ? toSchedule(row) : null;
      } catch (error) {
        return mapDbError(error, { parent: 'environment' });
      }
    },

    async delete(organisationId, scheduleId) {
      if (!isId(scheduleId)) return false;
      const result = await db
        .deleteFrom('schedules')
        .where('organisation_id', '=', organisationId)
        .where('id', '=', scheduleId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async listDue(now, limit) {
      const rows = await db
        .selectFrom('schedules')
        .selectAll()
        .where('enabled', '=', true)
        .where('next_fire_at', '<=', now)
        .orderBy('next_fire_at')
        .limit(limit)
        .execute();
      return rows.map(toSchedule);
    },

    async claimFire(organisationId, scheduleId, fire) {
      if (!isId(scheduleId)) return false;
      // A schedule of another organisation fails the composite foreign key: nothing to claim.
      const schedule = await store.get(organisationId, scheduleId);
      if (!schedule) return false;
      return inTransaction(db, async (trx) => {
        const claimed = await trx
          .insertInto('schedule_fires')
          .values({
            schedule_id: scheduleId,
            fire_at: fire.fireAt,
            organisation_id: organisationId,
            created_at: clock.now(),
          })
          .onConflict((oc) => oc.columns(['schedule_id', 'fire_at']).doNothing())
          .returning('schedule_id')
          .executeTakeFirst();
        if (!claimed) return false;
        await trx
          .updateTable('schedules')
          .set({ next_fire_at: fire.nextFireAt, last_fired_at: fire.fireAt, updated_at: clock.now() })
          .where('organisation_id', '=', organisationId)
          .where('id', '=', scheduleId)
          .execute();
        return true;
      });
    },

    async recordFireRun(organisationId, scheduleId, fireAt, runId) {
      await db
        .updateTable('schedule_fires')
        .set({ run_id: runId })
        .where('organisation_id', '=', organisationId)
        .where('schedule_id', '=', scheduleId)
        .where('fire_at', '=', fireAt)
        .execute();
    },
  };
  return store;
}
