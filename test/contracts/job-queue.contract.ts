/** Behaviour every JobQueue adapter shares (in-process now; BullMQ later). No timing is asserted. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import type { Job, JobQueue } from '../../src/ports/job-queue.ts';

export type JobQueueFactory = (name: string) => Promise<JobQueue<{ n: number }>>;

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

export function defineJobQueueContractTests(name: string, factory: JobQueueFactory): void {
  describe(`JobQueue contract: ${name}`, () => {
    const open: JobQueue<{ n: number }>[] = [];
    async function queue() {
      const q = await factory(`test-${randomBytes(4).toString('hex')}`);
      open.push(q);
      return q;
    }
    afterEach(async () => {
      const controller = new AbortController();
      controller.abort();
      await Promise.all(open.splice(0).map((q) => q.close({ signal: controller.signal })));
    });

    it('delivers each job once with its data, organisation and attempt, and dedupes job ids', async () => {
      const q = await queue();
      assert.deepEqual(await q.enqueue({ n: 1 }, { jobId: 'a', organisationId: 'org-1' }), {
        jobId: 'a',
        added: true,
      });
      assert.deepEqual(await q.enqueue({ n: 9 }, { jobId: 'a', organisationId: 'org-1' }), {
        jobId: 'a',
        added: false,
      });
      assert.equal(await q.getState('a'), 'waiting');
      const seen: Job<{ n: number }>[] = [];
      q.process(
        async (job) => {
          seen.push(job);
        },
        { concurrency: 1 },
      );
      await until(() => seen.length === 1 && q.getState('a').then((s) => s === null), 'the job to finish');
      assert.equal(seen[0]?.id, 'a');
      assert.deepEqual(seen[0]?.data, { n: 1 });
      assert.equal(seen[0]?.organisationId, 'org-1');
      assert.equal(seen[0]?.attempt, 1);
      assert.equal(seen[0]?.queue, q.name);
      assert.throws(() => q.process(async () => {}, { concurrency: 1 }));
    });

    it('runs lower priority values first and never more jobs than the concurrency', async () => {
      const q = await queue();
      for (const [id, priority] of [
        ['low', 3],
        ['high', 1],
        ['mid', 2],
        ['high2', 1],
      ] as const) {
        await q.enqueue({ n: priority }, { jobId: id, organisationId: 'o', priority });
      }
      const order: string[] = [];
      q.process(
        async (job) => {
          order.push(job.id);
        },
        { concurrency: 1 },
      );
      await until(() => order.length === 4, 'all jobs');
      assert.deepEqual(order, ['high', 'high2', 'mid', 'low']);

      const q2 = await queue();
      let running = 0;
      let peak = 0;
      const release = deferred();
      q2.process(
        async () => {
          running += 1;
          peak = Math.max(peak, running);
          await release.promise;
          running -= 1;
        },
        { concurrency: 2 },
      );
      for (let i = 0; i < 5; i++) await q2.enqueue({ n: i }, { jobId: `j${i}`, organisationId: 'o' });
      await until(async () => (await q2.counts()).active === 2, 'two active jobs');
      assert.deepEqual(await q2.counts(), { waiting: 3, delayed: 0, active: 2 });
      release.resolve();
      await until(
        async () => (await q2.counts()).waiting + (await q2.counts()).active === 0,
        'the queue to drain',
      );
      assert.equal(peak, 2);
    });

    it('caps active jobs per organisation', async () => {
      const q = await queue();
      const release = deferred();
      const active = new Map<string, number>();
      let peakA = 0;
      let started = 0;
      q.process(
        async (job) => {
          started += 1;
          active.set(job.organisationId, (active.get(job.organisationId) ?? 0) + 1);
          peakA = Math.max(peakA, active.get('a') ?? 0);
          await release.promise;
          active.set(job.organisationId, (active.get(job.organisationId) ?? 0) - 1);
        },
        { concurrency: 4, perOrganisationConcurrency: 1 },
      );
      for (const [id, org] of [
        ['a1', 'a'],
        ['a2', 'a'],
        ['a3', 'a'],
        ['b1', 'b'],
      ] as const) {
        await q.enqueue({ n: 0 }, { jobId: id, organisationId: org });
      }
      await until(() => started === 2, 'one job of each organisation');
      assert.deepEqual(await q.counts(), { waiting: 2, delayed: 0, active: 2 });
      release.resolve();
      await until(() => started === 4, 'every job');
      assert.equal(peakA, 1);
    });

    it('removes a waiting job and signals an active one on cancel', async () => {
      const q = await queue();
      const started = deferred<Job<{ n: number }>>();
      const ran: string[] = [];
      q.process(
        async (job) => {
          ran.push(job.id);
          started.resolve(job);
          await new Promise<void>((resolve) =>
            job.signal.addEventListener('abort', () => resolve(), { once: true }),
          );
        },
        { concurrency: 1 },
      );
      await q.enqueue({ n: 1 }, { jobId: 'running', organisationId: 'o' });
      const job = await started.promise;
      await q.enqueue({ n: 2 }, { jobId: 'waiting', organisationId: 'o' });
      assert.equal(await q.cancel('waiting'), 'removed');
      assert.equal(await q.getState('waiting'), null);
      assert.equal(await q.cancel('running'), 'signalled');
      await until(() => job.signal.aborted, 'the abort signal');
      await until(() => q.getState('running').then((s) => s === null), 'the cancelled job to end');
      assert.equal(await q.cancel('nothing'), 'not_found');
      assert.deepEqual(ran, ['running']);
    });

    it('retries failures while attempts remain, except errors marked not retryable', async () => {
      const q = await queue();
      const attempts: Record<string, number[]> = {};
      q.process(
        async (job) => {
          attempts[job.id] = [...(attempts[job.id] ?? []), job.attempt];
          if (job.id === 'flaky' && job.attempt === 1) throw new Error('dependency down');
          if (job.id === 'invalid') throw Object.assign(new Error('invalid suite'), { retryable: false });
        },
        { concurrency: 1 },
      );
      await q.enqueue({ n: 1 }, { jobId: 'flaky', organisationId: 'o', attempts: 3, backoffMs: 10 });
      await q.enqueue({ n: 2 }, { jobId: 'invalid', organisationId: 'o', attempts: 3, backoffMs: 10 });
      await until(
        async () => attempts.flaky?.length === 2 && (await q.getState('invalid')) === null,
        'the retry',
      );
      assert.deepEqual(attempts.flaky, [1, 2]);
      assert.deepEqual(attempts.invalid, [1]);
    });

    it('holds delayed jobs until due, then runs them', async () => {
      const q = await queue();
      const ran: string[] = [];
      q.process(
        async (job) => {
          ran.push(job.id);
        },
        { concurrency: 1 },
      );
      await q.enqueue({ n: 1 }, { jobId: 'later', organisationId: 'o', delayMs: 50 });
      assert.equal(await q.getState('later'), 'delayed');
      await until(() => ran.includes('later'), 'the delayed job');
    });

    it('on close, waits for active jobs, and aborts them when the deadline signal fires', async () => {
      const q = await queue();
      const started = deferred();
      let finished = false;
      q.process(
        async (job) => {
          started.resolve();
          await new Promise<void>((resolve) =>
            job.signal.addEventListener('abort', () => resolve(), { once: true }),
          );
          finished = true;
        },
        { concurrency: 1 },
      );
      await q.enqueue({ n: 1 }, { jobId: 'long', organisationId: 'o' });
      await started.promise;
      const deadline = new AbortController();
      const closed = q.close({ signal: deadline.signal });
      assert.equal(finished, false);
      deadline.abort();
      await closed;
      assert.equal(finished, true);
    });
  });
}
