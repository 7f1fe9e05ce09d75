/**
 * A worker killed mid-job (SIGKILL: no shutdown, no lock release), with the production queue
 * settings: another worker runs the job within 35 s (lock 15 s + stalled check every 10 s), as the
 * same attempt, and the organisation's slot held by the dead worker does not block it. Runs on the
 * shared Redis under its own prefix: only a worker process is killed here, never Redis.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openRedisAdapters, type RedisAdapters } from '../../src/adapters/redis/redis-adapters.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import type { Job } from '../../src/ports/job-queue.ts';
import { deleteKeys, SHARED_REDIS_URI, testKeyPrefix } from '../support/redis.ts';

const CHILD = fileURLToPath(new URL('./redis-worker-child.ts', import.meta.url));

describe('a worker killed mid-job', () => {
  const keyPrefix = testKeyPrefix('worker-kill');
  let redis: RedisAdapters;
  before(async () => {
    redis = await openRedisAdapters({ uri: SHARED_REDIS_URI, keyPrefix, logger: silentLogger() });
  });
  after(async () => {
    const deadline = new AbortController();
    deadline.abort();
    await redis.close({ signal: deadline.signal });
    await deleteKeys(SHARED_REDIS_URI, keyPrefix);
  });

  it('leaves its job to another worker within 35 s', { timeout: 90_000 }, async () => {
    const child = spawn(process.execPath, [CHILD, SHARED_REDIS_URI, keyPrefix], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const seen = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (output.includes(text)) resolve();
        };
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          check();
        });
        child.once('exit', () => reject(new Error(`worker exited before "${text}": ${output}`)));
        check();
      });
    try {
      await seen('ready');
      const queue = redis.queue<{ n: number }>('runs');
      await queue.enqueue({ n: 1 }, { jobId: 'run:r1:0', organisationId: 'org-1', attempts: 3 });
      await seen('started run:r1:0');

      const rerun: Job<{ n: number }>[] = [];
      queue.process(
        async (job) => {
          rerun.push(job);
        },
        { concurrency: 1, perOrganisationConcurrency: 1 },
      );
      child.kill('SIGKILL');
      await once(child, 'exit');

      for (let i = 0; i < 350 && rerun.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(rerun.length, 1, 'the job did not run again within 35 s of the kill');
      assert.equal(rerun[0]?.id, 'run:r1:0');
      assert.equal(rerun[0]?.attempt, 1);
      for (let i = 0; i < 100 && (await queue.getState('run:r1:0')) !== null; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(await queue.getState('run:r1:0'), null);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
