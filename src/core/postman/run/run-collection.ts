/**
 * Runs a Postman collection the way Newman does — iterations, `--folder`, variable scopes, scripts,
 * `setNextRequest`, `--bail`, delays and timeouts — emitting the engine's RunEvents (so every Assay
 * reporter works) and one `ItemExecution` per item for Newman-style reports. Nothing is kept per request:
 * each result is handed out and dropped, so memory stays flat however many iterations run.
 *
 * One HTTP session (keep-alive, one cookie jar) and one script sandbox serve the whole run; the sandbox is
 * booted only when the collection has a script.
 */
import { DEFAULT_EXCERPT_BYTES } from '../../runner/evidence.ts';
import type { HttpSessionOptions } from '../../runner/http/types.ts';
import type { SecretMasker } from '../../runner/masking.ts';
import { emptyCounts, type RunEventListener, type RunSummary, type StepError } from '../../runner/model.ts';
import { countStep, watchRun } from '../../runner/run-control.ts';
import { planRun, type RunnableItem } from '../collection/plan.ts';
import type { Collection, VariableDefinition, VariableFile } from '../collection/types.ts';
import { createScriptSandbox, type ScriptSandbox, type VariableMap } from '../sandbox/index.ts';
import { executeItem, type ItemContext } from './execute-item.ts';
import { createRunScopes } from './scopes.ts';
import { hasCode } from './scripts.ts';
import { secretMaskerFor } from './secrets.ts';
import { createSendRequestBridge } from './send-request.ts';
import { createSessionPool } from './sessions.ts';
import { createStatsTracker } from './stats.ts';
import type { CollectionRunResult, ItemExecution } from './types.ts';

export interface RunCollectionOptions {
  collection: Collection;
  /** Path of the collection file, for reports. */
  file?: string;
  environment?: VariableFile;
  globals?: VariableFile;
  /** `--env-var` / `--global-var`: set over the environment / globals. */
  envVars?: Record<string, string>;
  globalVars?: Record<string, string>;
  /** Rows of `-d`; iteration n uses row n, or the last row once they run out. */
  iterationData?: VariableMap[];
  /** `-n`; default: the number of data rows, or 1. */
  iterationCount?: number;
  /** `--folder` (names or ids), in any number. */
  folders?: readonly string[];
  /** Base of relative file paths in form-data and file bodies. Default: the current directory. */
  workingDir?: string;
  /** Refuse body files outside `workingDir` (`--no-insecure-file-read`). */
  restrictFiles?: boolean;
  http?: HttpSessionOptions;
  /** Whole-run limit in ms (`--timeout`). */
  timeoutMs?: number;
  /** Per request (`--timeout-request`); 0 or absent: none. */
  timeoutRequestMs?: number;
  /** Per script (`--timeout-script`); absent: the sandbox default. */
  timeoutScriptMs?: number;
  /** Pause before each request (`--delay-request`). */
  delayRequestMs?: number;
  /** Stop at the first script error, request error or failed test (`--bail`). */
  bail?: boolean;
  /** `--ignore-redirects`. */
  ignoreRedirects?: boolean;
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  onExecution?: (execution: ItemExecution) => void;
  /** Bytes of bodies kept in results. Default 4096. */
  bodyExcerptBytes?: number;
  /** Masks secrets in results; default: the values of variables typed `secret`. */
  masker?: SecretMasker;
}

