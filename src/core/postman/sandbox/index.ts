/**
 * # Postman script sandbox
 *
 * Runs Postman pre-request and test scripts with Newman's semantics inside an isolated-vm isolate: no
 * `process`, no `require` beyond the bundled libraries, no file system, no network except `pm.sendRequest`
 * through the host's bridge; a heap limit and a time limit per script.
 *
 * ```ts
 * const sandbox = await createScriptSandbox({ timeoutMs: 5000, memoryLimitMb: 64, sendRequest });
 * const out = await sandbox.execute({
 *   event: 'test',
 *   scripts: [collectionTest, folderTest, itemTest],      // already in run order
 *   request: { url, method, headers: [{ key, value }], body },
 *   response: { code: 200, status: 'OK', headers, body, responseTime: 12 },
 *   variables: { globals, environment, collectionVariables, iterationData, local },
 *   info: { requestName, requestId, iteration: 0, iterationCount: 1 },
 *   cookies: [],
 * });
 * // out.tests, out.scriptErrors, out.variables, out.request, out.nextRequest, out.skipRequest, out.console
 * sandbox.dispose();
 * ```
 *
 * - One sandbox per run: the isolate, the context and the runtime (pm API, chai, libraries) are booted
 *   once; each script source is compiled once and cached by its text. Data crosses as JSON strings.
 *   Like postman-sandbox, the context persists across executions: a global assigned by one script (e.g.
 *   `utils = {…}` in a collection script) is visible to later ones.
 * - Each script of the list runs as its own function. A throw, a syntax error or a time-out is a script
 *   error (`scriptErrors`, with the script's index and line/column when known), never a failed test; the
 *   following scripts still run unless `stopOnScriptError` is set. `pm.execution.skipRequest()` in a
 *   pre-request script stops the remaining scripts. Variable changes made before an error are kept.
 * - The time limit covers a script's synchronous part and the work it leaves pending: timers,
 *   `pm.sendRequest` callbacks and promises, `pm.test` callbacks taking `done` or returning a promise.
 *   A never-ending loop is stopped by the isolate; never-settling work by the deadline. Tests still pending
 *   then are failed.
 * - Exceeding the memory limit loses the isolate: that execution returns its input variables and request
 *   unchanged with one `memory` script error, and the next execution boots a fresh isolate.
 * - Tests are listed in declaration order. Legacy `tests[name] = value` entries are recorded after the
 *   script's synchronous part. A `pm.test` callback returning a promise is awaited (Newman does not wait and
 *   would count it as passed).
 *
 * The pm API and the libraries: see `runtime/pm.ts`, `runtime/libraries.ts` and ADR 0010. The runtime is
 * bundled by esbuild into `dist/postman-sandbox.js`, built on first use when missing or stale
 * (`npm run build:sandbox` builds it ahead of time).
 */

export { DYNAMIC_VARIABLE_NAMES, dynamicVariable } from './runtime/dynamic-variables.ts';
export { substitute, type VariableLookup } from './runtime/substitute.ts';
export { createScriptSandbox, DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIMEOUT_MS } from './sandbox.ts';
export type {
  ConsoleLevel,
  PmConsoleEntry,
  PmCookie,
  PmError,
  PmExecutionInfo,
  PmFormDataParam,
  PmKeyValue,
  PmRequestBody,
  PmRequestData,
  PmResponseData,
  PmScriptError,
  PmTestResult,
  PmVariableScopes,
  ScriptErrorKind,
  ScriptEvent,
  ScriptInput,
  ScriptOutput,
  ScriptSandbox,
  ScriptSandboxOptions,
  SendRequestBridge,
  VariableMap,
} from './types.ts';
