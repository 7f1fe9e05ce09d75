/**
 * Memory of a long collection run: the same small collection (R requests, two `pm.test` each) run for
 * many iterations by `assay run` and by Newman's CLI. Every 100 ms the child's RSS and high-water mark
 * are read from /proc/<pid>/status and the target's request count from its stats endpoint (as
 * bench/memory.ts does), so each tool's RSS can be read at 10, 50 and 90 % of its own requests and at
 * the same request counts as the other.
 *
 * Newman keeps every execution of the run for its summary, so its RSS grows with the run and it is
 * about 12 ms per iteration of one request on the reference machine: it can be given fewer iterations
 * than Assay (`--newman-iterations`), and the table says how many each ran.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type MemoryFigures, sampleProgress, summarise } from './memory.ts';
import { childEnv, runTimed, sampleMemory, type Target } from './proc.ts';
import { table } from './stats.ts';
import { postmanCollection } from './suites.ts';
import { ASSAY_CLI, ROOT } from './tools.ts';

export interface CollectionMemoryFigures extends MemoryFigures {
  tool: 'assay' | 'newman';
  iterations: number;
  /** RSS (MB) when the given numbers of requests had been served, for a side-by-side reading. */
  rssWhenServedMb: Record<string, number>;
}

export interface CollectionMemoryOptions {
  /** Requests in the collection. */
  requests: number;
  assayIterations: number;
  newmanIterations: number;
  newmanCli: string;
  dir: string;
  log: (line: string) => void;
}

/** RSS of the first sample taken once `count` requests had been served. */
function rssWhenServed(series: readonly [number, number, number][], count: number): number {
  return series.find(([, , served]) => served >= count)?.[1] ?? Number.NaN;
}

/**
 * Request counts both runs reach while still executing: 10, 50 and 90 % of the shorter run (at its very
 * end a process is already releasing memory on its way out).
 */
export function checkpoints(shorter: number): number[] {
  return [...new Set([0.1, 0.5, 0.9].map((fraction) => Math.ceil(shorter * fraction)))];
}

export async function runCollectionMemory(
  target: Target,
  options: CollectionMemoryOptions,
): Promise<CollectionMemoryFigures[]> {
  const { requests, dir, log } = options;
  const file = join(dir, `postman-memory-${requests}.json`);
  await writeFile(file, postmanCollection(target.baseUrl, requests));
  const runs = [
    {
      tool: 'assay' as const,
      iterations: options.assayIterations,
      args: [ASSAY_CLI, 'run', file, '-n', String(options.assayIterations), '--silent'],
      msPerRequest: 5,
    },
    {
      tool: 'newman' as const,
      iterations: options.newmanIterations,
      args: [
        options.newmanCli,
        'run',
        file,
        '-n',
        String(options.newmanIterations),
        '--silent',
        '--color',
        'off',
      ],
      msPerRequest: 60,
    },
  ];
  const shared = checkpoints(Math.min(...runs.map((r) => r.iterations)) * requests);
  const results: CollectionMemoryFigures[] = [];
  for (const run of runs) {
    const total = run.iterations * requests;
    const variant = `${run.tool === 'assay' ? 'assay run' : 'Newman 6'}: ${requests} requests × ${run.iterations} iterations`;
    await target.reset();
    log(`  ${variant}: running…`);
    let sampler: ReturnType<typeof sampleMemory> | undefined;
    let poller: ReturnType<typeof sampleProgress> | undefined;
    const timeoutMs = 120_000 + total * run.msPerRequest;
    const done = await runTimed(process.execPath, run.args, {
      timeoutMs,
      cwd: ROOT,
      env: childEnv(),
      onSpawn: (pid) => {
        const origin = performance.now();
        sampler = sampleMemory(pid, 100, origin);
        poller = sampleProgress(target, origin);
      },
    });
    const samples = sampler?.stop() ?? [];
    const stats = await target.stats();
    const progress = [...(poller?.stop() ?? []), { t: done.ms, requests: stats.requests }];
    let error: string | undefined;
    const tail = done.stderr.trim().split('\n').slice(-10).join('\n');
    if (done.timedOut) error = `timed out after ${timeoutMs} ms\n${tail}`;
    else if (done.code !== 0) error = `exited with ${done.signal ?? `code ${done.code}`}\n${tail}`;
    else if (stats.requests !== total)
      error = `the target served ${stats.requests} requests, expected ${total}`;
    const figures = summarise(variant, total, done.ms, samples, progress);
    const rssWhenServedMb: Record<string, number> = {};
    for (const count of shared) rssWhenServedMb[count] = rssWhenServed(figures.series, count);
    results.push({
      ...figures,
      tool: run.tool,
      iterations: run.iterations,
      rssWhenServedMb,
      ok: error === undefined,
      ...(error === undefined ? {} : { error }),
    });
    log(
      error === undefined
        ? `  ${variant}: ${(done.ms / 1000).toFixed(1)} s, peak ${figures.peakMb} MB, growth ${figures.growthMb} MB`
        : `  ${variant} FAILED: ${error}`,
    );
  }
  return results;
}

export function collectionMemoryTable(results: readonly CollectionMemoryFigures[]): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const own = table(
    ['collection run', 'time', 'peak RSS', 'RSS @10% requests', '@50%', '@90%', 'growth 10→90%'],
    results.map((r) =>
      r.ok
        ? [
            r.variant,
            s(r.wallMs),
            `${r.peakMb} MB`,
            `${r.rssAtMb.p10} MB`,
            `${r.rssAtMb.p50} MB`,
            `${r.rssAtMb.p90} MB`,
            `${r.growthMb} MB`,
          ]
        : [r.variant, 'FAILED', '', '', '', '', ''],
    ),
  );
  const counts = Object.keys(results[0]?.rssWhenServedMb ?? {});
  const side = table(
    ['RSS after n requests', ...counts.map((c) => `n = ${Number(c).toLocaleString('en')}`)],
    results.map((r) => [
      r.tool === 'assay' ? 'assay run' : 'Newman 6',
      ...counts.map((c) => `${r.rssWhenServedMb[c] ?? Number.NaN} MB`),
    ]),
  );
  return `${own}\n\n${side}`;
}
