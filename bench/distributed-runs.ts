/**
 * `npm run bench -- --distributed`: distributed mode measured with real processes — one `assay serve`
 * and two `assay worker` processes on a private redis-server and a throwaway PostgreSQL database —
 * against a bare BullMQ baseline on the same Redis and database in the same run:
 * - one-step runs/s end to end: N runs triggered over HTTP (P at a time) until all are final, next to
 *   two bare BullMQ worker processes (bench/distributed-bare.ts) doing one HTTP request and one insert
 *   per job for N jobs added P at a time; repetitions interleaved, medians reported (goal ≥ 0.5×);
 * - trigger → start latency of sequential runs on an idle system: from just before the POST to the
 *   run's `started_at` (the worker's claim), and queued_at → started_at (goal p99 < 50 ms);
 * - GET /runs/:id of finished runs: every run read once (read cache misses), then again (hits), then
 *   with If-None-Match (304), C concurrent clients.
 * Writes the figures to bench/results/latest.json (section `distributed`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { createClient } from 'redis';
import { authHeaders, triggerRuns } from '../test/distributed/batch.ts';
import { type Cluster, startCluster } from '../test/distributed/cluster.ts';
import { median, table } from './stats.ts';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const RESULTS = join(BENCH, 'results', 'latest.json');

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function count(cluster: Cluster, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await cluster.db.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

/** User + system CPU time of a process so far, in ms (10 ms resolution). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat; fields[0] is field 3.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function totalCpuMs(children: readonly (ChildProcess | undefined)[]): number {
  return children.reduce((sum, child) => sum + cpuMs(child?.pid), 0);
}

/** Seconds from the first trigger to the last run final. */
async function platformBatch(cluster: Cluster, n: number, parallel: number, label: string) {
  const started = performance.now();
  const { runs } = await triggerRuns(cluster, { count: n, label, parallel });
  const ids = runs.map((run) => run.id);
  await until(
    async () =>
      (await count(
        cluster,
        `select count(*) as n from runs where id = any($1::uuid[]) and status in ('passed','failed','errored','cancelled')`,
        [ids],
      )) === n,
    `${n} runs`,
  );
  const seconds = (performance.now() - started) / 1000;
  const passed = await count(
    cluster,
    `select count(*) as n from runs where id = any($1::uuid[]) and status = 'passed'`,
    [ids],
  );
  if (passed !== n) throw new Error(`${n - passed} runs did not pass`);
  return { seconds, ids };
}

/** Seconds from the first add to the last job's row in the database. */
async function bareBatch(cluster: Cluster, queue: Queue, url: string, n: number, parallel: number) {
  await cluster.db.query('truncate bench_bare_results');
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        const i = next++;
        await queue.add(
          'job',
          { url },
          { removeOnComplete: true, removeOnFail: true, jobId: `b${Date.now()}-${i}` },
        );
      }
    }),
  );
  await until(
    async () => (await count(cluster, 'select count(*) as n from bench_bare_results')) === n,
    `${n} jobs`,
  );
  return { seconds: (performance.now() - started) / 1000 };
}

