/**
 * `npm run bench -- --postman`: one Postman collection (N requests, each with two `pm.test`: status 200
 * and `$.ok` true) run by Newman's CLI and by `assay run` — the published entry `bin/assay.js`, built
 * first — in the same benchmark, interleaved, K times; then a long run of a small collection for memory
 * (bench/postman-memory.ts). Figures go to bench/results/latest.json (section `postman`).
 *
 * Both tools run with `--silent`: neither draws to a terminal, both evaluate every test. After every run
 * the exit code must be 0 and the target must have served exactly the requests of the collection; a
 * self-check first requires both to exit 1 when item 3 answers `"ok": false`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectionMemoryTable, runCollectionMemory } from './postman-memory.ts';
import { childEnv, runTimed, startTarget, type Target } from './proc.ts';
import { median, table } from './stats.ts';
import { postmanCollection } from './suites.ts';
import { ASSAY_CLI, ROOT, useAssayCli } from './tools.ts';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const RESULTS = join(BENCH, 'results', 'latest.json');
const NEWMAN_CLI = join(BENCH, 'node_modules', 'newman', 'bin', 'newman.js');

export const POSTMAN_USAGE = `usage: npm run bench -- --postman [options]
  --n <count>                 requests in the speed collection (default 1000)
  --reps <count>              repetitions of the speed comparison; medians are reported (default 5)
  --iterations <count>        iterations of the memory run for assay (default 10000)
  --iteration-requests <n>    requests in the memory collection (default 10)
  --newman-iterations <count> iterations of the memory run for Newman (default 1000: about 12 ms per
                              request, 10000 would take over 20 minutes)
  --no-speed, --no-memory     leave a part out
  --assay-cli <path>          launch assay from this entry (default: bin/assay.js after npm run build)
`;

type Tool = 'assay' | 'newman';
const LABEL: Record<Tool, string> = { assay: 'assay run', newman: 'Newman 6 (newman run)' };

function args(tool: Tool, file: string): string[] {
  return tool === 'assay'
    ? [ASSAY_CLI, 'run', file, '--silent']
    : [NEWMAN_CLI, 'run', file, '--silent', '--color', 'off'];
}

interface SpeedFigures {
  tool: Tool;
  label: string;
  /** Spawn → exit, median of the repetitions. */
  wholeMs: number;
  /** User + system CPU time of the process, median. */
  cpuMs: number;
  samplesMs: number[];
  cpuSamplesMs: number[];
}

function positive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new Error(`--${name} must be a positive integer, got "${String(value)}"`);
  }
  return parsed;
}

/** Both tools must fail when a test fails: proof that each one evaluates the scripts. */
async function selfCheck(dir: string, n: number): Promise<string[]> {
  const bad = await startTarget(['--fail-at', '3']);
  const file = join(dir, 'postman-self-check.json');
  writeFileSync(file, postmanCollection(bad.baseUrl, Math.min(n, 10)));
  const problems: string[] = [];
  try {
    for (const tool of ['assay', 'newman'] as const) {
      const run = await runTimed(process.execPath, args(tool, file), { timeoutMs: 120_000, env: childEnv() });
      if (run.code !== 1) problems.push(`${LABEL[tool]} exited ${run.code} on a failing test, expected 1`);
    }
  } finally {
    bad.stop();
  }
  return problems;
}

async function runSpeed(
  target: Target,
  options: { n: number; reps: number; dir: string; log: (line: string) => void },
): Promise<SpeedFigures[]> {
  const { n, reps, log } = options;
  const file = join(options.dir, `postman-${n}.json`);
  writeFileSync(file, postmanCollection(target.baseUrl, n));
  const samples: Record<Tool, { ms: number[]; cpu: number[] }> = {
    assay: { ms: [], cpu: [] },
    newman: { ms: [], cpu: [] },
  };
  for (let rep = 0; rep < reps; rep++) {
    // Alternating order, so that drift of the machine spreads over both tools.
    const order: Tool[] = rep % 2 === 0 ? ['assay', 'newman'] : ['newman', 'assay'];
    for (const tool of order) {
      await target.reset();
      const run = await runTimed(process.execPath, args(tool, file), {
        timeoutMs: 60_000 + n * 60,
        cwd: ROOT,
        env: childEnv(),
      });
      const served = (await target.stats()).requests;
      if (run.code !== 0 || served !== n) {
        const tail = run.stderr.trim().split('\n').slice(-5).join('\n');
        throw new Error(
          `${LABEL[tool]}: exit ${run.code ?? run.signal}, ${served} of ${n} requests\n${tail}`,
        );
      }
      samples[tool].ms.push(run.ms);
      samples[tool].cpu.push(run.cpuMs);
      log(`  rep ${rep + 1}/${reps} ${LABEL[tool]}: ${(run.ms / 1000).toFixed(2)} s (CPU ${run.cpuMs} ms)`);
    }
  }
  return (['assay', 'newman'] as const).map((tool) => ({
    tool,
    label: LABEL[tool],
    wholeMs: median(samples[tool].ms),
    cpuMs: median(samples[tool].cpu),
    samplesMs: samples[tool].ms.map(Math.round),
    cpuSamplesMs: samples[tool].cpu,
  }));
}

