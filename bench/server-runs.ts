/**
 * `npm run bench -- --server`: the Assay server in embedded mode (its own process, PGlite), measured
 * from this process over loopback:
 * - trigger → finished latency of a one-step run: POST /suites/:id/runs, then the run's event stream
 *   until `run.finished` (median and p95 over sequential runs);
 * - GET /runs/:id throughput (a finished run with its step result) with C concurrent keep-alive
 *   clients, next to an Express hello-world measured in the same way in the same run.
 * Writes the figures to bench/results/latest.json (section `server`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { readSse } from '../src/cli/remote/sse-client.ts';
import { prepareDataDir, startServeProcess } from '../test/support/server-process.ts';
import { startTarget } from './proc.ts';
import { median, table } from './stats.ts';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const RESULTS = join(BENCH, 'results', 'latest.json');

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Closed-loop load: `concurrency` clients each sending the next request when the last one answered. */
async function throughput(
  url: string,
  headers: Record<string, string>,
  options: { concurrency: number; seconds: number },
) {
  const agent = new Agent({ connections: options.concurrency, pipelining: 1 });
  const until = performance.now() + options.seconds * 1000;
  let done = 0;
  let errors = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        try {
          const response = await request(url, { headers, dispatcher: agent });
          await response.body.arrayBuffer();
          if (response.statusCode === 200) done++;
          else errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - started);
      }
    }),
  );
  await agent.close();
  return {
    requestsPerSecond: Math.round(done / options.seconds),
    errors,
    p50Ms: round(median(latencies)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

async function startHello(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(BENCH, 'server-hello.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`hello-world exited (code ${code})`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) =>
      resolve((JSON.parse(line) as { port: number }).port),
    );
  });
  return { url: `http://127.0.0.1:${port}/hello`, child };
}

export async function runServerBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'boolean' },
      runs: { type: 'string', default: '200' },
      concurrency: { type: 'string', default: '32' },
      seconds: { type: 'string', default: '5' },
    },
    strict: false,
  });
  const runs = Number(values.runs);
  const concurrency = Number(values.concurrency);
  const seconds = Number(values.seconds);
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const target = await startTarget();
  const suite = `version: 1\nname: One step\nsteps:\n  - name: item\n    request: { method: GET, url: "${target.baseUrl}/items/1" }\n    expect: { status: 200, json: { $.ok: true } }\n`;
  const data = await prepareDataDir({ one: suite });
  const startedAt = performance.now();
  const serve = await startServeProcess(data, { LOG_LEVEL: 'warn' });
  const startMs = Math.round(performance.now() - startedAt);
  const hello = await startHello();
  const auth = { authorization: `Bearer ${data.apiKey}` };
  try {
    const idle = await fetch(`${serve.url}/healthz`).then((r) => r.arrayBuffer());
    void idle;
    const rssMb = Math.round(
      Number(readFileSync(`/proc/${serve.child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) /
        1024,
    );

    log(`server: trigger → finished latency over ${runs} one-step runs (after 20 warm-up runs)`);
    const latencies: number[] = [];
    let lastRun = '';
    for (let i = 0; i < runs + 20; i++) {
      const started = performance.now();
      const created = await fetch(`${serve.url}/api/v1/suites/${data.suites.one}/runs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{}',
      });
      const run = (await created.json()) as { id: string };
      const events = await fetch(`${serve.url}/api/v1/runs/${run.id}/events`, { headers: auth });
      let status = '';
      for await (const message of readSse(events.body as ReadableStream<Uint8Array>)) {
        if (message.event === 'run.finished') {
          status = (JSON.parse(message.data) as { summary: { status: string } }).summary.status;
          break;
        }
      }
      if (status !== 'passed') throw new Error(`run ${run.id} ended ${status}`);
      if (i >= 20) latencies.push(performance.now() - started);
      lastRun = run.id;
    }
    const latency = { runs, medianMs: round(median(latencies)), p95Ms: round(percentile(latencies, 95)) };

    log(`server: GET /runs/:id and the Express hello-world, ${concurrency} clients × ${seconds} s each`);
    await throughput(`${hello.url}`, {}, { concurrency, seconds: 1 });
    await throughput(`${serve.url}/api/v1/runs/${lastRun}`, auth, { concurrency, seconds: 1 });
    const helloFigures = await throughput(hello.url, {}, { concurrency, seconds });
    const runFigures = await throughput(`${serve.url}/api/v1/runs/${lastRun}`, auth, {
      concurrency,
      seconds,
    });

    process.stdout.write(
      `\nAssay server (embedded, PGlite): started in ${startMs} ms, RSS ${rssMb} MB when idle\n\n` +
        `${table(['trigger → finished (one-step run)', 'median', 'p95'], [['latency', `${latency.medianMs} ms`, `${latency.p95Ms} ms`]])}\n\n` +
        `${table(
          ['endpoint', 'req/s', 'p50', 'p99', 'errors'],
          [
            [
              'Express hello-world',
              String(helloFigures.requestsPerSecond),
              `${helloFigures.p50Ms} ms`,
              `${helloFigures.p99Ms} ms`,
              String(helloFigures.errors),
            ],
            [
              'GET /api/v1/runs/:id',
              String(runFigures.requestsPerSecond),
              `${runFigures.p50Ms} ms`,
              `${runFigures.p99Ms} ms`,
              String(runFigures.errors),
            ],
          ],
        )}\n\nGET /runs/:id = ${round(runFigures.requestsPerSecond / helloFigures.requestsPerSecond)}× the hello-world's throughput\n`,
    );
    mkdirSync(join(BENCH, 'results'), { recursive: true });
    let previous: Record<string, unknown> = {};
    try {
      previous = JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>;
    } catch {
      // first run
    }
    writeFileSync(
      RESULTS,
      `${JSON.stringify(
        {
          ...previous,
          server: {
            date: new Date().toISOString(),
            cpus: os.availableParallelism(),
            node: process.version,
            startMs,
            idleRssMb: rssMb,
            latency,
            throughput: { concurrency, seconds, helloWorld: helloFigures, getRun: runFigures },
          },
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  } finally {
    hello.child.kill('SIGTERM');
    serve.child.kill('SIGTERM');
    await serve.exited;
    target.stop();
    await data.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(await runServerBench(process.argv.slice(2)));
}
