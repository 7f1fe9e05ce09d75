/**
 * Redis failures in the middle of a batch, with 2 `assay serve` and 3 `assay worker` processes on a
 * private redis-server (append-only file on) and a throwaway PostgreSQL database:
 *
 * - FLUSHALL (every job, lock and slot gone): the reconcilers (every 2 s here) enqueue again the runs
 *   that PostgreSQL says are unfinished, and every run ends exactly once.
 * - Redis stopped (SIGKILL) then started again: triggers answer 503 meanwhile and are retried with the
 *   same Idempotency-Key, reads keep answering 200, no request hangs (each has a client deadline),
 *   and every run ends exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import {
  authHeaders,
  batchSize,
  checkExactlyOnce,
  sumLogged,
  type TriggeredRun,
  triggerRuns,
  waitForFinal,
  waitForQuarter,
} from './batch.ts';
import { type Cluster, HungRequestError, startCluster } from './cluster.ts';

describe('Redis failures mid-batch', { timeout: 420_000 }, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ apis: 2, workers: 3, appendonly: true });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('re-enqueues every run after FLUSHALL and ends each exactly once', async (t) => {
    const n = batchSize();
    const triggered: string[] = [];
    const triggering = triggerRuns(cluster, {
      count: n,
      label: 'flush',
      variables: { delay: '20' },
      onTriggered: (run) => triggered.push(run.id),
    });
    const doneAtFlush = await waitForQuarter(cluster, triggered, n, triggering);
    const triggeredAtFlush = triggered.length;
    const client = createClient({ url: cluster.redis.uri });
    await client.connect();
    const keysBefore = await client.dbSize();
    await client.flushAll();
    client.destroy();

    const { runs, unavailable } = await triggering;
    const ids = runs.map((run) => run.id);
    await waitForFinal(cluster, ids, { timeoutMs: 180_000 });
    const report = await checkExactlyOnce(cluster, ids);
    assert.deepEqual(report.problems, [], cluster.logs());
    assert.equal(report.byStatus.passed, n, JSON.stringify(report.byStatus));
    assert.deepEqual(cluster.hung, []);
    const enqueued = sumLogged(cluster, 'runs reconciled with the queue', 'enqueued');
    const requeued = sumLogged(cluster, 'runs reconciled with the queue', 'requeued');
    assert.ok(enqueued + requeued > 0, 'the reconcilers enqueued nothing after FLUSHALL');
    t.diagnostic(
      `FLUSHALL (${keysBefore} keys) when ${triggeredAtFlush} of ${n} runs were triggered and ${doneAtFlush} final: ` +
        `reconcilers enqueued ${enqueued} queued runs and requeued ${requeued} orphaned running ones; ` +
        `${JSON.stringify(report.byStatus)}, ${report.retried} needed a second attempt, 0 duplicates; ` +
        `${unavailable} triggers answered 503 and were retried`,
    );
  });

  it('finishes every run across a Redis stop and start, and no request hangs', async (t) => {
    const n = batchSize();
    const triggered: TriggeredRun[] = [];
    const triggeredIds: string[] = [];
    const triggering = triggerRuns(cluster, {
      count: n,
      label: 'restart',
      variables: { delay: '20' },
      onTriggered: (run) => {
        triggered.push(run);
        triggeredIds.push(run.id);
      },
    });

    // Reads do not need Redis: they keep answering 200 on both APIs throughout.
    const reads = { ok: 0, other: new Map<number, number>(), hung: 0, failed: [] as string[] };
    let reading = true;
    const reader = (async () => {
      for (let i = 0; reading; i++) {
        const run = triggered[i % Math.max(1, triggered.length)];
        const api = cluster.apis[i % cluster.apis.length];
        if (!run || !api) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        try {
          const reply = await cluster.request(api.url, `/api/v1/runs/${run.id}`, {
            headers: authHeaders(cluster),
            deadlineMs: 2_000,
          });
          if (reply.status === 200) reads.ok++;
          else reads.other.set(reply.status, (reads.other.get(reply.status) ?? 0) + 1);
        } catch (error) {
          if (error instanceof HungRequestError) reads.hung++;
          else reads.failed.push(String((error as Error).cause ?? error));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    let outcome: Awaited<typeof triggering>;
    let doneAtStop: number;
    let triggeredAtStop: number;
    let readyDuringOutage: Awaited<ReturnType<Cluster['request']>>;
    try {
      doneAtStop = await waitForQuarter(cluster, triggeredIds, n, triggering);
      triggeredAtStop = triggered.length;
      await cluster.redis.kill();
      readyDuringOutage = await cluster.request(cluster.apis[0]?.url ?? '', '/readyz', { deadlineMs: 2_000 });
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await cluster.redis.start();
      outcome = await triggering;
      await waitForFinal(
        cluster,
        outcome.runs.map((run) => run.id),
        { timeoutMs: 180_000 },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${cluster.logs()}`, { cause: error });
    } finally {
      reading = false;
      await reader.catch(() => undefined);
    }
    const { runs, unavailable } = outcome;
    const ids = runs.map((run) => run.id);

    const report = await checkExactlyOnce(cluster, ids);
    assert.deepEqual(report.problems, [], cluster.logs());
    assert.equal(report.byStatus.passed, n, JSON.stringify(report.byStatus));
    assert.equal(readyDuringOutage.status, 503);
    assert.equal(readyDuringOutage.body.checks.redis.status, 'failing');
    assert.deepEqual(cluster.hung, [], 'requests that reached their client deadline');
    assert.deepEqual([...reads.other], [], 'reads that did not answer 200');
    assert.deepEqual(reads.failed, [], 'reads that failed');
    t.diagnostic(
      `Redis stopped for 3 s when ${triggeredAtStop} of ${n} runs were triggered and ${doneAtStop} final: ` +
        `${unavailable} triggers answered 503 and were retried, ${reads.ok} reads answered 200, 0 hung; ` +
        `${JSON.stringify(report.byStatus)}, ${report.retried} needed a second attempt, 0 duplicates`,
    );
  });
});
