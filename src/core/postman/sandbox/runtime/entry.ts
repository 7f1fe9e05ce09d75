/**
 * Boot of the in-isolate runtime: installs the globals, then hands the host the `RuntimeApi` through a
 * global that the host reads and deletes. Bundled with the libraries into one script by `../build.ts`.
 */
import { type BeginInput, RUNTIME_API_GLOBAL, type RuntimeApi } from '../protocol.ts';
import type { PmRequestData, PmScriptError, ScriptOutput } from '../types.ts';
import { installConsole } from './console.ts';
import { captureHost } from './host.ts';
import { setupLegacy } from './legacy.ts';
import { defineLibraryGlobals } from './libraries.ts';
import { createPm, installScriptGlobals } from './pm.ts';
import { installPolyfills } from './polyfills.ts';
import { COOKIE_LIST, createList } from './property-list.ts';
import { createRequest } from './request.ts';
import { createResponse } from './response.ts';
import { dropRequests, respond } from './send-request.ts';
import { dropAsync, type ExecutionState, recordScriptError, setState, state } from './state.ts';
import { failPendingTests, recordLegacyTests } from './tests.ts';
import { dropTimers, fireTimer, installTimers } from './timers.ts';
import { createScopes, exportScopes } from './variables.ts';

// Kept before any script runs: a script replacing JSON.* must not corrupt the protocol.
const { parse, stringify } = JSON;

captureHost();
installPolyfills();
installTimers();
installConsole();
defineLibraryGlobals();

const scripts = new Map<number, () => void>();
let inputRequest: PmRequestData | undefined;

function serialize(output: ScriptOutput): string {
  try {
    return stringify(output);
  } catch {
    const seen = new WeakSet<object>();
    return stringify(output, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value !== null && typeof value === 'object') {
        if (seen.has(value)) return '[Circular]';
        seen.add(value);
      }
      return value;
    });
  }
}

function finalRequest(s: ExecutionState): PmRequestData {
  try {
    return s.request.toJSON();
  } catch (error) {
    recordScriptError(error, false);
    return inputRequest as PmRequestData;
  }
}

const api: RuntimeApi = {
  register(fnId, fn) {
    scripts.set(fnId, fn);
  },
  begin(inputJson, responseBody) {
    dropTimers();
    dropRequests();
    const input = parse(inputJson) as BeginInput;
    inputRequest = input.request;
    const s: ExecutionState = {
      event: input.event,
      info: input.info,
      scopes: createScopes(input.variables, input.info.environmentName),
      request: createRequest(input.request),
      response:
        input.event === 'test' && input.response
          ? createResponse(input.response, responseBody ?? '')
          : undefined,
      cookies: createList(COOKIE_LIST, input.cookies),
      scriptIndex: 0,
      fileId: -1,
      epoch: 0,
      pending: 0,
      tests: [],
      scriptErrors: [],
      console: [],
      consoleDropped: 0,
      nextRequest: undefined,
      nextRequestSet: false,
      skipRequest: false,
    };
    setState(s);
    installScriptGlobals(createPm(s));
  },
  run(fnId, scriptIndex) {
    const s = state();
    s.scriptIndex = scriptIndex;
    s.fileId = fnId;
    s.epoch++;
    s.pending = 0;
    const script = scripts.get(fnId);
    if (!script) throw new Error(`sandbox runtime: unknown script ${fnId}`);
    const tests = setupLegacy();
    try {
      script.call(undefined);
    } catch (error) {
      recordScriptError(error, false);
    }
    recordLegacyTests(tests);
  },
  fire: fireTimer,
  respond,
  abort(scriptIndex, errorJson) {
    const s = state();
    const error = parse(errorJson) as Omit<PmScriptError, 'scriptIndex'>;
    s.scriptErrors.push({ ...error, scriptIndex });
    failPendingTests(scriptIndex, error.message);
    dropTimers();
    dropRequests();
    dropAsync();
  },
  end() {
    const s = state();
    dropTimers();
    dropRequests();
    const output: ScriptOutput = {
      tests: s.tests.map(({ settled: _settled, ...test }) => test),
      scriptErrors: s.scriptErrors,
      variables: exportScopes(s.scopes),
      request: finalRequest(s),
      skipRequest: s.skipRequest,
      console: s.console,
    };
    if (s.nextRequestSet) output.nextRequest = s.nextRequest;
    if (s.consoleDropped > 0) {
      output.console.push({
        level: 'warn',
        args: [`${s.consoleDropped} further console messages were dropped`],
        scriptIndex: s.scriptIndex,
      });
    }
    setState(undefined);
    return serialize(output);
  },
};

(globalThis as Record<string, unknown>)[RUNTIME_API_GLOBAL] = api;
