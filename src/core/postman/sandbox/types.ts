/** Data exchanged with the Postman script sandbox. Everything here is plain JSON: it crosses the isolate boundary as text. */

/** A variable scope as a plain map. Values are whatever scripts stored (strings mostly, any JSON value allowed). */
export type VariableMap = Record<string, unknown>;

export type ScriptEvent = 'prerequest' | 'test';

/** A header, query parameter or urlencoded field, as in a Postman collection. */
export interface PmKeyValue {
  key: string;
  value: string;
  disabled?: boolean;
  description?: string;
}

export interface PmFormDataParam {
  key: string;
  value?: string;
  src?: string | string[] | null;
  type?: 'text' | 'file';
  contentType?: string;
  disabled?: boolean;
}

export interface PmRequestBody {
  mode: 'raw' | 'urlencoded' | 'formdata' | 'file' | 'graphql' | 'none';
  raw?: string;
  urlencoded?: PmKeyValue[];
  formdata?: PmFormDataParam[];
  file?: { src?: string | null; content?: string };
  graphql?: { query?: string; variables?: string };
  options?: Record<string, unknown>;
  disabled?: boolean;
}

/** The request a script sees (and, in a pre-request script, may change). */
export interface PmRequestData {
  /** The URL as text, `{{variables}}` included when they are not resolved yet. */
  url: string;
  method: string;
  headers: PmKeyValue[];
  body?: PmRequestBody | null;
  /** Values of `:name` path segments (Postman's `url.variable`). */
  urlVariables?: PmKeyValue[];
}

export interface PmCookie {
  name: string;
  value: string;
  domain?: string;
  path?: string;
  expires?: string | null;
  httpOnly?: boolean;
  secure?: boolean;
  hostOnly?: boolean;
  session?: boolean;
}

export interface PmResponseData {
  code: number;
  /** Reason phrase; when empty the standard one for the code is used. */
  status?: string;
  headers: PmKeyValue[];
  /** The decoded body text. */
  body: string;
  /** Milliseconds. */
  responseTime: number;
  /** Bytes of the body as received; defaults to the UTF-8 length of `body`. */
  responseSize?: number;
  cookies?: PmCookie[];
}

export interface PmVariableScopes {
  globals: VariableMap;
  environment: VariableMap;
  collectionVariables: VariableMap;
  iterationData: VariableMap;
  /** `pm.variables.set` writes here; it lives for one item (pre-request → request → test). */
  local: VariableMap;
}

export interface PmExecutionInfo {
  requestName: string;
  requestId: string;
  /** 0-based. */
  iteration: number;
  iterationCount: number;
  /** Names of the folders and the item, outermost first (`pm.execution.location`). */
  location?: string[];
  /** `pm.environment.name`. */
  environmentName?: string;
}

export interface ScriptInput {
  event: ScriptEvent;
  /** Script sources, already in run order: collection → folders → item. Empty strings are skipped. */
  scripts: string[];
  request: PmRequestData;
  /** Required for `test`, ignored for `prerequest`. */
  response?: PmResponseData;
  variables: PmVariableScopes;
  info: PmExecutionInfo;
  /** Cookies of the jar for the request's URL (`pm.cookies`). */
  cookies?: PmCookie[];
  /** Stop running the remaining scripts of this event after a script error (postman-runtime `stopOnScriptError`). */
  stopOnScriptError?: boolean;
}

export interface PmError {
  name: string;
  message: string;
}

export interface PmTestResult {
  name: string;
  passed: boolean;
  skipped: boolean;
  error?: PmError;
  /** Index in `ScriptInput.scripts` of the script that declared the test. */
  scriptIndex: number;
}

export type ScriptErrorKind = 'error' | 'syntax' | 'timeout' | 'memory';

export interface PmScriptError extends PmError {
  kind: ScriptErrorKind;
  scriptIndex: number;
  /** 1-based position in the script source, when known. */
  line?: number;
  column?: number;
  /** True when thrown from a timer, a `pm.sendRequest` callback or after the script's synchronous part. */
  async: boolean;
}

export type ConsoleLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

export interface PmConsoleEntry {
  level: ConsoleLevel;
  /** Arguments made JSON-safe (functions, cycles and `undefined` are described as text). */
  args: unknown[];
  scriptIndex: number;
}

export interface ScriptOutput {
  /** `pm.test` and legacy `tests[…]` results, in the order the tests were declared. */
  tests: PmTestResult[];
  scriptErrors: PmScriptError[];
  /** All scopes after the scripts ran. */
  variables: PmVariableScopes;
  /** The request after the scripts ran (pre-request scripts may change it). */
  request: PmRequestData;
  /** Absent: not called. `null`: stop the run after this item. A string: the name or id of the next item. */
  nextRequest?: string | null;
  /** `pm.execution.skipRequest()` was called in a pre-request script. */
  skipRequest: boolean;
  console: PmConsoleEntry[];
}

/** Sends a request for `pm.sendRequest`. Rejections reach the script as the callback's `err` or a rejected promise. */
export type SendRequestBridge = (request: PmRequestData) => Promise<PmResponseData>;

export interface ScriptSandboxOptions {
  /** Heap limit of the isolate; exceeding it is a script error and the isolate is rebuilt. Default 64. */
  memoryLimitMb?: number;
  /** Time limit per script, synchronous part and awaited async work together (Newman's `--timeout-script`). Default 5000. */
  timeoutMs?: number;
  /** Without it, `pm.sendRequest` fails with an error passed to the script. */
  sendRequest?: SendRequestBridge;
}

export interface ScriptSandbox {
  /** Runs the scripts of one event; never rejects for script problems (they are in `scriptErrors`). */
  execute(input: ScriptInput): Promise<ScriptOutput>;
  dispose(): void;
}
