/**
 * The run use cases seen from the API: trigger (with idempotency), read, list, cancel. Creating a run
 * and its first event is one transaction; the job is enqueued after the commit, and the reconciler
 * enqueues any run whose enqueue was lost (a crash in between, a queue outage).
 */
import type { Clock } from '../platform/clock.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { Page, PageRequest } from '../ports/pagination.ts';
import type { RunEventRecord } from '../ports/run-event-log.ts';
import type { Run, RunFilter, RunTrigger, StepResultRecord } from '../ports/run-store.ts';
import type { Stores, TransactionRunner } from '../ports/stores.ts';
import type { Suite } from '../ports/suite-store.ts';
import { type Caller, callerUserId, recordAudit } from './caller.ts';
import { finishWithoutEngine } from './run-endings.ts';
import { createRunEventWriter, publishRunEvent, RUN_EVENT, toStreamEvent } from './run-events.ts';
import { IDEMPOTENCY_TTL_MS, idempotencyFingerprint } from './run-idempotency.ts';
import { RUN_PRIORITY, type RunDispatcher } from './run-jobs.ts';

export interface RunServiceDeps {
  stores: Pick<Stores, 'runs' | 'runEvents' | 'suites' | 'environments'>;
  transaction: TransactionRunner;
  dispatcher: RunDispatcher;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** Told when this service ends a run (a queued run cancelled): webhook notifications. */
  onRunFinished?: (run: Pick<Run, 'id' | 'organisationId'>) => Promise<void>;
}

export interface TriggerRunInput {
  suiteId: string;
  environmentId?: string | null;
  variables?: Record<string, unknown>;
  trigger: RunTrigger;
  /** The `Idempotency-Key` header: a replay within 24 h returns the first run. */
  idempotencyKey?: string | null;
  scheduleId?: string | null;
}

export interface TriggerRunResult {
  run: Run;
  /** False when an idempotent replay returned the run created by the first request. */
  created: boolean;
}

export interface RunDetail {
  run: Run;
  steps: StepResultRecord[];
}

export interface RunService {
  trigger(caller: Caller, input: TriggerRunInput): Promise<TriggerRunResult>;
  get(caller: Caller, runId: string): Promise<RunDetail>;
  list(caller: Caller, filter: RunFilter, page?: PageRequest): Promise<Page<Run>>;
  /** A queued run ends `cancelled` at once; a running one is signalled and ends `cancelled` shortly. */
  cancel(caller: Caller, runId: string): Promise<Run>;
}

export function createRunService(deps: RunServiceDeps): RunService {
  const { stores, clock, logger } = deps;
  const writer = createRunEventWriter({
    runEvents: stores.runEvents,
    events: deps.events,
    onPublishError: (error) => logger.warn({ err: error }, 'run event not published'),
    ...(deps.onRunFinished ? { onRunFinished: deps.onRunFinished } : {}),
  });

  return {
    async trigger(caller, input) {
      const org = caller.organisationId;
      const suite = await stores.suites.get(org, input.suiteId);
      if (!suite || suite.latestVersion < 1) throw new NotFoundError('suite');
      const environmentId = input.environmentId ?? null;
      if (environmentId !== null) {
        const environment = await stores.environments.get(org, environmentId);
        if (!environment || environment.projectId !== suite.projectId) {
          throw new UnprocessableError(
            [{ path: 'body.environmentId', message: "no such environment in the suite's project" }],
            { code: 'environment_not_found' },
          );
        }
      }
      const variables = input.variables ?? {};
      const now = clock.now();
      const fingerprint = input.idempotencyKey
        ? idempotencyFingerprint({ suiteId: suite.id, environmentId, variables })
        : null;

      const result = await deps.transaction((tx) =>
        insertQueuedRun(tx, caller, {
          suite,
          environmentId,
          variables,
          trigger: input.trigger,
          scheduleId: input.scheduleId ?? null,
          idempotency:
            input.idempotencyKey && fingerprint
              ? {
                  key: input.idempotencyKey,
                  fingerprint,
                  expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
                }
              : undefined,
          now,
        }),
      );

      if (!result.created && result.run.idempotencyFingerprint !== fingerprint) {
        throw new UnprocessableError(
          [{ path: 'header.idempotency-key', message: 'this key was used for a different request' }],
          { code: 'idempotency_key_reused', message: 'Idempotency-Key reused with a different request body' },
        );
      }
      // A replay of a run still queued enqueues again: a no-op if the job exists, a repair if it was lost.
      await announceQueuedRun(deps, result);
      return { run: result.run, created: result.created };
    },

    async get(caller, runId) {
      const run = await stores.runs.get(caller.organisationId, runId);
      if (!run) throw new NotFoundError('run');
      const steps =
        run.attempt > 0
          ? await stores.runs.listStepResults(caller.organisationId, run.id, { attempt: run.attempt })
          : [];
      return { run, steps };
    },

    list(caller, filter, page) {
      return stores.runs.list(caller.organisationId, filter, page);
    },

    async cancel(caller, runId) {
      const org = caller.organisationId;
      const before = await stores.runs.get(org, runId);
      if (!before) throw new NotFoundError('run');
      if (before.status !== 'queued' && before.status !== 'running') {
        if (before.status === 'cancelled') return before;
        throw new ConflictError(`the run already ended ${before.status}`, 'run_finished');
      }
      const at = clock.now();
      const run = await stores.runs.requestCancel(org, runId, at);
      if (!run) throw new NotFoundError('run');
      if (run.status === 'cancelled' && run.finishedAt?.getTime() === at.getTime()) {
        // This request ended a queued run: nothing else will write its last event.
        await deps.dispatcher.cancel(before).catch(() => 'not_found');
        await finishWithoutEngine({ writer, suites: stores.suites }, run, 'cancelled');
      } else if (run.status === 'running') {
        const outcome = await deps.dispatcher.cancel(run);
        logger.info({ runId, outcome }, 'cancellation requested');
      }
      return run;
    },
  };
}

