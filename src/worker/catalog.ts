/**
 * The job catalog: every background job Assay knows, with its payload schema and retry policy. A job
 * is enqueued only through `jobOptions` (which applies the policy) and handled only by a handler
 * registered for its name (`registerJobHandlers` refuses to start when a name has none, or two).
 * Payloads stay minimal, ids only: queues (Redis) hold clear text and the database is the truth.
 */
import { z } from 'zod';
import type { RunJob } from '../services/run-jobs.ts';
import type { WebhookJob } from '../services/webhooks-jobs.ts';

export interface JobDefinition<T> {
  /** What the job does, for logs and docs. */
  description: string;
  payload: z.ZodType<T>;
  /** Tries of one job (a run's own attempts are counted on the run, see ASSAY_RUN_MAX_ATTEMPTS). */
  retry: { attempts: number; backoffMs: number };
}

function defineJob<T>(definition: JobDefinition<T>): JobDefinition<T> {
  return definition;
}

export const jobCatalog = {
  runs: defineJob<RunJob>({
    description: 'execute one run of a suite: claim it, run the engine, persist results and events',
    payload: z.strictObject({ runId: z.uuid() }),
    // Operational failures (database unreachable) are retried; an invalid suite ends the run errored.
    retry: { attempts: 3, backoffMs: 2000 },
  }),
  webhooks: defineJob<WebhookJob>({
    description: 'send one signed webhook delivery to its notification channel and log the outcome',
    payload: z.strictObject({ deliveryId: z.uuid() }),
    // 30 s, 1, 2, 4, 8 min between tries: about a quarter of an hour for a receiver to come back.
    retry: { attempts: 6, backoffMs: 30_000 },
  }),
} as const;

export type JobName = keyof typeof jobCatalog;
export type JobPayload<N extends JobName> = (typeof jobCatalog)[N] extends JobDefinition<infer T> ? T : never;

export const JOB_NAMES = Object.keys(jobCatalog) as JobName[];
