/**
 * The run use cases' access to the `runs` queue, built from the job catalog: the job id names the
 * attempt that will claim the run (see `runJobId`), the retry policy is the catalog's, and manual/API
 * runs are given a higher priority than scheduled ones. Works unchanged with the in-process queue and
 * with BullMQ, where `cancel` reaches the machine running the job.
 */
import type { JobQueue } from '../ports/job-queue.ts';
import type { Run } from '../ports/run-store.ts';
import { type RunDispatcher, type RunJob, runJobId } from '../services/run-jobs.ts';
import { jobCatalog } from './catalog.ts';

/**
 * The jobs that may hold a run: the one enqueued for its current attempt, and the two before it (a job
 * retried by the queue, or redelivered after a stall, claims a later attempt under its first id).
 */
function candidateJobIds(run: Pick<Run, 'id' | 'attempt'>): string[] {
  const ids: string[] = [];
  for (let attempt = run.attempt; attempt >= Math.max(0, run.attempt - 2); attempt--) {
    ids.push(runJobId(run.id, attempt));
  }
  return ids;
}

export function createRunDispatcher(queue: JobQueue<RunJob>): RunDispatcher {
  const { retry } = jobCatalog.runs;
  return {
    enqueue(run) {
      return queue.enqueue(
        { runId: run.id },
        {
          jobId: runJobId(run.id, run.attempt),
          organisationId: run.organisationId,
          priority: run.priority,
          attempts: retry.attempts,
          backoffMs: retry.backoffMs,
        },
      );
    },

    async cancel(run) {
      let outcome: 'removed' | 'signalled' | 'not_found' = 'not_found';
      for (const jobId of candidateJobIds(run)) {
        const result = await queue.cancel(jobId);
        if (result === 'signalled' || (result === 'removed' && outcome === 'not_found')) outcome = result;
      }
      return outcome;
    },

    async isLive(run) {
      for (const jobId of candidateJobIds(run)) {
        if ((await queue.getState(jobId)) !== null) return true;
      }
      return false;
    },
  };
}
