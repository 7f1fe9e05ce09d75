/** The job catalog's boot-time check and payload validation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryJobQueue } from '../adapters/memory/job-queue.ts';
import type { JobQueue } from '../ports/job-queue.ts';
import { JOB_NAMES } from './catalog.ts';
import { checkHandlers, defineHandler, JobCatalogError, registerJobHandlers } from './handlers.ts';

describe('job handlers', () => {
  it('accepts exactly one handler per catalog job', () => {
    assert.doesNotThrow(() => checkHandlers(JOB_NAMES.map((name) => ({ name }))));
  });

  it('refuses a missing, duplicated or unknown handler, naming each problem', () => {
    assert.throws(
      () => checkHandlers([]),
      (error: unknown) => {
        assert.ok(error instanceof JobCatalogError);
        assert.match(error.message, /no handler for 'runs'/);
        return true;
      },
    );
    assert.throws(() => checkHandlers([{ name: 'runs' }, { name: 'runs' }]), /2 handlers for 'runs'/);
    assert.throws(() => checkHandlers([{ name: 'runs' }, { name: 'emails' }]), /unknown job 'emails'/);
  });

  it('validates payloads before the handler and fails invalid ones without retry', async () => {
    const failures: { willRetry: boolean; error: unknown }[] = [];
    const queues = new Map<string, JobQueue<unknown>>();
    const queue = <T>(name: string): JobQueue<T> => {
      let q = queues.get(name);
      if (!q) {
        q = createMemoryJobQueue<unknown>({ name, onFailed: (event) => failures.push(event) });
        queues.set(name, q);
      }
      return q as JobQueue<T>;
    };
    const seen: string[] = [];
    registerJobHandlers(queue, [
      defineHandler(
        'runs',
        async (job) => {
          seen.push(job.data.runId);
        },
        { concurrency: 1 },
      ),
      defineHandler('webhooks', async () => {}, { concurrency: 1 }),
    ]);
    const runs = queue<unknown>('runs');
    const valid = '01900000-0000-7000-8000-000000000000';
    await runs.enqueue({ runId: valid }, { jobId: 'a', organisationId: 'o', attempts: 3, backoffMs: 1 });
    await runs.enqueue({ runId: 'nope' }, { jobId: 'b', organisationId: 'o', attempts: 3, backoffMs: 1 });
    while (seen.length + failures.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all([runs.close(), queue('webhooks').close()]);
    assert.deepEqual(seen, [valid]);
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.willRetry, false);
    assert.match(String(failures[0]?.error), /invalid runs payload/);
  });
});
