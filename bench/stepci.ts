/**
 * Runs a Step CI workflow file with `@stepci/runner` (the library behind the `stepci` CLI, which is not
 * installed), the way `stepci run <file>` would: read the file, run it, exit non-zero when it fails.
 *
 * Usage: node bench/stepci.ts <workflow.yaml>
 * Prints one JSON line `{"requests": steps, "innerMs": t, "passed": true}`; on failure names the first
 * failing step on stderr and exits 1.
 */
import { createRequire } from 'node:module';

// Only the parts of the runner's result this script reads. Declared here because the package lives in
// bench/node_modules, which is installed on demand and absent when the product is type-checked.
interface StepResult {
  name?: string;
  passed: boolean;
  errored: boolean;
  errorMessage?: string;
  checks?: unknown;
}
interface WorkflowResult {
  result: { passed: boolean; tests: { steps: StepResult[] }[] };
}
interface StepCiRunner {
  runFromFile(path: string, options?: { concurrency?: number }): Promise<WorkflowResult>;
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bench/stepci.ts <workflow.yaml>\n');
  process.exit(2);
}

const benchRequire = createRequire(new URL('./package.json', import.meta.url));
const started = performance.now();
const { runFromFile } = benchRequire('@stepci/runner') as StepCiRunner;
const loadedMs = performance.now() - started;

const runStarted = performance.now();
const { result } = await runFromFile(file);
const innerMs = performance.now() - runStarted;

const steps = result.tests.flatMap((test) => test.steps);
if (!result.passed) {
  const failed = steps.find((step) => !step.passed);
  const detail = failed?.errorMessage ?? JSON.stringify(failed?.checks ?? {});
  process.stderr.write(`Step CI: step "${failed?.name ?? '?'}" failed: ${detail}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ requests: steps.length, innerMs, loadedMs, passed: true })}\n`);
