/**
 * Batches of runs for the distributed tests: trigger them through the API processes in turn, follow
 * their event streams, wait for them in the database, and check that each ended exactly once.
 */
import { readSse } from '../../src/cli/remote/sse-client.ts';
import type { Cluster } from './cluster.ts';

/** Runs per batch: 200 in CI; ASSAY_DISTRIBUTED_RUNS=500 for the full proof. */
export function batchSize(fallback = 200): number {
  const value = Number(process.env.ASSAY_DISTRIBUTED_RUNS ?? fallback);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export interface TriggeredRun {
  id: string;
  /** Index of the API process that created it. */
  api: number;
}

export interface TriggerReport {
  runs: TriggeredRun[];
  /** Answers 503 (Redis unavailable) that were retried with the same Idempotency-Key. */
  unavailable: number;
}

export function authHeaders(cluster: Cluster): Record<string, string> {
  return { authorization: `Bearer ${cluster.apiKey}`, 'content-type': 'application/json' };
}

/**
 * Triggers `count` runs, run i on API i mod apis, `parallel` at a time. A 503 is retried after a short
 * pause with the same Idempotency-Key, so a request refused during an outage never makes two runs.
 */
export async function triggerRuns(
  cluster: Cluster,
  options: {
    count: number;
    label: string;
    parallel?: number;
    variables?: Record<string, string>;
    onTriggered?: (run: TriggeredRun) => void;
  },
): Promise<TriggerReport> {
  const runs: TriggeredRun[] = new Array(options.count);
  let next = 0;
  let unavailable = 0;
  const body = JSON.stringify(options.variables ? { variables: options.variables } : {});
  const one = async (i: number) => {
    const api = i % cluster.apis.length;
    for (let tries = 0; ; tries++) {
      const reply = await cluster.request(
        cluster.apis[api]?.url ?? '',
        `/api/v1/suites/${cluster.suiteId}/runs`,
        {
          method: 'POST',
          headers: { ...authHeaders(cluster), 'idempotency-key': `${options.label}-${i}` },
          body,
          deadlineMs: 5_000,
        },
      );
      if (reply.status === 201 || reply.status === 200) {
        runs[i] = { id: reply.body.id, api };
        options.onTriggered?.(runs[i]);
        return;
      }
      if (reply.status !== 503 || tries > 200) {
        throw new Error(`trigger ${i} on API ${api + 1}: ${reply.status} ${JSON.stringify(reply.body)}`);
      }
      unavailable++;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  await Promise.all(
    Array.from({ length: options.parallel ?? 8 }, async () => {
      while (next < options.count) await one(next++);
    }),
  );
  return { runs, unavailable };
}

const FINAL = ['passed', 'failed', 'errored', 'cancelled'];

/** How many of the runs have reached a final state. */
export async function finalCount(cluster: Cluster, ids: readonly string[]): Promise<number> {
  const { rows } = await cluster.db.query<{ n: string }>(
    'select count(*) as n from runs where id = any($1::uuid[]) and status = any($2::text[])',
    [ids, FINAL],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Mid-batch: resolves with the number of final runs once `n / 4` of those triggered so far are final.
 * Fails if triggering fails first, or after `timeoutMs`.
 */
export async function waitForQuarter(
  cluster: Cluster,
  triggered: readonly string[],
  n: number,
  triggering: Promise<unknown>,
  timeoutMs = 120_000,
): Promise<number> {
  let failure: unknown;
  triggering.catch((error: unknown) => {
    failure = error ?? new Error('triggering failed');
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (failure !== undefined) throw failure;
    const done = await finalCount(cluster, triggered);
    if (done >= n / 4) return done;
    if (Date.now() > deadline) {
      throw new Error(
        `${done} of ${triggered.length} triggered runs final after ${timeoutMs} ms\n${cluster.logs()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once `count` (default all) of the runs are final; throws with the stragglers after `timeoutMs`. */
export async function waitForFinal(
  cluster: Cluster,
  ids: readonly string[],
  options: { count?: number; timeoutMs: number },
): Promise<void> {
  const wanted = options.count ?? ids.length;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if ((await finalCount(cluster, ids)) >= wanted) return;
    if (Date.now() > deadline) {
      const { rows } = await cluster.db.query(
        'select id, status, attempt from runs where id = any($1::uuid[]) and not (status = any($2::text[])) limit 20',
        [ids, FINAL],
      );
      throw new Error(
        `runs not final after ${options.timeoutMs} ms: ${JSON.stringify(rows)}\n${cluster.logs()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface ExactlyOnceReport {
  runs: number;
  byStatus: Record<string, number>;
  /** Runs that needed more than one attempt (their processor died, or Redis lost their job). */
  retried: number;
  /** Every way a run did not end exactly once; empty when all is well. */
  problems: string[];
}

/**
 * For each run: a final status; exactly one `run.finished` in its event log, as its last event, for
 * the attempt that owns the run; the step results of that attempt only (one step: one result, one
 * counted in the summary).
 */
export async function checkExactlyOnce(cluster: Cluster, ids: readonly string[]): Promise<ExactlyOnceReport> {
  const { rows } = await cluster.db.query<{
    id: string;
    status: string;
    attempt: number;
    summary: { counts?: { steps?: number; passed?: number } } | null;
    finished: string;
    last_type: string | null;
    finished_attempt: number | null;
    steps: string;
  }>(
    `select r.id, r.status, r.attempt, r.summary,
            (select count(*) from run_events e where e.run_id = r.id and e.type = 'run.finished') as finished,
            (select e.type from run_events e where e.run_id = r.id order by e.seq desc limit 1) as last_type,
            (select (e.data->>'attempt')::int from run_events e
               where e.run_id = r.id and e.type = 'run.finished' order by e.seq desc limit 1) as finished_attempt,
            (select count(*) from step_results s where s.run_id = r.id and s.attempt = r.attempt) as steps
       from runs r where r.id = any($1::uuid[])`,
    [ids],
  );
  const problems: string[] = [];
  const byStatus: Record<string, number> = {};
  let retried = 0;
  if (rows.length !== ids.length) problems.push(`${ids.length - rows.length} runs missing from the database`);
  for (const row of rows) {
    byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    if (row.attempt > 1) retried++;
    const where = `run ${row.id} (attempt ${row.attempt}, ${row.status})`;
    if (!FINAL.includes(row.status)) problems.push(`${where}: not final`);
    if (Number(row.finished) !== 1) problems.push(`${where}: ${row.finished} run.finished events`);
    if (row.last_type !== 'run.finished') problems.push(`${where}: last event is ${row.last_type}`);
    if (row.finished_attempt !== row.attempt) {
      problems.push(`${where}: run.finished names attempt ${row.finished_attempt}`);
    }
    if (row.status === 'passed') {
      if (Number(row.steps) !== 1) problems.push(`${where}: ${row.steps} step results for its attempt`);
      if (row.summary?.counts?.steps !== 1 || row.summary.counts.passed !== 1) {
        problems.push(`${where}: summary counts ${JSON.stringify(row.summary?.counts)}`);
      }
    }
  }
  return { runs: rows.length, byStatus, retried, problems };
}

export interface StreamedEvent {
  id: number;
  event: string;
}

/**
 * Reads a run's event stream until `run.finished` or the end of the stream. The stream's deadline is
 * generous (runs wait in the queue), but a stream that reaches it counts as a hung request.
 */
export async function followRun(
  cluster: Cluster,
  api: string,
  runId: string,
  deadlineMs = 240_000,
): Promise<StreamedEvent[]> {
  const received: StreamedEvent[] = [];
  const what = `GET ${api}/api/v1/runs/${runId}/events`;
  try {
    const response = await fetch(`${api}/api/v1/runs/${runId}/events`, {
      headers: { authorization: `Bearer ${cluster.apiKey}`, accept: 'text/event-stream' },
      signal: AbortSignal.timeout(deadlineMs),
    });
    if (response.status !== 200 || !response.body) throw new Error(`${what}: ${response.status}`);
    for await (const message of readSse(response.body)) {
      received.push({ id: Number(message.id), event: message.event });
      if (message.event === 'run.finished') break;
    }
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') cluster.hung.push(what);
    else throw error;
  }
  return received;
}

/** The run's event log as the database has it: seq and type, in order. */
export async function eventLog(cluster: Cluster, runId: string): Promise<StreamedEvent[]> {
  const { rows } = await cluster.db.query<{ seq: number; type: string }>(
    'select seq, type from run_events where run_id = $1 order by seq',
    [runId],
  );
  return rows.map((row) => ({ id: row.seq, event: row.type }));
}

/** Sums a numeric field of a log message across every process's output (e.g. the reconciler's counts). */
export function sumLogged(cluster: Cluster, message: string, field: string): number {
  let total = 0;
  for (const line of cluster.logs(Number.POSITIVE_INFINITY).split('\n')) {
    if (!line.includes(`"msg":"${message}"`)) continue;
    try {
      total += Number((JSON.parse(line) as Record<string, unknown>)[field] ?? 0);
    } catch {
      // a truncated line
    }
  }
  return total;
}
