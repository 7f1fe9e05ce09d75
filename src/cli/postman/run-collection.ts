/**
 * `assay run <collection.json> [newman options]`: everything is loaded and checked first (collection,
 * environment, globals, data, folders, report paths: any problem is exit 2 before a request is sent),
 * then the collection runs with its reports streamed, and the exports are written. Exit codes as Newman:
 * 1 when a test failed or a script or request errored (0 with `-x`), plus Assay's 2 for invalid input and
 * 130/143 when interrupted.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  formatCollectionError,
  loadCollectionFile,
  loadVariableFile,
  VariableFileError,
} from '../../core/postman/collection/load.ts';
import { EntryPointError, planRun } from '../../core/postman/collection/plan.ts';
import type { VariableFile } from '../../core/postman/collection/types.ts';
import type { ItemExecution } from '../../core/postman/run/types.ts';
import type { VariableMap } from '../../core/postman/sandbox/index.ts';
import { type CommandInput, EXIT, UsageError } from '../command.ts';
import { reportUnexpected } from '../errors.ts';
import { egressCheckFor } from '../run/egress.ts';
import { parseAssignment } from '../run/inputs.ts';
import { strings } from '../values.ts';
import { isBailModifier } from './options.ts';
import { openCollectionReporters, planCollectionReporters } from './reporters.ts';

const EXIT_SIGNAL = { SIGINT: 130, SIGTERM: 143 } as const;

export async function runCollectionCommand(input: CommandInput): Promise<number> {
  const { values } = input;
  const file = input.positionals.find((arg) => !isBailModifier(arg, input)) as string;
  const iterationCount = whole(values['iteration-count'], '--iteration-count', 1);
  const timeoutMs = whole(values.timeout, '--timeout', 0);
  const timeoutRequestMs = whole(values['timeout-request'], '--timeout-request', 0);
  const timeoutScriptMs = whole(values['timeout-script'], '--timeout-script', 0);
  const delayRequestMs = whole(values['delay-request'], '--delay-request', 0);
  const envVars = pairs(values['env-var'], '--env-var');
  const globalVars = pairs(values['global-var'], '--global-var');
  const folders = strings(values.folder);
  const egressCheck = await egressCheckFor(values);

  const loaded = await loadCollectionFile(file);
  if (!loaded.ok) {
    for (const error of loaded.errors) process.stderr.write(`${formatCollectionError(error)}\n`);
    process.stderr.write(`\n${file}: invalid collection; nothing was run.\n`);
    return EXIT.invalid;
  }
  const { collection } = loaded;
  const environment = await variableFile(values.environment, 'environment');
  const globals = await variableFile(values.globals, 'globals');
  const iterationData = await dataRows(values['iteration-data']);
  try {
    planRun(collection, { folders });
  } catch (error) {
    if (error instanceof EntryPointError) throw new UsageError(`--folder: ${error.message}`);
    throw error;
  }

  // Loaded only now, like the engine for suites: usage mistakes are reported without waiting for it.
  const { runCollection } = await import('../../core/postman/run/run-collection.ts');
  const { secretMaskerFor } = await import('../../core/postman/run/secrets.ts');
  const masker = secretMaskerFor({ collection, environment, globals });
  const plan = await planCollectionReporters(values);
  const reporters = await openCollectionReporters(plan, collection, (value) => masker.maskDeep(value));

  const controller = new AbortController();
  let stoppedBy: keyof typeof EXIT_SIGNAL | undefined;
  const onSignal = (signal: keyof typeof EXIT_SIGNAL): void => {
    if (stoppedBy) process.exit(EXIT_SIGNAL[signal]);
    stoppedBy = signal;
    process.stderr.write('\nInterrupted: stopping, writing reports (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let reported = false;
  const guard = (fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      if (!reported) reportUnexpected('reporter failed', error);
      reported = true;
    }
  };
  try {
    const result = await runCollection({
      collection,
      file,
      ...(environment ? { environment } : {}),
      ...(globals ? { globals } : {}),
      envVars,
      globalVars,
      ...(iterationData ? { iterationData } : {}),
      ...(iterationCount ? { iterationCount } : {}),
      folders,
      workingDir: path.resolve(typeof values['working-dir'] === 'string' ? values['working-dir'] : '.'),
      restrictFiles: values['no-insecure-file-read'] === true,
      http: { insecure: values.insecure === true, ...(egressCheck ? { egressCheck } : {}) },
      ...(timeoutMs ? { timeoutMs } : {}),
      timeoutRequestMs,
      ...(timeoutScriptMs ? { timeoutScriptMs } : {}),
      delayRequestMs,
      bail: values.bail === true,
      ignoreRedirects: values['ignore-redirects'] === true,
      signal: controller.signal,
      masker,
      onEvent: (event) => guard(() => reporters.pretty?.onEvent(event)),
      onExecution: (execution) => {
        for (const reporter of reporters.collection) guard(() => reporter.onExecution(execution));
        if (values.verbose === true) writeConsole(execution);
      },
    });
    for (const reporter of reporters.collection) await reporter.finish(result);
    await reporters.close();
    await exportScope(values['export-environment'], 'environment', environment, result.environment);
    await exportScope(values['export-globals'], 'globals', globals, result.globals);
    if (stoppedBy) return EXIT_SIGNAL[stoppedBy];
    if (result.summary.status === 'passed' || values['suppress-exit-code'] === true) return EXIT.ok;
    return EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `--verbose`: what the scripts logged, one line per call, on stderr so that stdout stays the report. */
