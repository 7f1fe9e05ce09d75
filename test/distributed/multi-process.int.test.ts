/**
 * The multi-process proof of distributed mode: 2 `assay serve` and 3 `assay worker` processes on a
 * private redis-server and a throwaway PostgreSQL database.
 *
 * 1. A batch of N runs (ASSAY_DISTRIBUTED_RUNS, default 200) is triggered through both APIs in turn;
 *    an SSE client on API #2 follows every run triggered on API #1; one worker is killed with SIGKILL
 *    once a quarter of the batch has finished. Every run ends exactly once, every stream carries the
 *    run's whole event log, the per-organisation cap holds across workers, and a schedule fired by
 *    both API processes' schedulers makes one run per fire time.
 * 2. A worker stopped with SIGTERM while it holds runs longer than its grace period hands them back
 *    (`run.requeued`, reason `shutdown`), exits 0, and another worker finishes them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  authHeaders,
  batchSize,
  checkExactlyOnce,
  eventLog,
  followRun,
  type StreamedEvent,
  triggerRuns,
  waitForFinal,
  waitForQuarter,
} from './batch.ts';
import { type Cluster, startCluster } from './cluster.ts';

const ORG_CAP = 8;

describe('2 API processes and 3 workers', { timeout: 420_000 }, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({
      apis: 2,
      workers: 3,
      // 3 workers × 4 could run 12 at once: the cap is below that, so it has to hold across workers.
      env: { ASSAY_WORKER_CONCURRENCY: '4', ASSAY_RUN_CONCURRENCY_PER_ORGANISATION: String(ORG_CAP) },
    });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('ends every run exactly once, streams across APIs, and survives a worker killed mid-batch', async (t) => {
    const n = batchSize();
    const [api1, api2] = cluster.apis;
    assert.ok(api1 && api2);
    const schedule = await cluster.request(api1.url, `/api/v1/suites/${cluster.suiteId}/schedules`, {
      method: 'POST',
      headers: authHeaders(cluster),
      body: JSON.stringify({ cron: '* * * * *', name: 'every minute' }),
    });
    assert.equal(schedule.status, 201, JSON.stringify(schedule.body));

    const streams: Promise<{ runId: string; events: StreamedEvent[] }>[] = [];
    const triggered: string[] = [];
    const started = Date.now();
    const triggering = triggerRuns(cluster, {
      count: n,
      label: 'batch',
      // The target answers after 20 ms: runs overlap, and the killed worker holds some.
      variables: { delay: '20' },
      onTriggered: (run) => {
        triggered.push(run.id);
        if (run.api !== 0) return;
        streams.push(followRun(cluster, api2.url, run.id).then((events) => ({ runId: run.id, events })));
      },
    });

    // Mid-batch: a quarter of the runs have finished, the others are running, queued or to be triggered.
    const victim = cluster.workers[2];
    assert.ok(victim);
    const finalAtKill = await waitForQuarter(cluster, triggered, n, triggering);
    const triggeredAtKill = triggered.length;
    victim.child.kill('SIGKILL');
    assert.equal(await victim.exited, 'SIGKILL');

    const { runs } = await triggering;
    const ids = runs.map((run) => run.id);
    await waitForFinal(cluster, ids, { timeoutMs: 180_000 });
    const seconds = (Date.now() - started) / 1000;
    const report = await checkExactlyOnce(cluster, ids);
    assert.deepEqual(report.problems, [], cluster.logs());
    assert.equal(report.byStatus.passed, n, JSON.stringify(report.byStatus));

    const streamed = await Promise.all(streams);
    assert.equal(streamed.length, runs.filter((run) => run.api === 0).length);
    let events = 0;
    for (const { runId, events: received } of streamed) {
      assert.deepEqual(received, await eventLog(cluster, runId), `the stream of run ${runId} on API #2`);
      events += received.length;
    }

    const overlap = await maxConcurrentRuns(cluster, ids);
    assert.ok(overlap <= ORG_CAP, `${overlap} runs of one organisation ran at once (cap ${ORG_CAP})`);

    // Both API processes run the scheduler (every second here). Each time the schedule is made due
    // now, both see it: the fire time is claimed once, and makes one run.
    const forced = 5;
    const firesOf = async () =>
      Number(
        (
          await cluster.db.query<{ n: string }>(
            'select count(*) as n from schedule_fires where schedule_id = $1',
            [schedule.body.id],
          )
        ).rows[0]?.n,
      );
    for (let k = 0; k < forced; k++) {
      const before = await firesOf();
      await cluster.db.query('update schedules set next_fire_at = now() where id = $1', [schedule.body.id]);
      for (let i = 0; (await firesOf()) === before; i++) {
        assert.ok(i < 300, 'the schedulers did not fire a due schedule');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    await cluster.request(api1.url, `/api/v1/schedules/${schedule.body.id}`, {
      method: 'PATCH',
      headers: authHeaders(cluster),
      body: JSON.stringify({ enabled: false }),
    });
    const fires = await cluster.db.query<{ fire_at: Date; run_id: string | null }>(
      'select fire_at, run_id from schedule_fires where schedule_id = $1',
      [schedule.body.id],
    );
    const scheduled = await cluster.db.query<{ id: string }>('select id from runs where schedule_id = $1', [
      schedule.body.id,
    ]);
    assert.ok(fires.rows.length >= forced, `${fires.rows.length} fires`);
    assert.equal(scheduled.rows.length, fires.rows.length, 'one run per fire time');
    assert.equal(new Set(fires.rows.map((row) => row.run_id)).size, fires.rows.length);
    await waitForFinal(
      cluster,
      scheduled.rows.map((row) => row.id),
      { timeoutMs: 60_000 },
    );
    const scheduledReport = await checkExactlyOnce(
      cluster,
      scheduled.rows.map((row) => row.id),
    );
    assert.deepEqual(scheduledReport.problems, []);

    assert.deepEqual(cluster.hung, []);
    t.diagnostic(
      `${n} runs in ${seconds.toFixed(1)} s through 2 APIs and 3 workers (one SIGKILLed when ${triggeredAtKill} were triggered and ${finalAtKill} final): ` +
        `${JSON.stringify(report.byStatus)}, ${report.retried} needed a second attempt, 0 duplicates; ` +
        `${streamed.length} streams on API #2 carried ${events} events; at most ${overlap} runs at once (cap ${ORG_CAP}); ` +
        `${fires.rows.length} schedule fires raced by both schedulers, one run each; ${cluster.target.requests} target requests`,
    );
  });

  it('hands the runs of a worker stopped with SIGTERM to another worker, and exits 0', async (t) => {
    const [worker1, worker2] = cluster.workers;
    assert.ok(worker1 && worker2);
    // 2 workers × 4 slots, capped at 8 for the organisation: 8 runs of 10 s each occupy both workers,
    // and 10 s is longer than what the grace period (10 s, less 2 s to write down) lets a run finish.
    const { runs } = await triggerRuns(cluster, {
      count: 8,
      label: 'shutdown',
      variables: { delay: '10000' },
    });
    const ids = runs.map((run) => run.id);
    await waitForRunning(cluster, ids, 8);
    worker1.child.kill('SIGTERM');
    assert.equal(await worker1.exited, 0, worker1.output().slice(-5000));

    await waitForFinal(cluster, ids, { timeoutMs: 120_000 });
    const report = await checkExactlyOnce(cluster, ids);
    assert.deepEqual(report.problems, [], cluster.logs());
    assert.equal(report.byStatus.passed, 8);
    const released = await cluster.db.query<{ n: string }>(
      `select count(*) as n from run_events
        where run_id = any($1::uuid[]) and type = 'run.requeued' and data->>'reason' = 'shutdown'`,
      [ids],
    );
    assert.ok(Number(released.rows[0]?.n) > 0, 'the stopped worker handed no run back');
    assert.equal(report.retried, Number(released.rows[0]?.n));

    worker2.child.kill('SIGTERM');
    assert.equal(await worker2.exited, 0);
    t.diagnostic(`SIGTERM with runs in hand: ${released.rows[0]?.n} handed back, finished elsewhere; exit 0`);
  });
});

async function waitForRunning(cluster: Cluster, ids: readonly string[], count: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { rows } = await cluster.db.query<{ n: string }>(
      `select count(*) as n from runs where id = any($1::uuid[]) and status = 'running'`,
      [ids],
    );
    if (Number(rows[0]?.n) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`fewer than ${count} runs running\n${cluster.logs()}`);
}

/** The largest number of runs whose [started, finished] intervals overlap (the final attempts'). */
async function maxConcurrentRuns(cluster: Cluster, ids: readonly string[]): Promise<number> {
  const { rows } = await cluster.db.query<{ started_at: Date; finished_at: Date }>(
    'select started_at, finished_at from runs where id = any($1::uuid[]) and started_at is not null',
    [ids],
  );
  const edges = rows.flatMap((row) => [
    { at: row.started_at.getTime(), delta: 1 },
    { at: row.finished_at.getTime(), delta: -1 },
  ]);
  // Ends before starts at the same instant: a slot freed and taken in one millisecond is not an overlap.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const edge of edges) {
    current += edge.delta;
    max = Math.max(max, current);
  }
  return max;
}
