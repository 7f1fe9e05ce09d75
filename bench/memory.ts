/**
 * Memory of a long `assay run`: 100,000 steps, shaped two ways (100 steps × 1,000 inline iteration
 * rows, and one file of 100,000 steps). Every 100 ms the child's RSS and high-water mark are read from
 * /proc/<pid>/status and the target's request count is read from its stats endpoint, so memory can be
 * told apart by phase: loading the suite (before the first request) and executing it. Flat means the
 * RSS after 90 % of the steps is close to the RSS after 10 %: nothing grows with the steps executed.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { childEnv, type MemorySample, runTimed, sampleMemory, type Target } from './proc.ts';
import { table } from './stats.ts';
import { assayIterationsSuite, assaySuite } from './suites.ts';
import { ASSAY_CLI, ASSAY_QUIET, ROOT } from './tools.ts';

export interface MemoryFigures {
  variant: string;
  requests: number;
  ok: boolean;
  error?: string;
  wallMs: number;
  /** Spawn to first request: start-up plus reading and validating the suite. */
  loadMs: number;
  /** VmHWM before the first request: what loading the suite cost. */
  loadPeakMb: number;
  /** VmHWM over the whole run: the most the process ever held resident. */
  peakMb: number;
  /** VmRSS when 10 %, 50 % and 90 % of the requests had been served. */
  rssAtMb: { p10: number; p50: number; p90: number };
  /** Largest RSS between 10 % and 90 % of the requests minus the RSS at 10 %. */
  growthMb: number;
  samples: number;
  /** Every sample, for plotting: [ms since spawn, RSS MB, requests served so far]. */
  series: [number, number, number][];
}

interface Progress {
  t: number;
  requests: number;
}

const mb = (kb: number): number => Math.round((kb / 1024) * 10) / 10;

function nearest(samples: readonly MemorySample[], t: number): MemorySample {
  let best = samples[0]!;
  for (const s of samples) if (Math.abs(s.t - t) < Math.abs(best.t - t)) best = s;
  return best;
}

/** Time at which `count` requests had been served (first progress sample at or past it). */
function timeAt(progress: readonly Progress[], count: number): number {
  return progress.find((p) => p.requests >= count)?.t ?? Number.NaN;
}

function requestsAt(progress: readonly Progress[], t: number): number {
  let served = 0;
  for (const p of progress) if (p.t <= t) served = p.requests;
  return served;
}

export function summarise(
  variant: string,
  requests: number,
  wallMs: number,
  samples: readonly MemorySample[],
  progress: readonly Progress[],
): Omit<MemoryFigures, 'ok' | 'error'> {
  const firstRequest = timeAt(progress, 1);
  if (samples.length === 0 || Number.isNaN(firstRequest)) {
    const none = Number.NaN;
    return {
      ...{ variant, requests, wallMs, loadMs: none, loadPeakMb: none, peakMb: none, growthMb: none },
      rssAtMb: { p10: none, p50: none, p90: none },
      samples: samples.length,
      series: [],
    };
  }
  const at = (fraction: number) => nearest(samples, timeAt(progress, Math.ceil(fraction * requests)));
  const p10 = at(0.1);
  const p90 = at(0.9);
  const window = samples.filter((s) => s.t >= p10.t && s.t <= p90.t);
  const loading = samples.filter((s) => s.t < firstRequest);
  return {
    variant,
    requests,
    wallMs,
    loadMs: firstRequest,
    loadPeakMb: mb(Math.max(0, ...loading.map((s) => s.hwmKb))),
    peakMb: mb(Math.max(...samples.map((s) => s.hwmKb))),
    rssAtMb: { p10: mb(p10.rssKb), p50: mb(at(0.5).rssKb), p90: mb(p90.rssKb) },
    growthMb: mb(Math.max(...window.map((s) => s.rssKb)) - p10.rssKb),
    samples: samples.length,
    series: samples.map((s) => [Math.round(s.t), mb(s.rssKb), requestsAt(progress, s.t)]),
  };
}

/** Polls the target's request count every `intervalMs`, never two polls at once. */
export function sampleProgress(target: Target, origin: number, intervalMs = 100): { stop(): Progress[] } {
  const progress: Progress[] = [];
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    const t = performance.now() - origin;
    target
      .stats()
      .then((stats) => progress.push({ t, requests: stats.requests }))
      .catch(() => undefined) // a missed poll only lowers the resolution
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return progress;
    },
  };
}

export interface MemoryOptions {
  steps: number;
  dir: string;
  log: (line: string) => void;
}

export async function runMemory(target: Target, options: MemoryOptions): Promise<MemoryFigures[]> {
  const { steps, dir, log } = options;
  const perIteration = 100;
  const rows = Math.max(1, Math.round(steps / perIteration));
  const variants = [
    {
      variant: `${perIteration} steps × ${rows} iterations`,
      requests: perIteration * rows,
      text: assayIterationsSuite(target.baseUrl, perIteration, rows),
    },
    { variant: `${steps} steps in one file`, requests: steps, text: assaySuite(target.baseUrl, steps) },
  ];
  const results: MemoryFigures[] = [];
  for (const [i, v] of variants.entries()) {
    const file = join(dir, `memory-${i}.yaml`);
    await writeFile(file, v.text);
    await target.reset();
    log(`  ${v.variant}: running…`);
    let sampler: ReturnType<typeof sampleMemory> | undefined;
    let poller: ReturnType<typeof sampleProgress> | undefined;
    const timeoutMs = 120_000 + v.requests * 10;
    const run = await runTimed(process.execPath, [ASSAY_CLI, 'run', file, ...ASSAY_QUIET], {
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
    // The last poll may predate the final requests: close the series with the exact final count.
    const progress = [...(poller?.stop() ?? []), { t: run.ms, requests: stats.requests }];
    let error: string | undefined;
    const tail = run.stderr.trim().split('\n').slice(-10).join('\n');
    if (run.timedOut) error = `timed out after ${timeoutMs} ms\n${tail}`;
    else if (run.code !== 0) error = `exited with ${run.signal ?? `code ${run.code}`}\n${tail}`;
    else if (stats.requests !== v.requests) {
      error = `the target served ${stats.requests} requests, expected ${v.requests}`;
    }
    const figures: MemoryFigures = {
      ...summarise(v.variant, v.requests, run.ms, samples, progress),
      ok: error === undefined,
      ...(error === undefined ? {} : { error }),
    };
    results.push(figures);
    log(
      error === undefined
        ? `  ${v.variant}: ${(run.ms / 1000).toFixed(1)} s, peak ${figures.peakMb} MB (loading ${figures.loadPeakMb} MB)`
        : `  ${v.variant} FAILED: ${error}`,
    );
  }
  return results;
}

export function memoryTable(results: readonly MemoryFigures[]): string {
  const header = [
    'assay run',
    'time',
    'to 1st request',
    'peak while loading',
    'peak RSS',
    'RSS @10% steps',
    '@50%',
    '@90%',
    'growth 10→90%',
  ];
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const rows = results.map((r) =>
    r.ok
      ? [
          r.variant,
          s(r.wallMs),
          s(r.loadMs),
          `${r.loadPeakMb} MB`,
          `${r.peakMb} MB`,
          `${r.rssAtMb.p10} MB`,
          `${r.rssAtMb.p50} MB`,
          `${r.rssAtMb.p90} MB`,
          `${r.growthMb} MB`,
        ]
      : [r.variant, 'FAILED', '', '', '', '', '', '', ''],
  );
  return table(header, rows);
}