function speedReport(figures: readonly SpeedFigures[], n: number, reps: number): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const assay = figures.find((f) => f.tool === 'assay');
  const newman = figures.find((f) => f.tool === 'newman');
  const rows = figures.map((f) => [f.label, s(f.wholeMs), `${(f.wholeMs / n).toFixed(2)} ms`, s(f.cpuMs)]);
  const lines = [
    `${n} requests, two pm.test each, medians of ${reps} runs`,
    '',
    table(['collection', 'whole process', 'per request', 'CPU'], rows),
  ];
  if (assay && newman) {
    lines.push(
      '',
      `assay run is ${(newman.wholeMs / assay.wholeMs).toFixed(1)}× faster than Newman (whole process; goal ≥ 5×), ` +
        `${(newman.cpuMs / assay.cpuMs).toFixed(1)}× less CPU`,
    );
  }
  return lines.join('\n');
}

function saveResults(data: unknown): void {
  mkdirSync(join(BENCH, 'results'), { recursive: true });
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>;
  } catch {
    // first run
  }
  const machine = {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
  const postman = { date: new Date().toISOString(), machine, assayCli: ASSAY_CLI, ...(data as object) };
  writeFileSync(RESULTS, `${JSON.stringify({ ...previous, postman }, null, 2)}\n`);
  process.stdout.write(`\nresults written to ${RESULTS}\n`);
}

export async function runPostmanBench(
  argv: string[],
  deps: { ensureBenchDependencies: () => void },
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      postman: { type: 'boolean' },
      n: { type: 'string' },
      reps: { type: 'string' },
      iterations: { type: 'string' },
      'iteration-requests': { type: 'string' },
      'newman-iterations': { type: 'string' },
      speed: { type: 'boolean', default: true },
      memory: { type: 'boolean', default: true },
      'assay-cli': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowNegative: true,
  });
  if (values.help) {
    process.stdout.write(POSTMAN_USAGE);
    return 0;
  }
  const n = positive('n', values.n, 1000);
  const reps = positive('reps', values.reps, 5);
  const iterations = positive('iterations', values.iterations, 10_000);
  const requests = positive('iteration-requests', values['iteration-requests'], 10);
  const newmanIterations = positive('newman-iterations', values['newman-iterations'], 1000);
  const log = (line: string) => process.stderr.write(`${line}\n`);

  if (values['assay-cli']) useAssayCli(resolve(values['assay-cli']));
  else
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  deps.ensureBenchDependencies();
  if (!existsSync(NEWMAN_CLI)) throw new Error(`${NEWMAN_CLI} is missing`);

  const dir = mkdtempSync(join(os.tmpdir(), 'assay-bench-postman-'));
  const target = await startTarget();
  log(`postman: assay entry ${ASSAY_CLI}; target ${target.baseUrl}`);
  const results: Record<string, unknown> = {};
  let ok = true;
  try {
    const problems = await selfCheck(dir, n);
    if (problems.length > 0) throw new Error(`self-check failed:\n  ${problems.join('\n  ')}`);
    if (values.speed) {
      log(`speed: ${reps} × ${n} requests per tool`);
      const figures = await runSpeed(target, { n, reps, dir, log });
      process.stdout.write(`\n${speedReport(figures, n, reps)}\n`);
      const [assay, newman] = figures;
      results.speed = {
        n,
        reps,
        tools: figures,
        ratio: newman && assay ? newman.wholeMs / assay.wholeMs : null,
      };
    }
    if (values.memory) {
      log(
        `memory: ${requests} requests × ${iterations} iterations (Newman: ${newmanIterations}), RSS every 100 ms`,
      );
      const figures = await runCollectionMemory(target, {
        requests,
        assayIterations: iterations,
        newmanIterations,
        newmanCli: NEWMAN_CLI,
        dir,
        log,
      });
      process.stdout.write(`\n${collectionMemoryTable(figures)}\n`);
      results.memory = { requests, iterations, newmanIterations, results: figures };
      ok = figures.every((f) => f.ok);
    }
    saveResults(results);
    return ok ? 0 : 1;
  } finally {
    target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
