/**
 * The speed comparison: each tool runs N and 2N requests K times against the same target, tools
 * interleaved within each repetition so that drift of the machine spreads over all of them.
 */
import { childEnv, runTimed, type Target } from './proc.ts';
import { figures, type ToolFigures, type ToolSamples } from './stats.ts';
import { type SuiteFiles, writeSuites } from './suites.ts';
import { innerMs, invocation, ROOT, TOOL_LABELS, type ToolId } from './tools.ts';

export interface SpeedOptions {
  n: number;
  reps: number;
  tools: ToolId[];
  dir: string;
  log: (line: string) => void;
}

export interface SpeedResult {
  figures: ToolFigures[];
  failures: { tool: ToolId; message: string }[];
}

/** Generous: Newman needs ≈ 12 ms a request here; a run that takes 5× that is hung, not slow. */
export const timeoutFor = (n: number): number => 60_000 + n * 60;

/** Runs one measurement and checks it: exit 0, no timeout, exactly `n` requests seen by the target. */
export async function measure(
  tool: ToolId,
  target: Target,
  files: SuiteFiles,
  n: number,
): Promise<{ ms: number; cpuMs: number; inner: number | undefined; connections: number }> {
  const { command, args } = invocation(tool, files, target.baseUrl, n);
  await target.reset();
  const run = await runTimed(command, args, { timeoutMs: timeoutFor(n), cwd: ROOT, env: childEnv() });
  const tail = (run.stderr.trim() || run.stdout.trim()).split('\n').slice(-15).join('\n');
  if (run.timedOut) throw new Error(`timed out after ${timeoutFor(n)} ms (${n} requests)\n${tail}`);
  if (run.code !== 0) {
    throw new Error(`exited with ${run.signal ?? `code ${run.code}`} (${n} requests)\n${tail}`);
  }
  const stats = await target.stats();
  if (stats.requests !== n) {
    throw new Error(`exited 0 but the target served ${stats.requests} requests, expected ${n}\n${tail}`);
  }
  return {
    ms: run.ms,
    cpuMs: run.cpuMs,
    inner: innerMs(tool, run.stdout, files),
    connections: stats.connections,
  };
}

export async function runSpeed(target: Target, options: SpeedOptions): Promise<SpeedResult> {
  const { n, reps, dir, log } = options;
  // Written once up front, so generating files never happens between two measurements.
  const filesN = await writeSuites(dir, target.baseUrl, n);
  const files2N = await writeSuites(dir, target.baseUrl, 2 * n);

  const samples = new Map<ToolId, ToolSamples>();
  const failures: SpeedResult['failures'] = [];
  let active = [...options.tools];
  for (const tool of active)
    samples.set(tool, { wholeN: [], whole2N: [], cpuN: [], cpu2N: [], innerN: [], connectionsN: [] });

  for (let rep = 0; rep < reps; rep++) {
    // Rotate the order each repetition so no tool always runs right after the heaviest one.
    const order = active.map((_, i) => active[(i + rep) % active.length]!);
    for (const tool of order) {
      const s = samples.get(tool)!;
      try {
        const one = await measure(tool, target, filesN, n);
        const two = await measure(tool, target, files2N, 2 * n);
        s.wholeN.push(one.ms);
        s.whole2N.push(two.ms);
        s.cpuN.push(one.cpuMs);
        s.cpu2N.push(two.cpuMs);
        if (one.inner !== undefined) s.innerN.push(one.inner);
        s.connectionsN.push(one.connections);
        log(
          `  rep ${rep + 1}/${reps}  ${TOOL_LABELS[tool].padEnd(22)} ${n}: ${fmt(one.ms)} (CPU ${fmt(one.cpuMs)})` +
            `  ${2 * n}: ${fmt(two.ms)} (CPU ${fmt(two.cpuMs)})`,
        );
      } catch (error) {
        const message = (error as Error).message;
        failures.push({ tool, message });
        log(`  ${TOOL_LABELS[tool]} FAILED: ${message}`);
        active = active.filter((t) => t !== tool);
        samples.delete(tool);
      }
    }
  }
  const all = options.tools.filter((t) => samples.has(t)).map((t) => figures(t, n, samples.get(t)!));
  return { figures: all, failures };
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/**
 * Proves that each tool really evaluates the assertion: against a target whose item 3 answers
 * `"ok": false`, a 5-request run must exit non-zero. A tool that passes it is measuring nothing.
 */
export async function selfCheck(badTarget: Target, tools: ToolId[], dir: string): Promise<string[]> {
  const problems: string[] = [];
  const files = await writeSuites(dir, badTarget.baseUrl, 5);
  for (const tool of tools) {
    const { command, args } = invocation(tool, files, badTarget.baseUrl, 5);
    await badTarget.reset();
    const run = await runTimed(command, args, { timeoutMs: 60_000, cwd: ROOT, env: childEnv() });
    const { requests } = await badTarget.stats();
    const label = TOOL_LABELS[tool];
    const tail = run.stderr.trim().split('\n').slice(-5).join('\n');
    // Exit 1 is "a test failed" for every contender; anything else (2 = bad input, a signal) means
    // the run broke before it could judge the response.
    if (run.timedOut) problems.push(`${label}: timed out on the failing target`);
    else if (run.code === 0) problems.push(`${label}: exited 0 although $.ok was false at step 3`);
    else if (run.code !== 1) problems.push(`${label}: exited ${run.signal ?? run.code}, expected 1\n${tail}`);
    else if (requests < 3)
      problems.push(`${label}: failed after ${requests} requests, before step 3\n${tail}`);
  }
  return problems;
}
