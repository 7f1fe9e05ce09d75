/**
 * With Redis stopped (its own redis-server, killed), an `assay serve` process of distributed mode
 * keeps serving what does not need Redis, answers the routes that do with 503 and Retry-After within a
 * second (run triggering, event stream subscription), and its readiness turns red, as does a worker's.
 * Once Redis is back, all of it recovers without a restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authHeaders, checkExactlyOnce, followRun, triggerRuns, waitForFinal } from './batch.ts';
import { type Cluster, startCluster } from './cluster.ts';

describe('an API process with Redis down', { timeout: 180_000 }, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ apis: 1, workers: 1 });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('answers 503 with Retry-After where Redis is needed, serves the rest, and recovers', async () => {
    const api = cluster.apis[0]?.url ?? '';
    const worker = cluster.workers[0]?.url ?? '';
    const auth = authHeaders(cluster);
    const { runs } = await triggerRuns(cluster, { count: 1, label: 'before' });
    const runId = runs[0]?.id ?? '';
    await waitForFinal(cluster, [runId], { timeoutMs: 60_000 });

    await cluster.redis.kill();
    // "Within a second" is the promise: a request not answered by then counts as hung.
    const trigger = await cluster.request(api, `/api/v1/suites/${cluster.suiteId}/runs`, {
      method: 'POST',
      headers: auth,
      body: '{}',
      deadlineMs: 1_000,
    });
    assert.equal(trigger.status, 503, JSON.stringify(trigger.body));
    assert.equal(trigger.body.code, 'redis_unavailable');
    assert.match(trigger.headers.get('retry-after') ?? '', /^\d+$/);

    const events = await cluster.request(api, `/api/v1/runs/${runId}/events`, {
      headers: { ...auth, accept: 'text/event-stream' },
      deadlineMs: 1_000,
    });
    assert.equal(events.status, 503, JSON.stringify(events.body));
    assert.match(events.headers.get('content-type') ?? '', /problem\+json/);
    assert.match(events.headers.get('retry-after') ?? '', /^\d+$/);

    const read = await cluster.request(api, `/api/v1/runs/${runId}`, { headers: auth, deadlineMs: 1_000 });
    assert.equal(read.status, 200);
    assert.equal(read.body.status, 'passed');
    const list = await cluster.request(api, '/api/v1/projects', { headers: auth, deadlineMs: 1_000 });
    assert.equal(list.status, 200);
    assert.equal((await cluster.request(api, '/healthz', { deadlineMs: 1_000 })).status, 200);

    for (const url of [api, worker]) {
      const ready = await cluster.request(url, '/readyz', { deadlineMs: 2_000 });
      assert.equal(ready.status, 503, `${url}/readyz`);
      assert.equal(ready.body.checks.redis.status, 'failing');
      assert.equal(ready.body.checks.database.status, 'ok');
      assert.equal((await cluster.request(url, '/healthz', { deadlineMs: 1_000 })).status, 200);
    }

    await cluster.redis.start();
    for (const url of [api, worker]) {
      for (let i = 0; ; i++) {
        const ready = await cluster.request(url, '/readyz', { deadlineMs: 2_000 });
        if (ready.status === 200) break;
        assert.ok(i < 150, `${url} not ready again after Redis came back: ${JSON.stringify(ready.body)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const recovered = await triggerRuns(cluster, { count: 1, label: 'after' });
    const again = recovered.runs[0]?.id ?? '';
    const streamed = await followRun(cluster, api, again, 60_000);
    assert.equal(streamed.at(-1)?.event, 'run.finished');
    const report = await checkExactlyOnce(cluster, [runId, again]);
    assert.deepEqual(report.problems, []);
    assert.deepEqual(cluster.hung, []);
  });
});
