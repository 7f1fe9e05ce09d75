/**
 * The state of the execution in progress. The isolate runs one execution at a time, so a module-level
 * value is enough; `begin` replaces it.
 *
 * Async work (timers, `pm.sendRequest`, asynchronous tests) is counted: the host waits while the count is
 * above zero. Each piece of work remembers the epoch it started in; when a script times out the epoch
 * moves on and late completions of that script are ignored.
 */
import { HOST_BUSY, HOST_IDLE, HOST_SCRIPT_ERROR } from '../protocol.ts';
import type {
  PmConsoleEntry,
  PmExecutionInfo,
  PmScriptError,
  PmTestResult,
  ScriptErrorKind,
  ScriptEvent,
} from '../types.ts';
import { locateInScript, toPmError } from './errors.ts';
import { toHost } from './host.ts';
import type { PropertyList } from './property-list.ts';
import type { RequestModel } from './request.ts';
import type { ResponseModel } from './response.ts';
import type { Scopes } from './variables.ts';

export interface TestRecord extends PmTestResult {
  settled: boolean;
}

export interface ExecutionState {
  event: ScriptEvent;
  info: PmExecutionInfo;
  scopes: Scopes;
  request: RequestModel;
  response: ResponseModel | undefined;
  cookies: PropertyList;
  scriptIndex: number;
  /** Id of the compiled function running now, to find its frames in stacks. */
  fileId: number;
  epoch: number;
  pending: number;
  tests: TestRecord[];
  scriptErrors: PmScriptError[];
  console: PmConsoleEntry[];
  consoleDropped: number;
  nextRequest: string | null | undefined;
  nextRequestSet: boolean;
  skipRequest: boolean;
}

let current: ExecutionState | undefined;

export function state(): ExecutionState {
  if (!current) throw new Error('sandbox runtime: no execution in progress');
  return current;
}

export function setState(next: ExecutionState | undefined): void {
  current = next;
}

/** Counts one piece of async work; returns the token to settle it with. */
export function trackAsync(): number {
  const s = state();
  s.pending++;
  if (s.pending === 1) toHost(HOST_BUSY);
  return s.epoch;
}

/** Settles one piece of async work; false when it belongs to a script that was already given up on. */
export function settleAsync(token: number): boolean {
  const s = current;
  if (!s || token !== s.epoch) return false;
  s.pending--;
  if (s.pending === 0) toHost(HOST_IDLE);
  return true;
}

export function isCurrent(token: number): boolean {
  return current !== undefined && current.epoch === token;
}

/** Forgets all pending async work of the current script. */
export function dropAsync(): void {
  const s = state();
  s.epoch++;
  if (s.pending > 0) {
    s.pending = 0;
    toHost(HOST_IDLE);
  }
}

export function recordScriptError(thrown: unknown, async: boolean, kind: ScriptErrorKind = 'error'): void {
  const s = state();
  const error: PmScriptError = { ...toPmError(thrown), kind, scriptIndex: s.scriptIndex, async };
  const at = locateInScript(thrown, s.fileId);
  if (at) {
    error.line = at.line;
    error.column = at.column;
  }
  s.scriptErrors.push(error);
  toHost(HOST_SCRIPT_ERROR);
}
