/**
 * `npm run bench`: Assay against a bare undici loop, Newman 6 and Step CI on the same N-request suite,
 * whole process and steady state; `npm run bench -- --memory`: peak and flatness of RSS over a
 * 100,000-step `assay run`; `--server` and `--postman`: see bench/server-runs.ts, bench/postman-bench.ts and
 * docs/performance.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { memoryTable, runMemory } from './memory.ts';
import { startTarget } from './proc.ts';
import { runSpeed, selfCheck } from './speed.ts';
import { ratios, speedTable, steadyLostInNoise } from './stats.ts';
import { ASSAY_CLI, ROOT, TOOL_IDS, TOOL_LABELS, type ToolId, unavailable, useAssayCli } from './tools.ts';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const RESULTS = join(BENCH, 'results', 'latest.json');

const USAGE = `usage: npm run bench -- [options]
  --n <count>            requests per suite (default 1000); each tool also runs 2×n for the steady state
  --reps <count>         repetitions; medians are reported (default 5)
  --only <list>          comma-separated subset: a|assay, b|bare, c|newman, d|stepci (default all)
  --no-self-check        skip the check that every tool fails on a false assertion
  --memory               instead: peak and flatness of RSS over a long assay run
  --memory-steps <count> steps of that run (default 100000)
  --assay-cli <path>     launch assay from this entry, e.g. the sources src/cli/main.ts
                         (default: bin/assay.js on the bundle that npm run build makes first)
  --server               instead: the server's trigger → finished latency and GET /runs/:id
                         throughput next to an Express hello-world (bench/server-runs.ts;
                         --runs, --concurrency, --seconds)
  --postman              instead: one Postman collection run by Newman and by assay run, and a
                         10,000-iteration memory run of both (bench/postman-bench.ts; --postman --help)
  --distributed          instead: distributed mode (1 API + 2 worker processes, Redis, PostgreSQL):
                         one-step runs/s against a bare BullMQ worker, idle trigger → start latency,
                         cached and uncached GET /runs/:id (bench/distributed-runs.ts; --runs, --reps,
                         --parallel, --worker-concurrency, --latency-runs, --read-concurrency)
`;

const ALIASES: Record<string, ToolId> = { a: 'assay', b: 'bare', c: 'newman', d: 'stepci' };

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) fail(`--${name} must be a positive integer, got "${value}"`);
  return parsed;
}

const FLAGS = {
  n: { type: 'string' },
  reps: { type: 'string' },
  only: { type: 'string' },
  'self-check': { type: 'boolean', default: true },
  memory: { type: 'boolean', default: false },
  'memory-steps': { type: 'string' },
  'assay-cli': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseOptions() {
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowNegative: true }>>['values'];
  try {
    values = parseArgs({ options: FLAGS, allowNegative: true }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const tools = values.only
    ? values.only.split(',').map((raw) => {
        const name = raw.trim().toLowerCase();
        const id = ALIASES[name] ?? (TOOL_IDS as readonly string[]).find((t) => t === name);
        if (!id) fail(`unknown tool "${raw}" in --only (expected ${TOOL_IDS.join(', ')} or a–d)`);
        return id as ToolId;
      })
    : [...TOOL_IDS];
  return {
    n: positiveInt('n', values.n, 1000),
    reps: positiveInt('reps', values.reps, 5),
    tools: [...new Set(tools)],
    selfCheck: values['self-check'],
    memory: values.memory,
    memorySteps: positiveInt('memory-steps', values['memory-steps'], 100_000),
    assayCli: values['assay-cli'],
  };
}

/** The comparison tools live in bench/package.json, installed here on first use, never by the product. */
function ensureBenchDependencies(): void {
  const needed = ['node_modules/newman/bin/newman.js', 'node_modules/@stepci/runner/package.json'];
  if (needed.every((path) => existsSync(join(BENCH, path)))) return;
  process.stderr.write('bench: installing the comparison tools (npm ci --prefix bench)…\n');
  const npmCli = process.env.npm_execpath;
  const [command, prefix] =
    npmCli?.endsWith('.js') || npmCli?.endsWith('.cjs') ? [process.execPath, [npmCli]] : ['npm', []];
  const result = spawnSync(command, [...prefix, 'ci', '--prefix', BENCH, '--no-audit', '--no-fund'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 300_000,
  });
  if (result.error) fail(`could not run npm ci: ${result.error.message}`);
  if (result.status !== 0) fail(`npm ci --prefix bench failed (exit ${result.status ?? result.signal})`);
}

