/**
 * Registers the handler of each job of the catalog on its queue. Checked at boot: every catalog name
 * has exactly one handler and no handler names an unknown job, so a job can never wait forever for a
 * consumer that does not exist. Payloads are validated before the handler sees them; an invalid one
 * fails without retry (retrying cannot fix it).
 */
import type { JobHandler, JobQueue, ProcessOptions } from '../ports/job-queue.ts';
import { JOB_NAMES, type JobName, type JobPayload, jobCatalog } from './catalog.ts';

export interface JobRegistration<N extends JobName = JobName> {
  name: N;
  handler: JobHandler<JobPayload<N>>;
  options: ProcessOptions;
}

export function defineHandler<N extends JobName>(
  name: N,
  handler: JobHandler<JobPayload<N>>,
  options: ProcessOptions,
): JobRegistration<N> {
  return { name, handler, options };
}

export class JobCatalogError extends Error {
  constructor(problems: string[]) {
    super(`job handlers do not match the job catalog: ${problems.join('; ')}`);
    this.name = 'JobCatalogError';
  }
}

/** Throws JobCatalogError listing every missing, duplicated or unknown handler. */
export function checkHandlers(registrations: readonly { name: string }[]): void {
  const problems: string[] = [];
  for (const name of JOB_NAMES) {
    const count = registrations.filter((r) => r.name === name).length;
    if (count === 0) problems.push(`no handler for '${name}'`);
    if (count > 1) problems.push(`${count} handlers for '${name}'`);
  }
  for (const { name } of registrations) {
    if (!(JOB_NAMES as string[]).includes(name)) problems.push(`handler for unknown job '${name}'`);
  }
  if (problems.length > 0) throw new JobCatalogError(problems);
}

class InvalidPayloadError extends Error {
  readonly retryable = false;
}

export function registerJobHandlers(
  queue: <T>(name: string) => JobQueue<T>,
  registrations: readonly JobRegistration[],
): void {
  checkHandlers(registrations);
  for (const registration of registrations) {
    const schema = jobCatalog[registration.name].payload;
    const handler = registration.handler as JobHandler<unknown>;
    queue<unknown>(registration.name).process(async (job) => {
      const parsed = schema.safeParse(job.data);
      if (!parsed.success) {
        throw new InvalidPayloadError(`invalid ${registration.name} payload: ${parsed.error.message}`);
      }
      await handler({ ...job, data: parsed.data });
    }, registration.options);
  }
}