function startBareWorker(cluster: Cluster, concurrency: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      join(BENCH, 'distributed-bare.ts'),
      cluster.redis.uri,
      cluster.postgres.url,
      'bare',
      'bench-bare',
      String(concurrency),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bare worker exited (${code})`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', () => resolve(child));
  });
}

/** Sequential runs on an idle system: client send → started_at, and queued_at → started_at. */
async function idleLatency(cluster: Cluster, runs: number) {
  const api = cluster.apis[0]?.url ?? '';
  const toStart: number[] = [];
  const queuedToStart: number[] = [];
  for (let i = 0; i < runs + 10; i++) {
    const sent = Date.now();
    const reply = await cluster.request(api, `/api/v1/suites/${cluster.suiteId}/runs`, {
      method: 'POST',
      headers: authHeaders(cluster),
      body: '{}',
    });
    if (reply.status !== 201) throw new Error(`trigger: ${reply.status}`);
    let row: { started_at: Date | null; queued_at: Date; status: string } | undefined;
    await until(async () => {
      const { rows } = await cluster.db.query<{ started_at: Date | null; queued_at: Date; status: string }>(
        'select started_at, queued_at, status from runs where id = $1',
        [reply.body.id],
      );
      row = rows[0];
      return row?.status === 'passed';
    }, `run ${reply.body.id}`);
    if (i >= 10 && row?.started_at) {
      toStart.push(row.started_at.getTime() - sent);
      queuedToStart.push(row.started_at.getTime() - row.queued_at.getTime());
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    runs,
    triggerToStart: { p50Ms: median(toStart), p99Ms: percentile(toStart, 99), maxMs: Math.max(...toStart) },
    queuedToStart: { p50Ms: median(queuedToStart), p99Ms: percentile(queuedToStart, 99) },
  };
}

/** Every id read once by `concurrency` clients: requests per second, p50 and p99. */
async function readPass(
  cluster: Cluster,
  ids: readonly string[],
  concurrency: number,
  headersOf: (id: string) => Record<string, string>,
  expect: number,
) {
  const api = cluster.apis[0]?.url ?? '';
  const latencies: number[] = [];
  const etags = new Map<string, string>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length) {
        const id = ids[next++] as string;
        const t = performance.now();
        const reply = await cluster.request(api, `/api/v1/runs/${id}`, { headers: headersOf(id) });
        latencies.push(performance.now() - t);
        if (reply.status !== expect) throw new Error(`GET /runs/${id}: ${reply.status}, expected ${expect}`);
        const etag = reply.headers.get('etag');
        if (etag) etags.set(id, etag);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    figures: {
      requestsPerSecond: Math.round(ids.length / seconds),
      p50Ms: round(median(latencies), 2),
      p99Ms: round(percentile(latencies, 99), 2),
    },
    etags,
  };
}

export async function runDistributedBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '1000' },
      reps: { type: 'string', default: '3' },
      parallel: { type: 'string', default: '16' },
      'worker-concurrency': { type: 'string', default: '8' },
      'latency-runs': { type: 'string', default: '200' },
      'read-concurrency': { type: 'string', default: '16' },
    },
    strict: false,
  });
  const n = Number(values.runs);
  const reps = Number(values.reps);
  const parallel = Number(values.parallel);
  const concurrency = Number(values['worker-concurrency']);
  const latencyRuns = Number(values['latency-runs']);
  const readConcurrency = Number(values['read-concurrency']);
  const log = (line: string) => process.stderr.write(`${line}\n`);

  log('distributed: starting 1 API and 2 worker processes on a private Redis and PostgreSQL database…');
  const cluster = await startCluster({
    apis: 1,
    workers: 2,
    env: {
      LOG_LEVEL: 'warn',
      ASSAY_WORKER_CONCURRENCY: String(concurrency),
      ASSAY_DATABASE_POOL_SIZE: String(Math.max(10, concurrency + 2)),
      ASSAY_RECONCILE_INTERVAL: '30s',
    },
  });
  const bare: ChildProcess[] = [];
  const producer = createClient({ url: cluster.redis.uri });
  try {
    await cluster.db.query('create table bench_bare_results (job_id text primary key, status int not null)');
    bare.push(
      ...(await Promise.all([startBareWorker(cluster, concurrency), startBareWorker(cluster, concurrency)])),
    );
    await producer.connect();
    const queue = new Queue('bare', { connection: producer, prefix: 'bench-bare' });
    const url = `${cluster.target.url}/items/1?delay=0`;

    log('distributed: warm-up (50 runs, 50 bare jobs)');
    await platformBatch(cluster, 50, parallel, 'warm');
    await bareBatch(cluster, queue, url, 50, parallel);
    const platform: number[] = [];
    const baseline: number[] = [];
    const cpu = { api: 0, workers: 0, bare: 0 };
    const apiProcess = cluster.apis.map((p) => p.child);
    const workerProcesses = cluster.workers.map((p) => p.child);
    let lastIds: string[] = [];
    for (let rep = 1; rep <= reps; rep++) {
      const before = { api: totalCpuMs(apiProcess), workers: totalCpuMs(workerProcesses) };
      const p = await platformBatch(cluster, n, parallel, `rep-${rep}`);
      cpu.api += totalCpuMs(apiProcess) - before.api;
      cpu.workers += totalCpuMs(workerProcesses) - before.workers;
      const bareBefore = totalCpuMs(bare);
      const b = await bareBatch(cluster, queue, url, n, parallel);
      cpu.bare += totalCpuMs(bare) - bareBefore;
      platform.push(n / p.seconds);
      baseline.push(n / b.seconds);
      lastIds = p.ids;
      log(`  rep ${rep}: Assay ${round(n / p.seconds)} runs/s, bare BullMQ ${round(n / b.seconds)} jobs/s`);
    }
    const throughput = {
      runs: n,
      reps,
      parallel,
      workers: 2,
      workerConcurrency: concurrency,
      assayRunsPerSecond: round(median(platform)),
      bareJobsPerSecond: round(median(baseline)),
      ratio: round(median(platform) / median(baseline), 2),
      // CPU of the Node processes per run or job (PostgreSQL and Redis not included).
      cpuMsPerRun: {
        assayApi: round(cpu.api / (n * reps), 2),
        assayWorkers: round(cpu.workers / (n * reps), 2),
        bareWorkers: round(cpu.bare / (n * reps), 2),
      },
    };
    await queue.close();

    log(`distributed: trigger → start latency, ${latencyRuns} sequential runs on an idle system`);
    const latency = await idleLatency(cluster, latencyRuns);

    log(`distributed: GET /runs/:id of ${lastIds.length} finished runs, ${readConcurrency} clients`);
    const auth = { authorization: `Bearer ${cluster.apiKey}` };
    const uncached = await readPass(cluster, lastIds, readConcurrency, () => auth, 200);
    const cached = await readPass(cluster, lastIds, readConcurrency, () => auth, 200);
    const conditional = await readPass(
      cluster,
      lastIds,
      readConcurrency,
      (id) => ({ ...auth, 'if-none-match': cached.etags.get(id) ?? '' }),
      304,
    );
    const stats = await cluster.request(cluster.apis[0]?.url ?? '', '/api/v1/admin/cache-stats', {
      headers: auth,
    });
    const reads = {
      runs: lastIds.length,
      concurrency: readConcurrency,
      uncached: uncached.figures,
      cached: cached.figures,
      notModified: conditional.figures,
      runFamily: stats.status === 200 ? stats.body.families?.run : null,
    };

    process.stdout.write(
      `\nDistributed mode: 1 API + 2 workers (concurrency ${concurrency} each), private Redis, PostgreSQL; ${os.availableParallelism()} cores\n\n` +
        `${table(
          ['one-step runs end to end', 'per second (median)', 'ratio', 'CPU per run'],
          [
            [
              'Assay (HTTP trigger → run final)',
              String(throughput.assayRunsPerSecond),
              `${throughput.ratio}×`,
              `API ${throughput.cpuMsPerRun.assayApi} ms + workers ${throughput.cpuMsPerRun.assayWorkers} ms`,
            ],
            [
              'bare BullMQ (add → HTTP + insert)',
              String(throughput.bareJobsPerSecond),
              '1×',
              `workers ${throughput.cpuMsPerRun.bareWorkers} ms`,
            ],
          ],
        )}\n\n` +
        `${table(
          ['idle latency', 'p50', 'p99', 'max'],
          [
            [
              'trigger → start (client send → claimed)',
              `${latency.triggerToStart.p50Ms} ms`,
              `${latency.triggerToStart.p99Ms} ms`,
              `${latency.triggerToStart.maxMs} ms`,
            ],
            [
              'queued_at → started_at',
              `${latency.queuedToStart.p50Ms} ms`,
              `${latency.queuedToStart.p99Ms} ms`,
              '',
            ],
          ],
        )}\n\n` +
        `${table(
          ['GET /runs/:id (finished run)', 'req/s', 'p50', 'p99'],
          (
            [
              ['uncached (first read)', reads.uncached],
              ['cached (second read)', reads.cached],
              ['304 (If-None-Match)', reads.notModified],
            ] as const
          ).map(([label, f]) => [label, String(f.requestsPerSecond), `${f.p50Ms} ms`, `${f.p99Ms} ms`]),
        )}\n`,
    );
    saveResults({ throughput, latency, reads });
    return 0;
  } finally {
    for (const child of bare) child.kill('SIGTERM');
    producer.destroy();
    await cluster.stop();
  }
}

function saveResults(data: Record<string, unknown>): void {
  mkdirSync(join(BENCH, 'results'), { recursive: true });
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>;
  } catch {
    // first run
  }
  const distributed = {
    date: new Date().toISOString(),
    cpus: os.availableParallelism(),
    node: process.version,
    ...data,
  };
  writeFileSync(RESULTS, `${JSON.stringify({ ...previous, distributed }, null, 2)}\n`);
  process.stdout.write(`\nresults written to ${RESULTS}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(await runDistributedBench(process.argv.slice(2)));
}
