/**
 * Runs one suite: iterations in order, steps in order within an iteration, emitting events as it goes.
 * Keeps no history: each step result is handed to `onEvent` and dropped, so memory stays flat however
 * long the run.
 */
import { loadIterations, SuiteDataError } from '../suite/data-file.ts';
import type { Step, Suite } from '../suite/schema.ts';
import { DEFAULT_EXCERPT_BYTES } from './evidence.ts';
import { executeStep, type StepContext } from './execute-step.ts';
import { createAuthResolver } from './http/auth.ts';
import { createHttpSession } from './http/session.ts';
import type { HttpSessionOptions } from './http/types.ts';
import { createMasker } from './masking.ts';
import {
  emptyCounts,
  type RunEvent,
  type RunEventListener,
  type RunSummary,
  type StepError,
} from './model.ts';
import { countStep, watchRun } from './run-control.ts';
import type { CompileSchema } from './schema-validator.ts';
import type { TemplateScope } from './template.ts';

export interface RunSuiteOptions {
  suite: Suite;
  /** Path of the suite file, for reports. */
  file?: string;
  /** Folder that relative paths in the suite (multipart files, data files) are resolved against. */
  baseDir: string;
  /** Overrides of the suite's variables: the environment's, then the command line's. */
  variables?: Record<string, unknown>;
  /** `{{ secrets.NAME }}` values; masked in every result and event. */
  secrets?: Record<string, string>;
  /** `{{ env.NAME }}` values; leave undefined where process environment must not be reachable (server). */
  env?: Record<string, string | undefined>;
  http?: HttpSessionOptions;
  /** Whole-run timeout in ms; overrides the suite's `timeout`. */
  timeoutMs?: number;
  /** Stop at the first failed or errored step; ORed with the suite's `bail`. */
  bail?: boolean;
  /** Cancels the run: the current request is aborted and the run ends `cancelled`. */
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  /** Bytes of request and response bodies kept in results. Default 4096. */
  bodyExcerptBytes?: number;
}

export async function runSuite(options: RunSuiteOptions): Promise<RunSummary> {
  const { suite } = options;
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const emit = options.onEvent ?? (() => {});
  const counts = emptyCounts();
  const summary = (status: RunSummary['status'], iterations: number, error?: StepError): RunSummary => {
    const result: RunSummary = {
      suite: suite.name,
      status,
      startedAt,
      durationMs: Math.round(performance.now() - started),
      iterations,
      counts,
    };
    if (options.file !== undefined) result.file = options.file;
    if (error !== undefined) result.error = error;
    return result;
  };

  const masker = createMasker();
  for (const value of Object.values(options.secrets ?? {})) masker.add(value);

  let rows: Record<string, unknown>[];
  try {
    rows = await loadIterations(suite, options.baseDir);
  } catch (error) {
    if (!(error instanceof SuiteDataError)) throw error;
    emitStarted(emit, options, 0);
    const finished = summary('errored', 0, { code: 'DATA_FILE', message: masker.mask(error.message) });
    emit({ type: 'run.finished', summary: finished });
    return finished;
  }

  const abort = new AbortController();
  const stopTimer = watchRun(abort, options.timeoutMs ?? suite.timeout, options.signal);
  const session = createHttpSession(options.http ?? {});
  const ctxBase = {
    suite,
    baseDir: options.baseDir,
    session,
    resolveAuth: createAuthResolver(session),
    assertions: { compileSchema: await schemaCompilerFor(suite) },
    masker,
    excerptBytes: options.bodyExcerptBytes ?? DEFAULT_EXCERPT_BYTES,
    signal: abort.signal,
  };
  const bail = options.bail === true || suite.bail === true;
  let stopped = false;
  emitStarted(emit, options, rows.length);
  try {
    for (let iteration = 0; iteration < rows.length && !stopped; iteration++) {
      // Captures live for one iteration; cookies live for the whole run (they belong to the session).
      const scope: TemplateScope = {
        variables: variablesFor(suite, options.variables, rows[iteration] ?? {}),
        secrets: options.secrets ?? {},
        tainted: new Set(),
      };
      if (options.env !== undefined) scope.env = options.env;
      const ctx: StepContext = { ...ctxBase, scope };
      for (let index = 0; index < suite.steps.length; index++) {
        if (abort.signal.aborted) {
          stopped = true;
          break;
        }
        const step = suite.steps[index] as Step;
        emit({ type: 'step.started', suite: suite.name, step: step.name, index, iteration });
        const result = await executeStep(step, index, iteration, ctx);
        countStep(counts, result);
        emit({ type: 'step.finished', result });
        if (bail && (result.status === 'failed' || result.status === 'errored')) {
          stopped = true;
          break;
        }
      }
    }
  } finally {
    stopTimer();
    await session.close();
  }

  let finished: RunSummary;
  if (abort.signal.aborted) {
    const reason = abort.signal.reason as StepError;
    finished = summary(reason.code === 'CANCELLED' ? 'cancelled' : 'errored', rows.length, reason);
  } else {
    finished = summary(counts.failed + counts.errored > 0 ? 'failed' : 'passed', rows.length);
  }
  emit({ type: 'run.finished', summary: finished });
  return finished;
}

/** ajv is loaded only for suites that check a body against a JSON Schema: it is a noticeable part of start-up. */
async function schemaCompilerFor(suite: Suite): Promise<CompileSchema> {
  if (!suite.steps.some((step) => step.expect?.schema !== undefined)) {
    return () => {
      throw new Error('no step of this suite declares a schema');
    };
  }
  const { createSchemaCompiler } = await import('./schema-validator.ts');
  return createSchemaCompiler();
}

function emitStarted(emit: RunEventListener, options: RunSuiteOptions, iterations: number): void {
  const event: RunEvent = {
    type: 'run.started',
    suite: options.suite.name,
    steps: options.suite.steps.length,
    iterations,
    startedAt: new Date().toISOString(),
  };
  if (options.file !== undefined) event.file = options.file;
  emit(event);
}

/** Precedence, lowest first: the suite's variables, the caller's overrides, the iteration row. */
function variablesFor(
  suite: Suite,
  overrides: Record<string, unknown> | undefined,
  row: Record<string, unknown>,
): Map<string, unknown> {
  const variables = new Map<string, unknown>();
  for (const source of [suite.variables, overrides, row]) {
    if (source === undefined) continue;
    for (const [name, value] of Object.entries(source)) variables.set(name, value);
  }
  return variables;
}
