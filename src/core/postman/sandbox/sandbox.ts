/**
 * `createScriptSandbox`: runs the scripts of one event, one after the other, each as its own function with
 * its own time limit covering its synchronous part and the async work it leaves (timers, requests, async
 * tests). A script that throws, does not compile or runs out of time is a script error and the next script
 * still runs, as in postman-runtime. Executions of one sandbox are serialised.
 */

import { loadSandboxBundle } from './bundle.ts';
import { bootIsolate, CallTimeoutError, IsolateLostError, type IsolateRuntime } from './isolate.ts';
import type { BeginInput } from './protocol.ts';
import type {
  PmScriptError,
  ScriptErrorKind,
  ScriptInput,
  ScriptOutput,
  ScriptSandbox,
  ScriptSandboxOptions,
} from './types.ts';

export const DEFAULT_MEMORY_LIMIT_MB = 64;
export const DEFAULT_TIMEOUT_MS = 5000;

function scriptErrorJson(kind: ScriptErrorKind, message: string, async: boolean, name = 'Error'): string {
  return JSON.stringify({ name, message, kind, async });
}

/** What an execution returns when its isolate had to be dropped: the input unchanged and one script error. */
function failedOutput(input: ScriptInput, error: PmScriptError): ScriptOutput {
  return {
    tests: [],
    scriptErrors: [error],
    variables: input.variables,
    request: input.request,
    skipRequest: false,
    console: [],
  };
}

/** Waits until the runtime reports no pending async work, or the deadline passes. */
function waitForIdle(runtime: IsolateRuntime, deadline: number): Promise<'idle' | 'timeout' | Error> {
  const { signals } = runtime;
  return new Promise((resolve) => {
    const finish = (outcome: 'idle' | 'timeout' | Error) => {
      clearTimeout(timer);
      signals.wake = undefined;
      resolve(outcome);
    };
    const timer = setTimeout(() => finish('timeout'), Math.max(0, deadline - performance.now()));
    signals.wake = () => {
      if (signals.failure) finish(signals.failure);
      else if (!signals.busy) finish('idle');
    };
    signals.wake();
  });
}

async function runScripts(
  runtime: IsolateRuntime,
  input: ScriptInput,
  timeoutMs: number,
  progress: { index: number },
): Promise<ScriptOutput> {
  const compiled = input.scripts.map((source) =>
    source.trim() === '' ? undefined : runtime.compile(source),
  );
  const begin: BeginInput = {
    event: input.event,
    request: input.request,
    variables: input.variables,
    info: input.info,
    cookies: input.cookies ?? [],
  };
  let responseBody: string | undefined;
  if (input.event === 'test' && input.response) {
    const { body, ...meta } = input.response;
    begin.response = meta;
    responseBody = body;
  }
  runtime.nextEpoch(performance.now() + timeoutMs);
  runtime.call('begin', [JSON.stringify(begin), responseBody], timeoutMs);
  runtime.signals.skip = false;

  for (let index = 0; index < compiled.length && !runtime.signals.skip; index++) {
    const script = compiled[index];
    if (!script) continue;
    progress.index = index;
    if ('error' in script) {
      runtime.call('abort', [index, JSON.stringify(script.error)], timeoutMs);
      if (input.stopOnScriptError) break;
      continue;
    }
    const deadline = performance.now() + timeoutMs;
    runtime.nextEpoch(deadline);
    try {
      runtime.call('run', [script.fnId, index], timeoutMs);
    } catch (error) {
      if (!(error instanceof CallTimeoutError)) throw error;
      const message = `sandbox: synchronous script execution timeout (${timeoutMs} ms)`;
      runtime.clearTimers();
      runtime.call('abort', [index, scriptErrorJson('timeout', message, false)], timeoutMs);
      if (input.stopOnScriptError) break;
      continue;
    }
    if (runtime.signals.busy) {
      const outcome = await waitForIdle(runtime, deadline);
      if (outcome !== 'idle') {
        // A lost isolate or a broken runtime ends the execution; a time-out ends only this script.
        if (outcome instanceof Error && !(outcome instanceof CallTimeoutError)) throw outcome;
        const which = outcome === 'timeout' ? 'asynchronous' : 'synchronous';
        const message = `sandbox: ${which} script execution timeout (${timeoutMs} ms)`;
        runtime.clearTimers();
        runtime.call('abort', [index, scriptErrorJson('timeout', message, true)], timeoutMs);
        if (input.stopOnScriptError) break;
      }
    }
    runtime.clearTimers();
    if (runtime.signals.errored && input.stopOnScriptError) break;
  }
  runtime.nextEpoch(performance.now() + timeoutMs);
  return JSON.parse(runtime.call('end', [], timeoutMs) as string) as ScriptOutput;
}

/** Creates a sandbox: one isolate and one context, booted once and reused by every `execute`. */
export async function createScriptSandbox(options: ScriptSandboxOptions = {}): Promise<ScriptSandbox> {
  const bundle = await loadSandboxBundle();
  const memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const boot = () =>
    bootIsolate({ code: bundle.code, key: bundle.key, memoryLimitMb, sendRequest: options.sendRequest });
  let runtime: IsolateRuntime | undefined = boot();
  let disposed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const executeNow = async (input: ScriptInput): Promise<ScriptOutput> => {
    if (disposed) throw new Error('the script sandbox was disposed');
    runtime ??= boot();
    const current = runtime;
    const progress = { index: 0 };
    try {
      return await runScripts(current, input, timeoutMs, progress);
    } catch (error) {
      // The isolate is gone (memory limit), or its runtime no longer works (a script may have broken the
      // built-ins it relies on in the shared context): the next execution boots a fresh one.
      current.dispose();
      if (runtime === current) runtime = undefined;
      const scriptIndex = progress.index;
      if (error instanceof IsolateLostError) {
        const message = `${error.message} (${memoryLimitMb} MB)`;
        return failedOutput(input, {
          name: 'RangeError',
          message,
          kind: 'memory',
          scriptIndex,
          async: false,
        });
      }
      const message = `the sandbox runtime failed: ${error instanceof Error ? error.message : String(error)}`;
      return failedOutput(input, { name: 'Error', message, kind: 'error', scriptIndex, async: false });
    }
  };

  return {
    execute(input) {
      const result = queue.then(() => executeNow(input));
      queue = result.catch(() => undefined);
      return result;
    },
    dispose() {
      disposed = true;
      runtime?.dispose();
      runtime = undefined;
    },
  };
}