/** Throws `EntryPointError` (before anything runs) when a `--folder` is not in the collection. */
export async function runCollection(options: RunCollectionOptions): Promise<CollectionRunResult> {
  const { collection } = options;
  const items = planRun(collection, { folders: options.folders ?? [] });
  const data = options.iterationData ?? [];
  const cycles = options.iterationCount ?? Math.max(1, data.length);
  const emit = options.onEvent ?? (() => {});
  const onExecution = options.onExecution ?? (() => {});
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const counts = emptyCounts();
  const tracker = createStatsTracker();

  const masker = options.masker ?? secretMaskerFor(options);
  const scopes = createRunScopes({
    globals: { ...toMap(options.globals?.values), ...options.globalVars },
    environment: { ...toMap(options.environment?.values), ...options.envVars },
    collectionVariables: toMap(collection.variables),
  });
  const abort = new AbortController();
  const stopTimer = watchRun(abort, options.timeoutMs, options.signal);
  const sessions = createSessionPool(options.http ?? {});
  const sendOptions = {
    workingDir: options.workingDir ?? process.cwd(),
    restrictFiles: options.restrictFiles === true,
    timeoutMs: options.timeoutRequestMs ?? 0,
    followRedirects: options.ignoreRedirects !== true,
    maxRedirects: 10,
    signal: abort.signal,
  };
  const sandbox = lazySandbox(items, () =>
    createScriptSandbox({
      ...(options.timeoutScriptMs ? { timeoutMs: options.timeoutScriptMs } : {}),
      sendRequest: createSendRequestBridge(sessions, sendOptions),
    }),
  );
  const ctx: ItemContext = {
    sandbox,
    scopes,
    sessions,
    suiteName: collection.name,
    workingDir: sendOptions.workingDir,
    restrictFiles: sendOptions.restrictFiles,
    timeoutRequestMs: sendOptions.timeoutMs,
    followRedirects: sendOptions.followRedirects,
    stopOnFailure: options.bail === true,
    excerptBytes: options.bodyExcerptBytes ?? DEFAULT_EXCERPT_BYTES,
    signal: abort.signal,
    iterationCount: cycles,
    environmentName: options.environment?.name,
    masker,
  };

  emit({
    type: 'run.started',
    suite: collection.name,
    ...(options.file === undefined ? {} : { file: options.file }),
    steps: items.length,
    iterations: cycles,
    startedAt,
  });
  let stopped = false;
  const lookup = nextRequestLookup(items);
  try {
    for (let iteration = 0; iteration < cycles && !stopped && !abort.signal.aborted; iteration++) {
      tracker.iteration();
      scopes.startIteration({ ...(data[Math.min(iteration, data.length - 1)] ?? {}) });
      let position = 0;
      while (position < items.length && !abort.signal.aborted) {
        const runnable = items[position] as RunnableItem;
        if ((options.delayRequestMs ?? 0) > 0 && !(await sleep(options.delayRequestMs ?? 0, abort.signal)))
          break;
        emit({
          type: 'step.started',
          suite: collection.name,
          step: runnable.fullName,
          index: position,
          iteration,
        });
        const run = await executeItem(runnable, { position, iteration, length: items.length, cycles }, ctx);
        tracker.execution(run.execution);
        countStep(counts, run.result);
        emit({ type: 'step.finished', result: run.result });
        onExecution(run.execution);
        if (options.bail === true && run.failed) {
          stopped = true;
          break;
        }
        if (run.nextRequest === undefined) {
          position++;
          continue;
        }
        // `null` or an unknown name ends the iteration, as in postman-runtime.
        const next = run.nextRequest === null ? undefined : lookup(run.nextRequest);
        if (next === undefined) break;
        position = next;
      }
    }
  } finally {
    stopTimer();
    sandbox.dispose();
    await sessions.close();
  }

  const summary: RunSummary = {
    suite: collection.name,
    status: counts.failed + counts.errored > 0 ? 'failed' : 'passed',
    startedAt,
    durationMs: Math.round(performance.now() - started),
    iterations: cycles,
    counts,
  };
  if (options.file !== undefined) summary.file = options.file;
  if (abort.signal.aborted) {
    const reason = abort.signal.reason as StepError;
    summary.status = reason.code === 'CANCELLED' ? 'cancelled' : 'errored';
    summary.error = reason;
  }
  emit({ type: 'run.finished', summary });
  const final = scopes.current();
  return {
    summary,
    ...tracker.finish(),
    environment: final.environment,
    globals: final.globals,
    collectionVariables: final.collectionVariables,
  };
}

function toMap(values: readonly VariableDefinition[] | undefined): VariableMap {
  const out: VariableMap = {};
  for (const { key, value } of values ?? []) out[key] = value;
  return out;
}

/** Ids first, then names; with duplicate names the last item wins (postman-runtime's lookup hash). */
function nextRequestLookup(items: readonly RunnableItem[]): (target: string) => number | undefined {
  const ids = new Map<string, number>();
  const names = new Map<string, number>();
  items.forEach((runnable, index) => {
    ids.set(runnable.item.id, index);
    names.set(runnable.item.name, index);
  });
  return (target) => ids.get(target) ?? names.get(target);
}

/** Boots the sandbox on first use: a collection without scripts never pays for it. */
function lazySandbox(items: readonly RunnableItem[], create: () => Promise<ScriptSandbox>): ScriptSandbox {
  const needed = items.some((r) => hasCode(r.prerequest) || hasCode(r.test));
  let booting: Promise<ScriptSandbox> | undefined;
  let disposed = false;
  return {
    execute(input) {
      if (!needed) throw new Error('the collection has no scripts');
      booting ??= create();
      return booting.then((sandbox) => sandbox.execute(input));
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      void booting?.then(
        (sandbox) => sandbox.dispose(),
        () => {},
      );
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