function machine() {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

/** Keeps the other kind of result in latest.json, so speed and memory figures can sit side by side. */
function saveResults(section: 'speed' | 'memory', data: unknown): void {
  mkdirSync(join(BENCH, 'results'), { recursive: true });
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>;
  } catch {
    // first run, or an unreadable file: start afresh
  }
  const next = {
    ...previous,
    machine: machine(),
    [section]: { date: new Date().toISOString(), ...(data as object) },
  };
  writeFileSync(RESULTS, `${JSON.stringify(next, null, 2)}\n`);
  process.stdout.write(`\nresults written to ${RESULTS}\n`);
}

async function main(): Promise<number> {
  if (process.argv.includes('--distributed')) {
    return (await import('./distributed-runs.ts')).runDistributedBench(process.argv.slice(2));
  }
  if (process.argv.includes('--server')) {
    return (await import('./server-runs.ts')).runServerBench(process.argv.slice(2));
  }
  if (process.argv.includes('--postman')) {
    return (await import('./postman-bench.ts')).runPostmanBench(process.argv.slice(2), {
      ensureBenchDependencies,
    });
  }
  const options = parseOptions();
  if (options.assayCli) useAssayCli(resolve(options.assayCli));
  else if (options.tools.includes('assay') || options.memory) {
    // What users run is the published entry: build it so the figures are of the current sources.
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const tools = options.memory ? (['assay'] as ToolId[]) : options.tools;
  if (tools.some((t) => t === 'newman' || t === 'stepci')) ensureBenchDependencies();
  for (const tool of tools) {
    const reason = unavailable(tool);
    if (reason) fail(`${TOOL_LABELS[tool]} cannot run: ${reason} (use --only to leave it out)`);
  }

  const dir = mkdtempSync(join(os.tmpdir(), 'assay-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const target = await startTarget();
  const m = machine();
  log(`machine: ${m.cpus} cores, ${m.cpuModel}, ${m.memoryGb} GB, node ${m.node}; target ${target.baseUrl}`);
  if (tools.includes('assay')) log(`assay entry: ${ASSAY_CLI}`);

  try {
    if (options.memory) {
      log(`memory: assay run of ${options.memorySteps} steps, RSS sampled every 100 ms`);
      const results = await runMemory(target, { steps: options.memorySteps, dir, log });
      process.stdout.write(`\n${memoryTable(results)}\n`);
      saveResults('memory', { steps: options.memorySteps, assayCli: ASSAY_CLI, results });
      return results.every((r) => r.ok) ? 0 : 1;
    }

    if (options.selfCheck) {
      log('self-check: every tool must fail when $.ok is false…');
      const bad = await startTarget(['--fail-at', '3']);
      const problems = await selfCheck(bad, tools, mkdtempSync(join(dir, 'self-check-')));
      bad.stop();
      if (problems.length > 0) fail(`self-check failed:\n  ${problems.join('\n  ')}`);
    }

    log(`speed: ${options.reps} × (${options.n} and ${2 * options.n} requests) per tool`);
    const speed = await runSpeed(target, { n: options.n, reps: options.reps, tools, dir, log });
    process.stdout.write(
      `\n${options.n} requests (GET, status 200, $.ok == true), medians of ${options.reps} runs\n\n`,
    );
    process.stdout.write(`${speedTable(speed.figures, options.n)}\n`);
    process.stdout.write(
      '\nwhole = spawn → exit; steady/req = median of (T(2N) − T(N)) / N; start-up = T(N) − N × steady;\n' +
        "in-process/req = the tool's own clock for its N-request run / N (its fixed in-run costs included);\n" +
        "CPU = user + system time of the tool's process, barely affected by other load on the machine;\n" +
        'ratios are speed ratios (other time / this time): "of bare" 0.80× = 80 % of the bare loop speed.\n',
    );
    if (steadyLostInNoise(speed.figures)) {
      process.stdout.write(
        '\nwarning: a steady-state figure is ≤ 0, below the noise of this machine; raise --n or --reps.\n',
      );
    }
    for (const failure of speed.failures) {
      process.stdout.write(`\n${TOOL_LABELS[failure.tool]} FAILED: ${failure.message}\n`);
    }
    saveResults('speed', {
      assayCli: ASSAY_CLI,
      n: options.n,
      reps: options.reps,
      tools: speed.figures.map((f) => ({ ...f, ratios: ratios(f, speed.figures) })),
      failures: speed.failures,
    });
    return speed.failures.length === 0 ? 0 : 1;
  } finally {
    target.stop();
  }
}

process.exitCode = await main();
