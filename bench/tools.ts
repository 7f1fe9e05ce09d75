/**
 * The four contenders and how each is launched. Every command is a Node process started directly
 * (no shell, no npx), so the measured time is the tool's own start-up and work, and the pid is the
 * tool's for memory sampling.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SuiteFiles } from './suites.ts';

export type ToolId = 'assay' | 'bare' | 'newman' | 'stepci';

export const TOOL_IDS: readonly ToolId[] = ['assay', 'bare', 'newman', 'stepci'];

export const TOOL_LABELS: Record<ToolId, string> = {
  assay: '(a) assay run',
  bare: '(b) bare undici loop',
  newman: '(c) Newman 6',
  stepci: '(d) Step CI runner',
};

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = fileURLToPath(new URL('.', import.meta.url));
/**
 * The entry `assay run` is launched from: by default the published one, `bin/assay.js` running the
 * bundled `dist/` (built first by `npm run build`); `--assay-cli src/cli/main.ts` measures the sources.
 */
export let ASSAY_CLI = `${ROOT}bin/assay.js`;
export function useAssayCli(path: string): void {
  ASSAY_CLI = path;
}
const NEWMAN_CLI = `${BENCH}node_modules/newman/bin/newman.js`;

export interface Invocation {
  command: string;
  args: string[];
}

/** The command line that runs `n` requests with `tool`. */
export function invocation(tool: ToolId, files: SuiteFiles, baseUrl: string, n: number): Invocation {
  const node = process.execPath;
  switch (tool) {
    case 'assay':
      // The CI-style JSON report, written to a file rather than a terminal: every step result is still
      // built and serialised, and the report's own duration gives Assay's in-process time.
      return {
        command: node,
        args: [ASSAY_CLI, 'run', files.assay, '--reporter', 'json', '--out', files.assayReport],
      };
    case 'bare':
      return { command: node, args: [`${BENCH}bare-undici.ts`, baseUrl, String(n)] };
    case 'newman':
      // --silent: no console reporter output, so no tool pays for drawing to a terminal.
      return { command: node, args: [NEWMAN_CLI, 'run', files.postman, '--silent', '--color', 'off'] };
    case 'stepci':
      return { command: node, args: [`${BENCH}stepci.ts`, files.stepci] };
  }
}

/** Assay's JSON report, discarded: the memory test wants no file growing on disk. */
export const ASSAY_QUIET = ['--reporter', 'json', '--out', '/dev/null'];

/** Why a tool cannot run on this checkout, or undefined when it can. */
export function unavailable(tool: ToolId): string | undefined {
  if (tool === 'assay' && !existsSync(ASSAY_CLI)) return `${ASSAY_CLI} does not exist yet`;
  if (tool === 'newman' && !existsSync(NEWMAN_CLI)) return `${NEWMAN_CLI} is missing`;
  return undefined;
}

/**
 * The time the tool measured for its own run, when it reports one: the bare loop and the Step CI
 * script print a JSON line with `innerMs`; Assay's JSON report ends with the run's `durationMs`.
 */
export function innerMs(tool: ToolId, stdout: string, files: SuiteFiles): number | undefined {
  if (tool === 'assay') {
    try {
      const report = readFileSync(files.assayReport, 'utf8');
      const match = /"durationMs":\s*([\d.]+)\s*}\s*$/.exec(report);
      return match ? Number(match[1]) : undefined;
    } catch {
      return undefined;
    }
  }
  const line = stdout.trim().split('\n').at(-1);
  if (!line?.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as { innerMs?: unknown };
    return typeof parsed.innerMs === 'number' ? parsed.innerMs : undefined;
  } catch {
    return undefined;
  }
}
