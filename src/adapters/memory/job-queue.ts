/**
 * The embedded job queue: jobs live in this process only. That is enough because the database is the
 * source of truth: on start, unfinished runs are found in the database and enqueued again.
 */
import type {
  EnqueueOptions,
  Job,
  JobHandler,
  JobQueue,
  JobState,
  ProcessOptions,
} from '../../ports/job-queue.ts';

interface Entry<T> {
  id: string;
  data: T;
  options: EnqueueOptions;
  /** Tries made so far. */
  tries: number;
  /** Insertion order, to keep FIFO among equal priorities. */
  order: number;
}

export interface MemoryJobQueueOptions {
  name: string;
  /** Told about every failed try; `willRetry` says whether another follows. */
  onFailed?: (event: { jobId: string; attempt: number; error: unknown; willRetry: boolean }) => void;
}

export function createMemoryJobQueue<T>(options: MemoryJobQueueOptions): JobQueue<T> {
  const waiting: Entry<T>[] = [];
  const delayed = new Map<string, { entry: Entry<T>; timer: NodeJS.Timeout }>();
  const active = new Map<string, { entry: Entry<T>; controller: AbortController; done: Promise<void> }>();
  const activePerOrg = new Map<string, number>();
  let handler: JobHandler<T> | undefined;
  let processOptions: ProcessOptions = { concurrency: 1 };
  let order = 0;
  let closing = false;

  function has(id: string): boolean {
    return active.has(id) || delayed.has(id) || waiting.some((entry) => entry.id === id);
  }

  function addWaiting(entry: Entry<T>): void {
    const priority = entry.options.priority ?? 0;
    const index = waiting.findIndex(
      (other) =>
        (other.options.priority ?? 0) > priority ||
        ((other.options.priority ?? 0) === priority && other.order > entry.order),
    );
    if (index === -1) waiting.push(entry);
    else waiting.splice(index, 0, entry);
  }

  function delay(entry: Entry<T>, ms: number): void {
    const timer = setTimeout(() => {
      delayed.delete(entry.id);
      addWaiting(entry);
      pump();
    }, ms);
    delayed.set(entry.id, { entry, timer });
  }

  function pump(): void {
    if (!handler || closing) return;
    const cap = processOptions.perOrganisationConcurrency ?? Number.POSITIVE_INFINITY;
    while (active.size < processOptions.concurrency) {
      const index = waiting.findIndex((entry) => (activePerOrg.get(entry.options.organisationId) ?? 0) < cap);
      if (index === -1) return;
      const [entry] = waiting.splice(index, 1);
      if (entry) start(entry, handler);
    }
  }

  function start(entry: Entry<T>, run: JobHandler<T>): void {
    const org = entry.options.organisationId;
    const controller = new AbortController();
    entry.tries += 1;
    activePerOrg.set(org, (activePerOrg.get(org) ?? 0) + 1);
    const job: Job<T> = {
      id: entry.id,
      queue: options.name,
      data: entry.data,
      organisationId: org,
      attempt: entry.tries,
      signal: controller.signal,
    };
    // Registered before the handler starts, so that the job is `active` from its first line.
    const record = { entry, controller, done: Promise.resolve() };
    active.set(entry.id, record);
    record.done = (async () => {
      try {
        await run(job);
      } catch (error) {
        const attempts = entry.options.attempts ?? 1;
        const retryable = (error as { retryable?: unknown } | null)?.retryable !== false;
        const willRetry = retryable && entry.tries < attempts && !controller.signal.aborted && !closing;
        options.onFailed?.({ jobId: entry.id, attempt: entry.tries, error, willRetry });
        if (willRetry) {
          const base = entry.options.backoffMs ?? 1000;
          active.delete(entry.id);
          delay(entry, base * 2 ** (entry.tries - 1));
        }
      } finally {
        if (active.get(entry.id)?.controller === controller) active.delete(entry.id);
        activePerOrg.set(org, (activePerOrg.get(org) ?? 1) - 1);
        pump();
      }
    })();
  }

  return {
    name: options.name,

    async enqueue(data, enqueueOptions) {
      if (closing) throw new Error(`queue ${options.name} is closed`);
      if (has(enqueueOptions.jobId)) return { jobId: enqueueOptions.jobId, added: false };
      const entry: Entry<T> = {
        id: enqueueOptions.jobId,
        data,
        options: enqueueOptions,
        tries: 0,
        order: order++,
      };
      if ((enqueueOptions.delayMs ?? 0) > 0) delay(entry, enqueueOptions.delayMs ?? 0);
      else addWaiting(entry);
      pump();
      return { jobId: entry.id, added: true };
    },

    process(jobHandler, options) {
      if (handler) throw new Error('this queue already has a handler');
      handler = jobHandler;
      processOptions = options;
      pump();
    },

    async cancel(jobId) {
      const index = waiting.findIndex((entry) => entry.id === jobId);
      if (index !== -1) {
        waiting.splice(index, 1);
        return 'removed';
      }
      const later = delayed.get(jobId);
      if (later) {
        clearTimeout(later.timer);
        delayed.delete(jobId);
        return 'removed';
      }
      const running = active.get(jobId);
      if (running) {
        running.controller.abort(new Error('job cancelled'));
        return 'signalled';
      }
      return 'not_found';
    },

    async getState(jobId): Promise<JobState | null> {
      if (active.has(jobId)) return 'active';
      if (delayed.has(jobId)) return 'delayed';
      return waiting.some((entry) => entry.id === jobId) ? 'waiting' : null;
    },

    async counts() {
      return { waiting: waiting.length, delayed: delayed.size, active: active.size };
    },

    async close(closeOptions = {}) {
      closing = true;
      for (const { timer } of delayed.values()) clearTimeout(timer);
      delayed.clear();
      waiting.length = 0;
      const abortActive = () => {
        for (const { controller } of active.values()) controller.abort(new Error('queue closing'));
      };
      if (closeOptions.signal?.aborted) abortActive();
      else closeOptions.signal?.addEventListener('abort', abortActive, { once: true });
      await Promise.all([...active.values()].map(({ done }) => done));
      closeOptions.signal?.removeEventListener('abort', abortActive);
    },
  };
}
