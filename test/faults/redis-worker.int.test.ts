/**
 * A BullMQ worker across a Redis restart, on a private redis-server with AOF (appendfsync everysec,
 * as in production): jobs accepted before the crash survive it, enqueueing is refused while Redis is
 * down, and the same worker (not a new one) runs both the surviving and the new jobs once Redis is back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openRedisAdapters, type RedisAdapters } from '../../src/adapters/redis/redis-adapters.ts';
import { OperationalError } from '../../src/platform/errors.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { type OwnRedisServer, startRedisServer } from '../support/redis.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(what: string, check: () => boolean | Promise<boolean>, tries = 600): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('BullMQ worker across a Redis restart', () => {
  let server: OwnRedisServer;
  let api: RedisAdapters;
  let worker: RedisAdapters;
  before(async () => {
    server = await startRedisServer({ appendonly: true });
    api = await openRedisAdapters({ uri: server.uri, logger: silentLogger(), processName: 'api' });
    worker = await openRedisAdapters({ uri: server.uri, logger: silentLogger(), processName: 'worker' });
  });
  after(async () => {
    const deadline = new AbortController();
    deadline.abort();
    await api?.close({ signal: deadline.signal });
    await worker?.close({ signal: deadline.signal });
    await server?.stop();
  });

  it('keeps consuming after Redis was killed and restarted', async () => {
    const producer = api.queue<{ n: number }>('runs');
    const ran: string[] = [];
    worker.queue<{ n: number }>('runs').process(
      async (job) => {
        ran.push(job.id);
      },
      { concurrency: 2, perOrganisationConcurrency: 1 },
    );
    await producer.enqueue({ n: 1 }, { jobId: 'before', organisationId: 'o' });
    await eventually('the first job', () => ran.includes('before'));

    // Accepted, not yet due when Redis dies; AOF flushes every second.
    await producer.enqueue({ n: 2 }, { jobId: 'survivor', organisationId: 'o', delayMs: 2_500 });
    await sleep(1_500);
    await server.kill();
    await assert.rejects(
      producer.enqueue({ n: 3 }, { jobId: 'during', organisationId: 'o' }),
      (error: unknown) => error instanceof OperationalError,
    );
    await sleep(1_000);
    await server.start();

    await eventually('the producer to reconnect', async () =>
      producer
        .enqueue({ n: 4 }, { jobId: 'after', organisationId: 'o' })
        .then(() => true)
        .catch(() => false),
    );
    await eventually(
      'the jobs to run after the restart',
      () => ran.includes('after') && ran.includes('survivor'),
    );
    assert.equal(ran.filter((id) => id === 'during').length, 0);
    assert.deepEqual(await producer.counts(), { waiting: 0, delayed: 0, active: 0 });
  });

  it('starts a worker asked for while Redis is down, once Redis is back', async () => {
    await server.kill();
    const ran: string[] = [];
    worker.queue<{ n: number }>('late').process(
      async (job) => {
        ran.push(job.id);
      },
      { concurrency: 1 },
    );
    await sleep(1_500);
    await server.start();
    const producer = api.queue<{ n: number }>('late');
    await eventually('the producer to reconnect', async () =>
      producer
        .enqueue({ n: 1 }, { jobId: 'late-job', organisationId: 'o' })
        .then(() => true)
        .catch(() => false),
    );
    await eventually('the late worker to run the job', () => ran.includes('late-job'));
  });
});
