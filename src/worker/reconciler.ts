/**
 * The reconciler makes the queue agree with the database, which is the source of truth. At start and
 * then periodically it looks at every unfinished run:
 * - `queued` with no job: the enqueue after the commit was lost (crash, queue outage, Redis data
 *   loss): enqueue it again;
 * - `running` with no job anywhere: its processor died. The run goes back to `queued` (its attempt
 *   count keeps the history) and is enqueued; the claim then starts attempt N+1, or ends it cancelled
 *   if cancellation was asked meanwhile, or errored past ASSAY_RUN_MAX_ATTEMPTS.
 * Every step is conditional, so several processes may reconcile at once.
 */
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Run } from '../ports/run-store.ts';
import type { Stores } from '../ports/stores.ts';
import { RUN_EVENT, type RunEventWriter } from '../services/run-events.ts';
import type { RunDispatcher } from '../services/run-jobs.ts';

export interface ReconcilerDeps {
  stores: Pick<Stores, 'runs'>;
  dispatcher: RunDispatcher;
  writer: RunEventWriter;
  clock: Clock;
  logger: Logger;
  /** Unfinished runs looked at per pass. */
  batchSize?: number;
}

export interface ReconcileReport {
  enqueued: number;
  requeued: number;
}

export async function reconcileRuns(deps: ReconcilerDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { enqueued: 0, requeued: 0 };
  const runs = await deps.stores.runs.listUnfinished({ limit: deps.batchSize ?? 5000 });
  for (const run of runs) {
    try {
      if (await deps.dispatcher.isLive(run)) continue;
      if (run.status === 'queued') {
        const { added } = await deps.dispatcher.enqueue(run);
        if (added) report.enqueued++;
      } else if (await requeueOrphan(deps, run)) {
        report.requeued++;
      }
    } catch (error) {
      deps.logger.warn({ err: error, runId: run.id }, 'run not reconciled; next pass retries');
    }
  }
  if (report.enqueued + report.requeued > 0) deps.logger.info(report, 'runs reconciled with the queue');
  return report;
}

async function requeueOrphan(deps: ReconcilerDeps, run: Run): Promise<boolean> {
  const released = await deps.stores.runs.release(run.organisationId, run.id, {
    attempt: run.attempt,
    at: deps.clock.now(),
  });
  if (!released) return false;
  await deps.writer.write(run, RUN_EVENT.requeued, {
    runId: run.id,
    attempt: run.attempt,
    reason: 'processor_lost',
  });
  await deps.dispatcher.enqueue({ ...run, status: 'queued' });
  return true;
}

/** Runs `reconcileRuns` now and every `intervalMs` until stopped; passes never overlap. */
export function startReconciler(deps: ReconcilerDeps & { intervalMs: number }): {
  /** Resolves when the first pass (restart recovery) is done. */
  ready: Promise<void>;
  stop(): Promise<void>;
} {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const pass = () => {
    current = reconcileRuns(deps).catch((error) => deps.logger.warn({ err: error }, 'reconcile pass failed'));
    return current;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void pass().then(schedule), deps.intervalMs);
    timer.unref();
  };
  const ready = pass().then(() => {
    schedule();
  });
  return {
    ready,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
