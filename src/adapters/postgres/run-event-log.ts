import { type Selectable, sql } from 'kysely';
import { isId } from '../../platform/ids.ts';
import type { RunEventLog } from '../../ports/run-event-log.ts';
import { json, mapDbError, type StoreDeps } from './sql-helpers.ts';
import type { RunEventsTable } from './tables.ts';

export function createRunEventLog({ db, clock }: StoreDeps): RunEventLog {
  return {
    async append(organisationId, runId, event) {
      const now = clock.now();
      try {
        // Next seq computed in the insert; one writer per run, and the primary key catches a race.
        const result = await sql<Selectable<RunEventsTable>>`
          insert into run_events (run_id, seq, organisation_id, type, data, created_at)
          select ${runId}::uuid, coalesce(max(seq), 0) + 1, ${organisationId}::uuid, ${event.type},
                 ${json(event.data)}::jsonb, ${now}::timestamptz
          from run_events where run_id = ${runId}::uuid
          returning *`.execute(db);
        const row = result.rows[0];
        if (!row) throw new Error('insert into run_events returned no row');
        return { runId: row.run_id, seq: row.seq, type: row.type, data: row.data, createdAt: row.created_at };
      } catch (error) {
        return mapDbError(error, { parent: 'run' });
      }
    },

    async listAfter(organisationId, runId, afterSeq, limit = 1000) {
      if (!isId(runId)) return [];
      const rows = await db
        .selectFrom('run_events')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('run_id', '=', runId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        runId: row.run_id,
        seq: row.seq,
        type: row.type,
        data: row.data,
        createdAt: row.created_at,
      }));
    },
  };
}
