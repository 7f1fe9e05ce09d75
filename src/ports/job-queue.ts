/**
 * A named queue of background jobs: the embedded adapter runs them in-process, the Redis adapter is
 * BullMQ (one Queue + one Worker per name). The database stays the source of truth for what the jobs
 * do; a queue only delivers, so handlers must be idempotent and safe to run twice.
 */
export interface EnqueueOptions {
  /** Deduplicates: enqueueing an id that is waiting or active adds nothing (e.g. `run:<id>:<attempt>`). */
  jobId: string;
  /** Tenant, for per-organisation concurrency caps. */
  organisationId: string;
  /** Lower runs sooner; default 0 (BullMQ: 1 is highest, 0 means none, so adapters map it). */
  priority?: number;
  delayMs?: number;
  /** Total tries, including the first; default 1. */
  attempts?: number;
  /** Base of the exponential backoff between tries; default 1000 ms. */
  backoffMs?: number;
}

export interface Job<T> {
  id: string;
  queue: string;
  data: T;
  organisationId: string;
  /** From 1. */
  attempt: number;
  /** Aborted when the job is cancelled or the worker shuts down past its grace period. */
  signal: AbortSignal;
}

/**
 * Throwing an error whose `retryable` is false ends the job without further tries (an invalid suite);
 * any other error is retried while attempts remain.
 */
export type JobHandler<T> = (job: Job<T>) => Promise<void>;

export type JobState = 'waiting' | 'delayed' | 'active';

export interface ProcessOptions {
  /** Jobs run at the same time by this process. */
  concurrency: number;
  /** At most this many active jobs per organisation in this process; unlimited when absent. */
  perOrganisationConcurrency?: number;
}

export interface JobQueue<T> {
  readonly name: string;
  enqueue(data: T, options: EnqueueOptions): Promise<{ jobId: string; added: boolean }>;
  /** Starts consuming with one handler; a queue has exactly one. */
  process(handler: JobHandler<T>, options: ProcessOptions): void;
  /**
   * Removes a waiting job, or aborts the signal of an active one wherever it runs.
   * Returns what it found: `removed`, `signalled`, or `not_found`.
   */
  cancel(jobId: string): Promise<'removed' | 'signalled' | 'not_found'>;
  /** Null when the queue holds no such job (finished, failed, or never added). */
  getState(jobId: string): Promise<JobState | null>;
  counts(): Promise<{ waiting: number; delayed: number; active: number }>;
  /**
   * Stops taking jobs and waits for active ones. When `signal` aborts (the shutdown deadline), active
   * jobs' signals are aborted too, and close resolves once their handlers return.
   */
  close(options?: { signal?: AbortSignal }): Promise<void>;
}
