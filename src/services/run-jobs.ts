/**
 * How the run use cases reach the job queue, without knowing it: the worker's dispatcher implements
 * `RunDispatcher` from the job catalog (queue name, payload schema, retry policy). The job id names
 * the attempt that will claim the run, so an enqueue repeated by the reconciler or by an idempotent
 * replay adds nothing while that job is waiting or active.
 */
import type { Run } from '../ports/run-store.ts';

/** The payload of a run job: the database holds everything else (Redis keeps no run data). */
export interface RunJob {
  runId: string;
}

/**
 * `run:<id>:<attempt>` where attempt is the run's attempt count when the job is enqueued: the job
 * that claims attempt N+1 is `run:<id>:<N>`. A running run at attempt N is thus owned by
 * `run:<id>:<N-1>`, which is what cancellation signals.
 */
export function runJobId(runId: string, attempt: number): string {
  return `run:${runId}:${attempt}`;
}

/** Manual, API and CI runs go ahead of scheduled ones (lower runs sooner). */
export const RUN_PRIORITY = { interactive: 0, schedule: 10 } as const;

export interface RunDispatcher {
  /** Enqueues the job for the run's next attempt; a no-op when that job is already waiting or active. */
  enqueue(run: Run): Promise<{ jobId: string; added: boolean }>;
  /** Removes the waiting job or aborts the active one, wherever it runs. */
  cancel(run: Run): Promise<'removed' | 'signalled' | 'not_found'>;
  /** Whether the job that owns the run (as it now is) is still waiting, delayed or active somewhere. */
  isLive(run: Run): Promise<boolean>;
}
