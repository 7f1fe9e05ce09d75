/**
 * BullMQ settings of Assay's queues, each with its reason (ADR 0020), and the mapping of the port's
 * job ids and priorities onto BullMQ's.
 */

export interface QueueSettings {
  /**
   * How long a worker's lock on a job lasts without renewal (renewed every half of it). A worker
   * killed mid-job leaves the lock to expire, then the next stalled check (every `stalledIntervalMs`)
   * moves the job back to waiting: recovery takes at most lockDuration + stalledInterval (25 s here,
   * within the 35 s promised for a killed worker). It also bounds how long the event loop may block
   * before a healthy worker loses its lock: runs execute I/O and sandboxed scripts off the main
   * thread, so 15 s leaves a wide margin. Default 15 000 ms (BullMQ: 30 000).
   */
  lockDurationMs: number;
  /** Between two stalled-job checks (by every worker). Default 10 000 ms (BullMQ: 30 000). */
  stalledIntervalMs: number;
  /**
   * Restarts after a stall before the job fails ("stalled more than allowable limit"). 2 survives two
   * worker crashes or long Redis outages; a run that kills its worker every time fails on the third.
   * BullMQ's `maxStartedAttempts` is not used: a job parked by its organisation's cap counts as
   * started each time it is handed out, so it would fail jobs that merely waited. Default 2.
   */
  maxStalledCount: number;
  /** Safety net of a parked job (organisation at its cap): it asks again after this. Default 30 000 ms. */
  parkMs: number;
  /** Deadline of enqueue, cancel and state queries on the request path. Default 2 000 ms. */
  requestTimeoutMs: number;
  /**
   * After the shutdown deadline has aborted the active jobs and their handlers have returned, how
   * long BullMQ may take to close before its connections are dropped (it never times out by itself,
   * and waits forever for a Redis that is down). Default 5 000 ms.
   */
  forceCloseAfterMs: number;
  /**
   * Recreates a worker that is idle while jobs wait for two stalled intervals in a row: BullMQ workers
   * have been seen to stop consuming after a Redis restart or failover (bullmq #648, #2964, #3185).
   * Default true.
   */
  watchdog: boolean;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  lockDurationMs: 15_000,
  stalledIntervalMs: 10_000,
  maxStalledCount: 2,
  parkMs: 30_000,
  requestTimeoutMs: 2_000,
  forceCloseAfterMs: 5_000,
  watchdog: true,
};

/** BullMQ's priorities run from 1 (first) to 2^21; 0 means "none" and goes before every priority. */
const PRIORITY_LIMIT = 2_097_152;
const PRIORITY_OFFSET = 1_048_576;

/**
 * The port's priority (lower first, default 0, may be negative) on BullMQ's scale. Every job gets a
 * BullMQ priority, so all of them are ordered in one set: priority first, then arrival.
 */
export function toBullPriority(priority = 0): number {
  return Math.min(PRIORITY_LIMIT, Math.max(1, Math.round(priority) + PRIORITY_OFFSET));
}

/**
 * BullMQ refuses custom ids that are integers or hold ':' (other than its own three-part form).
 * The port's ids are free text (`run:<id>:<attempt>`), so they are escaped under a prefix.
 */
export function toBullJobId(jobId: string): string {
  return `j.${jobId.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'))}`;
}

/** What a job carries in Redis: the port's id and organisation next to the payload. */
export interface JobEnvelope<T> {
  id: string;
  organisationId: string;
  data: T;
}
