/**
 * One isolate with the runtime booted in one context, reused for every execution of a sandbox. The host
 * side of the protocol: compiled scripts cached by source text, the timers and requests the runtime asks
 * for, and the signals it sends (busy/idle, skip, script error).
 */
import ivm from 'isolated-vm';
import {
  HOST_BUSY,
  HOST_CALLBACK_GLOBAL,
  HOST_CLEAR_TIMER,
  HOST_IDLE,
  HOST_INTERVAL,
  HOST_SCRIPT_ERROR,
  HOST_SEND,
  HOST_SKIP,
  HOST_TIMER,
  RUNTIME_API_GLOBAL,
  type RuntimeApi,
  SCRIPT_FILE_PREFIX,
} from './protocol.ts';
import type { PmRequestData, PmScriptError, SendRequestBridge } from './types.ts';

/** The isolate was disposed (memory limit): everything in it is gone. */
export class IsolateLostError extends Error {
  override name = 'IsolateLostError';
}

/** A call into the isolate ran past its time limit. */
export class CallTimeoutError extends Error {
  override name = 'CallTimeoutError';
}

export type CompiledScript = { fnId: number } | { error: Omit<PmScriptError, 'scriptIndex'> };

export interface Signals {
  busy: boolean;
  skip: boolean;
  errored: boolean;
  /** Set while the host waits for async work; called after each delivery. */
  wake: (() => void) | undefined;
  /** A delivery hit a time limit or lost the isolate; the waiting execution picks it up. */
  failure: Error | undefined;
}

type ApiName = keyof RuntimeApi;

export interface IsolateRuntime {
  signals: Signals;
  compile(source: string): CompiledScript;
  call(name: ApiName, args: (string | number | undefined)[], timeoutMs: number): unknown;
  /** Starts a new epoch: results of timers and requests from before are dropped. */
  nextEpoch(deadline: number): void;
  clearTimers(): void;
  dispose(): void;
}

interface CodeCache {
  key: string;
  data: ivm.ExternalCopy<ArrayBuffer>;
}

let codeCache: CodeCache | undefined;

const API_NAMES: ApiName[] = ['register', 'begin', 'run', 'fire', 'respond', 'abort', 'end'];

type CompiledRuntime = ivm.Script & ivm.CachedDataResult & { cachedDataRejected?: boolean };

/** V8's code cache of the bundle is kept per process: later isolates boot in a fraction of the time. */
function compileRuntime(isolate: ivm.Isolate, code: string, key: string): ivm.Script {
  const cached = codeCache?.key === key ? codeCache.data : undefined;
  if (cached) {
    const script = isolate.compileScriptSync(code, {
      filename: 'postman-sandbox.js',
      cachedData: cached,
    }) as CompiledRuntime;
    if (!script.cachedDataRejected) return script;
  }
  const script = isolate.compileScriptSync(code, {
    filename: 'postman-sandbox.js',
    produceCachedData: true,
  }) as CompiledRuntime;
  if (script.cachedData) codeCache = { key, data: script.cachedData };
  return script;
}

function syntaxError(error: unknown): Omit<PmScriptError, 'scriptIndex'> {
  const message = error instanceof Error ? error.message : String(error);
  const at = /\s*\[[^\]]*?:(\d+):(\d+)]$/.exec(message);
  const out: Omit<PmScriptError, 'scriptIndex'> = {
    name: error instanceof Error ? error.name : 'SyntaxError',
    message: at ? message.slice(0, at.index) : message,
    kind: 'syntax',
    async: false,
  };
  if (at) {
    out.line = Number(at[1]);
    out.column = Number(at[2]);
  }
  return out;
}

function errorJson(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return JSON.stringify({ name, message });
}