function writeConsole(execution: ItemExecution): void {
  for (const entry of execution.console) {
    const text = entry.args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
    process.stderr.write(`[console.${entry.level}] ${execution.item.fullName}: ${text}\n`);
  }
}

async function variableFile(
  value: unknown,
  kind: 'environment' | 'globals',
): Promise<VariableFile | undefined> {
  if (typeof value !== 'string') return undefined;
  try {
    return await loadVariableFile(value, kind);
  } catch (error) {
    if (error instanceof VariableFileError) throw new UsageError(`--${kind}: ${error.message}`);
    throw error;
  }
}

async function dataRows(value: unknown): Promise<VariableMap[] | undefined> {
  if (typeof value !== 'string') return undefined;
  const { loadIterationData, IterationDataError } = await import(
    '../../core/postman/collection/iteration-data.ts'
  );
  try {
    return await loadIterationData(value);
  } catch (error) {
    if (error instanceof IterationDataError) throw new UsageError(`--iteration-data: ${error.message}`);
    throw error;
  }
}

/** `--export-environment` / `--export-globals`: a Postman export of the scope as the run left it. */
async function exportScope(
  target: unknown,
  kind: 'environment' | 'globals',
  source: VariableFile | undefined,
  values: VariableMap,
): Promise<void> {
  if (typeof target !== 'string') return;
  const document = {
    ...(source?.id ? { id: source.id } : {}),
    name: source?.name ?? kind,
    values: Object.entries(values).map(([key, value]) => ({
      key,
      value,
      type: typeOf(value),
      enabled: true,
    })),
    _postman_variable_scope: kind,
    _postman_exported_at: new Date().toISOString(),
    _postman_exported_using: 'Assay',
  };
  try {
    await writeFile(target, `${JSON.stringify(document, null, 2)}\n`);
  } catch (error) {
    process.stderr.write(
      `assay: --export-${kind} ${target}: cannot write (${(error as NodeJS.ErrnoException).code ?? 'error'})\n`,
    );
  }
}

function typeOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? typeof value
    : 'any';
}

function whole(value: unknown, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new UsageError(`${flag} '${text}': expected a whole number${min > 0 ? ` of at least ${min}` : ''}`);
  }
  return Number(text);
}

function pairs(value: unknown, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const text of strings(value)) {
    const [key, v] = parseAssignment(text, flag);
    out[key] = v;
  }
  return out;
}
