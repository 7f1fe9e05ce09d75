/**
 * Memory of a long `assay run`: 100,000 steps, shaped two ways (100 steps × 1,000 inline iteration
 * rows, and one file of 100,000 steps), with the child's RSS and high-water mark read from
 * /proc/<pid>/status every 100 ms. Flat means the RSS late in the run is close to the RSS early on:
 * nothing grows with the number of steps executed.
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
  /** VmHWM at the last sample: the most the process ever held resident. */
  peakMb: number;
  /** VmRSS at 10 %, 50 % and 90 % of the run's duration. */
  rssAtMb: { p10: number; p50: number; p90: number };
  /** Largest RSS between 10 % and 90 % of the run minus the RSS at 10 %. */
  growthMb: number;
  samples: number;
  /** Every sample, for plotting: [ms since start, RSS MB]. */
  series: [number, number][];
}

const mb = (kb: number): number => Math.round((kb / 1024) * 10) / 10;

function rssAt(samples: readonly MemorySample[], fraction: number, wallMs: number): number {
  const t = fraction * wallMs;
  let best = samples[0]!;
  for (const s of samples) if (Math.abs(s.t - t) < Math.abs(best.t - t)) best = s;
  return best.rssKb;
}

export function summarise(
  variant: string,
  requests: number,
  wallMs: number,
  samples: MemorySample[],
): Omit<MemoryFigures, 'ok' | 'error'> {
  if (samples.length === 0) {
    return {
      variant,
      requests,
      wallMs,
      peakMb: Number.NaN,
      rssAtMb: { p10: Number.NaN, p50: Number.NaN, p90: Number.NaN },
      growthMb: Number.NaN,
      samples: 0,
      series: [],
    };
  }
  const p10 = rssAt(samples, 0.1, wallMs);
  const window = samples.filter((s) => s.t >= 0.1 * wallMs && s.t <= 0.9 * wallMs);
  const maxInWindow = Math.max(p10, ...window.map((s) => s.rssKb));
  return {
    variant,
    requests,
    wallMs,
    peakMb: mb(Math.max(...samples.map((s) => s.hwmKb))),
    rssAtMb: { p10: mb(p10), p50: mb(rssAt(samples, 0.5, wallMs)), p90: mb(rssAt(samples, 0.9, wallMs)) },
    growthMb: mb(maxInWindow - p10),
    samples: samples.length,
    series: samples.map((s) => [Math.round(s.t), mb(s.rssKb)]),
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
    const timeoutMs = 120_000 + v.requests * 10;
    const run = await runTimed(process.execPath, [ASSAY_CLI, 'run', file, ...ASSAY_QUIET], {
      timeoutMs,
      cwd: ROOT,
      env: childEnv(),
      onSpawn: (pid) => {
        sampler = sampleMemory(pid, 100);
      },
    });
    const samples = sampler?.stop() ?? [];
    const stats = await target.stats();
    let error: string | undefined;
    const tail = run.stderr.trim().split('\n').slice(-10).join('\n');
    if (run.timedOut) error = `timed out after ${timeoutMs} ms\n${tail}`;
    else if (run.code !== 0) error = `exited with ${run.signal ?? `code ${run.code}`}\n${tail}`;
    else if (stats.requests !== v.requests) {
      error = `the target served ${stats.requests} requests, expected ${v.requests}`;
    }
    const figures: MemoryFigures = {
      ...summarise(v.variant, v.requests, run.ms, samples),
      ok: error === undefined,
      ...(error === undefined ? {} : { error }),
    };
    results.push(figures);
    log(
      error === undefined
        ? `  ${v.variant}: ${(run.ms / 1000).toFixed(1)} s, peak ${figures.peakMb} MB`
        : `  ${v.variant} FAILED: ${error}`,
    );
  }
  return results;
}

export function memoryTable(results: readonly MemoryFigures[]): string {
  const header = ['assay run, 100k steps', 'time', 'peak RSS', 'RSS @10%', '@50%', '@90%', 'growth 10→90%'];
  const rows = results.map((r) =>
    r.ok
      ? [
          r.variant,
          `${(r.wallMs / 1000).toFixed(1)} s`,
          `${r.peakMb} MB`,
          `${r.rssAtMb.p10} MB`,
          `${r.rssAtMb.p50} MB`,
          `${r.rssAtMb.p90} MB`,
          `${r.growthMb} MB`,
        ]
      : [r.variant, 'FAILED', '', '', '', '', ''],
  );
  return table(header, rows);
}