export interface InsertedRun {
  run: Run;
  created: boolean;
  /** The `run.queued` event, when the run was created. */
  event: RunEventRecord | null;
}

/**
 * Creates the queued run, its first event and its audit entry on the stores of one transaction (the
 * scheduler adds its fire claim to the same transaction, so a claimed fire always has its run).
 */
export async function insertQueuedRun(
  tx: Stores,
  caller: Caller,
  input: {
    suite: Suite;
    environmentId: string | null;
    variables: Record<string, unknown>;
    trigger: RunTrigger;
    scheduleId: string | null;
    idempotency: { key: string; fingerprint: string; expiresAt: Date } | undefined;
    now: Date;
  },
): Promise<InsertedRun> {
  const { suite } = input;
  const created = await tx.runs.create({
    organisationId: caller.organisationId,
    projectId: suite.projectId,
    suiteId: suite.id,
    suiteVersion: suite.latestVersion,
    environmentId: input.environmentId,
    scheduleId: input.scheduleId,
    trigger: input.trigger,
    triggeredByUserId: callerUserId(caller),
    triggeredByApiKeyId: caller.actor.type === 'api_key' ? caller.actor.id : null,
    priority: input.trigger === 'schedule' ? RUN_PRIORITY.schedule : RUN_PRIORITY.interactive,
    variables: input.variables,
    ...(input.idempotency ? { idempotency: input.idempotency } : {}),
    queuedAt: input.now,
  });
  if (!created.created) return { ...created, event: null };
  const event = await tx.runEvents.append(caller.organisationId, created.run.id, {
    type: RUN_EVENT.queued,
    data: {
      runId: created.run.id,
      suiteId: suite.id,
      suiteVersion: created.run.suiteVersion,
      trigger: created.run.trigger,
    },
  });
  await recordAudit(tx.audit, caller, {
    action: 'run.triggered',
    target: { type: 'run', id: created.run.id },
    data: { suiteId: suite.id, trigger: input.trigger },
  });
  return { ...created, event };
}

/** After the commit: publishes the first event and enqueues the job. Never fails the caller. */
export async function announceQueuedRun(
  deps: { dispatcher: RunDispatcher; events: EventBus; logger: Logger },
  inserted: InsertedRun,
): Promise<void> {
  const { run } = inserted;
  if (inserted.event) {
    await publishRunEvent(deps.events, run.id, toStreamEvent(inserted.event), (error) =>
      deps.logger.warn({ err: error }, 'run event not published'),
    );
  }
  if (run.status !== 'queued') return;
  try {
    await deps.dispatcher.enqueue(run);
  } catch (error) {
    // The run is committed; the reconciler enqueues it later. Failing the request would invite a
    // retry that creates a second run.
    deps.logger.warn({ err: error, runId: run.id }, 'run not enqueued; the reconciler will retry');
  }
}
