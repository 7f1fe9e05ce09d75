/**
 * What a collection run reports besides the engine's RunEvents: one `ItemExecution` per request item run,
 * in the terms Newman's reporters use (cursor, request, response, assertions, script errors), and Newman's
 * run statistics at the end. Executions are handed out one at a time and not kept.
 */
import type { BodyExcerpt, RunSummary, StepError, Timings } from '../../runner/model.ts';
import type {
  PmConsoleEntry,
  PmKeyValue,
  PmScriptError,
  PmTestResult,
  VariableMap,
} from '../sandbox/index.ts';

export interface ExecutionCursor {
  /** Index of the item in the run order. */
  position: number;
  /** 0-based. */
  iteration: number;
  /** Items in the run order. */
  length: number;
  /** Iterations of the run. */
  cycles: number;
  /** Unique per execution. */
  ref: string;
}

export interface ExecutedRequest {
  method: string;
  url: string;
  headers: PmKeyValue[];
  body?: BodyExcerpt;
}

export interface ExecutedResponse {
  code: number;
  status: string;
  headers: PmKeyValue[];
  /** Milliseconds, whole. */
  responseTime: number;
  /** Bytes of the decoded body. */
  responseSize: number;
  body: BodyExcerpt;
  timings: Timings;
}

export interface ScriptEventOutcome {
  /** Scripts run for this event (collection, folders, item). */
  scripts: number;
  errors: PmScriptError[];
}

export interface ItemExecution {
  cursor: ExecutionCursor;
  item: { id: string; name: string; fullName: string };
  parent?: { id: string; name: string };
  /** `pm.execution.skipRequest()`: no request, no test scripts (Newman records no execution). */
  skipped: boolean;
  request?: ExecutedRequest;
  response?: ExecutedResponse;
  requestError?: StepError;
  prerequest: ScriptEventOutcome;
  /** Absent when the test scripts did not run (skipped item, or a stop after an error with --bail). */
  test?: ScriptEventOutcome;
  /** Tests of both events in declaration order; `scriptIndex` refers to that event's script list. */
  tests: (PmTestResult & { event: 'prerequest' | 'test' })[];
  console: PmConsoleEntry[];
}

export interface Counter {
  total: number;
  pending: number;
  failed: number;
}

/** Newman's `run.stats`. */
export interface CollectionStats {
  iterations: Counter;
  items: Counter;
  scripts: Counter;
  prerequests: Counter;
  requests: Counter;
  tests: Counter;
  assertions: Counter;
  testScripts: Counter;
  prerequestScripts: Counter;
}

/** Newman's `run.timings`: milliseconds, `started`/`completed` as epoch milliseconds. */
export interface CollectionTimings {
  responseAverage: number;
  responseMin: number;
  responseMax: number;
  responseSd: number;
  dnsAverage: number;
  dnsMin: number;
  dnsMax: number;
  dnsSd: number;
  firstByteAverage: number;
  firstByteMin: number;
  firstByteMax: number;
  firstByteSd: number;
  started: number;
  completed: number;
}

export interface CollectionRunResult {
  summary: RunSummary;
  stats: CollectionStats;
  timings: CollectionTimings;
  transfers: { responseTotal: number };
  /** The scopes as the run left them (for `--export-environment`, `--export-globals`). */
  environment: VariableMap;
  globals: VariableMap;
  collectionVariables: VariableMap;
}

/** Auth parameters with `{{variables}}` resolved; booleans stay booleans (`addParamsToHeader`). */
export type AuthParams = Record<string, string | boolean | undefined>;
