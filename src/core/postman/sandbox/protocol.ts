/**
 * The calls between the host and the runtime inside the isolate. Arguments are primitives (JSON text for
 * structures) so that each call copies a few strings instead of walking objects through references.
 */
import type {
  PmCookie,
  PmExecutionInfo,
  PmRequestData,
  PmResponseData,
  PmVariableScopes,
  ScriptEvent,
} from './types.ts';

/** What `begin` receives as JSON; the response body travels as a separate string argument. */
export interface BeginInput {
  event: ScriptEvent;
  request: PmRequestData;
  response?: Omit<PmResponseData, 'body'>;
  variables: PmVariableScopes;
  info: PmExecutionInfo;
  cookies: PmCookie[];
}

/** Functions the runtime exposes; the host holds references to them and removes them from the global object. */
export interface RuntimeApi {
  /** Keeps a compiled script function under the id its file name carries. */
  register(fnId: number, fn: () => void): void;
  begin(inputJson: string, responseBody: string | undefined): void;
  /** Runs the synchronous part of one script. */
  run(fnId: number, scriptIndex: number): void;
  /** A host timer elapsed. */
  fire(timerId: number): void;
  /** A `pm.sendRequest` finished: either `errorJson` or `responseJson` + `body` is set. */
  respond(requestId: number, errorJson: string, responseJson: string, body: string): void;
  /** Records a script error for a script that could not run or finish, and drops its pending work. */
  abort(scriptIndex: number, errorJson: string): void;
  /** Returns the `ScriptOutput` as JSON. */
  end(): string;
}

/** Messages from the runtime to the host, sent through one host callback `(kind, id, data)`. */
export const HOST_BUSY = 1; // pending async work went from none to some
export const HOST_IDLE = 2; // pending async work went back to none
export const HOST_TIMER = 3; // start timer `id` for `data` ms (data is the delay as text)
export const HOST_CLEAR_TIMER = 4;
export const HOST_SEND = 5; // start request `id`; data is the PmRequestData JSON
export const HOST_SKIP = 6; // pm.execution.skipRequest() was called
export const HOST_SCRIPT_ERROR = 7; // a script error was recorded for the current script
export const HOST_INTERVAL = 8; // like HOST_TIMER, repeating until cleared

/** Global names used once while the bundle boots; the runtime deletes both. */
export const HOST_CALLBACK_GLOBAL = '__assayHost';
export const RUNTIME_API_GLOBAL = '__assayRuntime';

/** Scripts are compiled under names like `script-12.js` so that stack frames can be traced back to them. */
export const SCRIPT_FILE_PREFIX = 'script-';
