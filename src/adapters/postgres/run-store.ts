import { type Selectable, sql } from 'kysely';
import type { RunSummary, StepResult } from '../../core/runner/model.ts';
import { isId, newId } from '../../platform/ids.ts';
import type { Run, RunError, RunState, RunStore, RunTrigger } from '../../ports/run-store.ts';
import { inTransaction, json, keyset, mapDbError, olderThan, type StoreDeps, toPage } from './sql-helpers.ts';
import type { RunsTable } from './tables.ts';

export function toRun(row: Selectable<RunsTable>): Run {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    projectId: row.project_id,
    suiteId: row.suite_id,
    suiteVersion: row.suite_version,
    environmentId: row.environment_id,
    scheduleId: row.schedule_id,
    status: row.status as RunState,
    trigger: row.trigger as RunTrigger,
    triggeredByUserId: row.triggered_by_user_id,
    triggeredByApiKeyId: row.triggered_by_api_key_id,
    priority: row.priority,
    attempt: row.attempt,
    variables: row.variables,
    idempotencyKey: row.idempotency_key,
    idempotencyFingerprint: row.idempotency_fingerprint,
    cancelRequestedAt: row.cancel_requested_at,
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    summary: row.summary as RunSummary | null,
    error: row.error as RunError | null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const UNFINISHED = ['queued', 'running'];

export function createRunStore({ db, clock }: StoreDeps): RunStore {
  return {
    async create(input) {
      const now = clock.now();
      const idem = input.idempotency;
      try {
        return await inTransaction(db, async (trx) => {
          if (idem) {
            const existing = await trx
              .selectFrom('runs')
              .selectAll()
              .where('organisation_id', '=', input.organisationId)
              .where('idempotency_key', '=', idem.key)
              .forUpdate()
              .executeTakeFirst();
            if (existing?.idempotency_expires_at && existing.idempotency_expires_at > now) {
              return { run: toRun(existing), created: false };
            }
            // An expired key is released so that it can name a new run.
            if (existing) {
              await trx
                .updateTable('runs')
                .set({ idempotency_key: null, idempotency_expires_at: null })
                .where('id', '=', existing.id)
                .execute();
            }
          }
          const row = await trx
            .insertInto('runs')
            .values({
              id: newId(now.getTime()),
              organisation_id: input.organisationId,
              project_id: input.projectId,
              suite_id: input.suiteId,
              suite_version: input.suiteVersion,
              environment_id: input.environmentId ?? null,
              schedule_id: input.scheduleId ?? null,
              trigger: input.trigger,
              triggered_by_user_id: input.triggeredByUserId ?? null,
              triggered_by_api_key_id: input.triggeredByApiKeyId ?? null,
              priority: input.priority ?? 0,
              variables: json(input.variables ?? {}),
              idempotency_key: idem?.key ?? null,
              idempotency_fingerprint: idem?.fingerprint ?? null,
              idempotency_expires_at: idem?.expiresAt ?? null,
              queued_at: input.queuedAt,
              created_at: now,
              updated_at: now,
            })
            // A concurrent create with the same key commits first: this insert then adds nothing.
            .onConflict((oc) =>
              oc
                .columns(['organisation_id', 'idempotency_key'])
                .where('idempotency_key', 'is not', null)
                .doNothing(),
            )
            .returningAll()
            .executeTakeFirst();
          if (row) return { run: toRun(row), created: true };
          const winner = await trx
            .selectFrom('runs')
            .selectAll()
            .where('organisation_id', '=', input.organisationId)
            .where('idempotency_key', '=', idem?.key ?? '')
            .executeTakeFirstOrThrow();
          return { run: toRun(winner), created: false };
        });
      } catch (error) {
        return mapDbError(error, { parent: 'suite version, project, environment or schedule' });
      }
    },

    async get(organisationId, runId) {
      if (!isId(runId)) return null;
      const row = await db
        .selectFrom('runs')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('id', '=', runId)
        .executeTakeFirst();
      return row ? toRun(row) : null;
    },

    async list(organisationId, filter, page) {
      const { limit, after } = keyset(page);
      if ((filter.suiteId && !isId(filter.suiteId)) || (filter.projectId && !isId(filter.projectId))) {
        return { items: [], nextCursor: null };
      }
      let query = db.selectFrom('runs').selectAll().where('organisation_id', '=', organisationId);
      if (filter.suiteId) query = query.where('suite_id', '=', filter.suiteId);
      if (filter.projectId) query = query.where('project_id', '=', filter.projectId);
      if (filter.status?.length) query = query.where('status', 'in', filter.status);
      if (filter.from) query = query.where('created_at', '>=', filter.from);
      if (filter.to) query = query.where('created_at', '<', filter.to);
      const rows = await query
        .where(olderThan(after))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return toPage(rows, limit, toRun);
    },

    async claim(organisationId, runId, at) {
      if (!isId(runId)) return null;
      const claimed = await db
        .updateTable('runs')
        .set((eb) => ({ status: 'running', attempt: eb('attempt', '+', 1), started_at: at, updated_at: at }))
        .where('organisation_id', '=', organisationId)
        .where('id', '=', runId)
        .where('status', 'in', UNFINISHED)
        .where('cancel_requested_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (claimed) return toRun(claimed);
      // Cancelled while its processor was gone: finish it now rather than leave it running forever.
      await db
        .updateTable('runs')
        .set({ status: 'cancelled', finished_at: at, updated_at: at })
        .where('organisation_id', '=', organisationId)
        .where('id', '=', runId)
        .where('status', 'in', UNFINISHED)
        .where('cancel_requested_at', 'is not', null)
        .execute();
      return null;
    },

    async finish(organisationId, runId, outcome) {
      if (!isId(runId)) return false;
      const result = await db
        .updateTable('runs')
        .set({
          status: outcome.status,
          finished_at: outcome.at,
          updated_at: outcome.at,
          duration_ms: sql<number>`greatest(0, round(extract(epoch from (${outcome.at}::timestamptz - started_at)) * 1000))::integer`,
          summary: outcome.summary ? json(outcome.summary) : null,
          error: outcome.error ? json(outcome.error) : null,
        })
        .where('organisation_id', '=', organisationId)
        .where('id', '=', runId)
        .where('attempt', '=', outcome.attempt)
        .where('status', '=', 'running')
        .returning('id')
        .executeTakeFirst();
      return result !== undefined;
    },

    async release(organisationId, runId, { attempt, at }) {
      if (!isId(runId)) return false;
      const result = await db
        .updateTable('runs')
        .set({ status: 'queued', updated_at: at })
        .where('organisation_id', '=', organisationId)
        .where('id', '=', runId)
        .where('attempt', '=', attempt)
        .where('status', '=', 'running')
        .returning('id')
        .executeTakeFirst();
      return result !== undefined;
    },

    async requestCancel(organisationId, runId, at) {
      if (!isId(runId)) return null;
      return inTransaction(db, async (trx) => {
        const row = await trx
          .updateTable('runs')
          .set((eb) => ({
            status: eb.case().when('status', '=', 'queued').then('cancelled').else(eb.ref('status')).end(),
            finished_at: eb.case().when('status', '=', 'queued').then(at).else(eb.ref('finished_at')).end(),
            cancel_requested_at: eb.fn.coalesce('cancel_requested_at', sql<Date>`${at}::timestamptz`),
            updated_at: at,
          }))
          .where('organisation_id', '=', organisationId)
          .where('id', '=', runId)
          .where('status', 'in', UNFINISHED)
          .returningAll()
          .executeTakeFirst();
        if (row) return toRun(row);
        const current = await trx
          .selectFrom('runs')
          .selectAll()
          .where('organisation_id', '=', organisationId)
          .where('id', '=', runId)
          .executeTakeFirst();
        return current ? toRun(current) : null;
      });
    },

    async listUnfinished({ limit, queuedBefore }) {
      let query = db.selectFrom('runs').selectAll().where('status', 'in', UNFINISHED);
      if (queuedBefore) query = query.where('queued_at', '<', queuedBefore);
      const rows = await query.orderBy('queued_at').orderBy('id').limit(limit).execute();
      return rows.map(toRun);
    },

    async saveStepResult(organisationId, { runId, attempt, seq, result }) {
      try {
        const row = await db
          .insertInto('step_results')
          .values({
            run_id: runId,
            attempt,
            seq,
            organisation_id: organisationId,
            iteration: result.iteration,
            step_index: result.index,
            name: result.step,
            status: result.status,
            started_at: result.startedAt,
            duration_ms: Math.round(result.durationMs),
            result: json(result),
          })
          .onConflict((oc) => oc.columns(['run_id', 'attempt', 'seq']).doNothing())
          .returning('seq')
          .executeTakeFirst();
        return row !== undefined;
      } catch (error) {
        return mapDbError(error, { parent: 'run' });
      }
    },

    async listStepResults(organisationId, runId, options = {}) {
      if (!isId(runId)) return [];
      let query = db
        .selectFrom('step_results')
        .select(['run_id', 'attempt', 'seq', 'result'])
        .where('organisation_id', '=', organisationId)
        .where('run_id', '=', runId);
      query =
        options.attempt !== undefined
          ? query.where('attempt', '=', options.attempt)
          : query.where('attempt', '=', (eb) =>
              eb
                .selectFrom('runs')
                .select('attempt')
                .where('id', '=', runId)
                .where('organisation_id', '=', organisationId),
            );
      const rows = await query.orderBy('seq').execute();
      return rows.map((row) => ({
        runId: row.run_id,
        attempt: row.attempt,
        seq: row.seq,
        result: row.result as StepResult,
      }));
    },
  };
}