export function bootIsolate(options: {
  code: string;
  key: string;
  memoryLimitMb: number;
  sendRequest: SendRequestBridge | undefined;
}): IsolateRuntime {
  const isolate = new ivm.Isolate({ memoryLimit: options.memoryLimitMb });
  const context = isolate.createContextSync();
  const signals: Signals = { busy: false, skip: false, errored: false, wake: undefined, failure: undefined };
  const timers = new Map<number, { handle: NodeJS.Timeout; interval: boolean }>();
  const scripts = new Map<string, CompiledScript>();
  let epoch = 0;
  let deadline = 0;
  let nextFnId = 1;

  const call = (name: ApiName, args: (string | number | undefined)[], timeoutMs: number): unknown => {
    try {
      return api[name].applySync(undefined, args, { timeout: Math.max(1, Math.ceil(timeoutMs)) });
    } catch (error) {
      if (isolate.isDisposed) throw new IsolateLostError('the script exceeded the sandbox memory limit');
      if (error instanceof Error && /timed out/i.test(error.message))
        throw new CallTimeoutError(error.message);
      throw error;
    }
  };

  /** Runs a delivery (timer, response) into the isolate; failures are handed to the waiting execution. */
  const deliver = (name: ApiName, args: (string | number | undefined)[]) => {
    try {
      call(name, args, deadline - performance.now());
    } catch (error) {
      signals.failure = error instanceof Error ? error : new Error(String(error));
    }
    signals.wake?.();
  };

  const startRequest = (id: number, json: string) => {
    const requestEpoch = epoch;
    const bridge = options.sendRequest;
    Promise.resolve()
      .then(() => {
        if (!bridge) throw new Error('pm.sendRequest is not available: no request bridge is configured');
        return bridge(JSON.parse(json) as PmRequestData);
      })
      .then(
        (response) => {
          if (requestEpoch !== epoch) return;
          const { body, ...meta } = response;
          deliver('respond', [id, '', JSON.stringify(meta), String(body ?? '')]);
        },
        (error: unknown) => {
          if (requestEpoch !== epoch) return;
          deliver('respond', [id, errorJson(error), '', '']);
        },
      );
  };

  const onHost = (kind: number, id: number, data: string): void => {
    switch (kind) {
      case HOST_BUSY:
        signals.busy = true;
        break;
      case HOST_IDLE:
        signals.busy = false;
        break;
      case HOST_TIMER:
      case HOST_INTERVAL: {
        const interval = kind === HOST_INTERVAL;
        const timerEpoch = epoch;
        const fire = () => {
          if (timerEpoch !== epoch) return;
          if (!interval) timers.delete(id);
          deliver('fire', [id]);
        };
        const delay = Number(data);
        timers.set(id, { handle: interval ? setInterval(fire, delay) : setTimeout(fire, delay), interval });
        break;
      }
      case HOST_CLEAR_TIMER: {
        const timer = timers.get(id);
        if (timer) (timer.interval ? clearInterval : clearTimeout)(timer.handle);
        timers.delete(id);
        break;
      }
      case HOST_SEND:
        startRequest(id, data);
        break;
      case HOST_SKIP:
        signals.skip = true;
        break;
      case HOST_SCRIPT_ERROR:
        signals.errored = true;
        break;
    }
  };

  context.global.setSync(HOST_CALLBACK_GLOBAL, new ivm.Callback(onHost));
  compileRuntime(isolate, options.code, options.key).runSync(context, { timeout: 30_000 });
  const apiObject = context.global.getSync(RUNTIME_API_GLOBAL, { reference: true }) as ivm.Reference<
    Record<string, unknown>
  >;
  const api = Object.fromEntries(
    API_NAMES.map((name) => [name, apiObject.getSync(name, { reference: true }) as ivm.Reference<unknown>]),
  ) as Record<ApiName, ivm.Reference<unknown>>;
  context.global.deleteSync(RUNTIME_API_GLOBAL);
  apiObject.release();

  const clearTimers = () => {
    for (const timer of timers.values()) (timer.interval ? clearInterval : clearTimeout)(timer.handle);
    timers.clear();
  };

  return {
    signals,
    call,
    compile(source) {
      const known = scripts.get(source);
      if (known) return known;
      const fnId = nextFnId++;
      let compiled: CompiledScript;
      try {
        // One line of wrapper before the source; lineOffset keeps reported lines those of the source.
        const script = isolate.compileScriptSync(`(function () {\n${source}\n})`, {
          filename: `${SCRIPT_FILE_PREFIX}${fnId}.js`,
          lineOffset: -1,
        });
        const fn = script.runSync(context, { reference: true, timeout: 1000 }) as ivm.Reference<unknown>;
        api.register.applySync(undefined, [fnId, fn.derefInto()]);
        fn.release();
        script.release();
        compiled = { fnId };
      } catch (error) {
        if (isolate.isDisposed) throw new IsolateLostError('the sandbox memory limit was exceeded');
        compiled = { error: syntaxError(error) };
      }
      scripts.set(source, compiled);
      return compiled;
    },
    nextEpoch(until) {
      epoch++;
      deadline = until;
      clearTimers();
      signals.busy = false;
      signals.errored = false;
      signals.failure = undefined;
      signals.wake = undefined;
    },
    clearTimers,
    dispose() {
      epoch++;
      clearTimers();
      if (!isolate.isDisposed) isolate.dispose();
    },
  };
}
