/**
 * The engine's result model: what a run produces, step by step. It is plain data (JSON-serialisable),
 * the JSON reporter writes it as is, and the server stores it. Failures are data: a misbehaving API is a
 * `failed` or `errored` step with its evidence, never an exception.
 */

export type StepStatus = 'passed' | 'failed' | 'errored' | 'skipped';
export type RunStatus = 'passed' | 'failed' | 'errored' | 'cancelled';

/** Phase durations in milliseconds; 0 for a phase that did not happen (reused connection, plain HTTP). */
export interface Timings {
  dns: number;
  connect: number;
  tls: number;
  firstByte: number;
  download: number;
  total: number;
}

export interface BodyExcerpt {
  /** UTF-8 text of at most the excerpt limit; binary bodies are summarised, not dumped. */
  text: string;
  truncated: boolean;
}

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: BodyExcerpt;
}

export interface ReceivedResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: Record<string, string | string[]>;
  /** Decoded body size in bytes. */
  size: number;
  body: BodyExcerpt;
  /** URL of the final response, after redirects. */
  url: string;
  redirects: number;
}

/** `test`: a Postman `pm.test` (target: the test's name), from a collection run. */
export type AssertionKind = 'status' | 'header' | 'json' | 'body' | 'schema' | 'latency' | 'size' | 'test';

export interface AssertionResult {
  kind: AssertionKind;
  /** What is tested: a header name, a JSONPath; absent for status, body, schema, latency, size. */
  target?: string;
  /** The matcher keyword (`equals`, `lt`, …) or `schema`/`status`. */
  matcher: string;
  expected: unknown;
  actual: unknown;
  passed: boolean;
  /** A sentence a person understands: `expected $.name to equal "Ada", got "Bob"`. */
  message: string;
}

export interface StepError {
  /** Stable machine code: `ECONNREFUSED`, `TIMEOUT`, `TEMPLATE`, `TOO_MANY_REDIRECTS`, … */
  code: string;
  message: string;
}

export interface StepResult {
  suite: string;
  step: string;
  /** Position of the step in the suite, from 0. */
  index: number;
  /** Iteration row, from 0 (0 when the suite has no iterations). */
  iteration: number;
  status: StepStatus;
  /** Attempts made (1 without retries); a step that passed on attempt 3 reports 3. */
  attempts: number;
  startedAt: string;
  durationMs: number;
  request?: SentRequest;
  response?: ReceivedResponse;
  timings?: Timings;
  assertions: AssertionResult[];
  captures: Record<string, unknown>;
  error?: StepError;
  /** Why a step was skipped (its condition, or bail). */
  skipReason?: string;
}

export interface RunCounts {
  steps: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  assertions: number;
  assertionsFailed: number;
  requests: number;
}

export interface RunSummary {
  suite: string;
  file?: string;
  status: RunStatus;
  startedAt: string;
  durationMs: number;
  iterations: number;
  counts: RunCounts;
  /** Set when the run as a whole could not go on (run timeout, invalid data file, cancellation). */
  error?: StepError;
}

export type RunEvent =
  | {
      type: 'run.started';
      suite: string;
      file?: string;
      steps: number;
      iterations: number;
      startedAt: string;
    }
  | { type: 'step.started'; suite: string; step: string; index: number; iteration: number }
  | { type: 'step.finished'; result: StepResult }
  | { type: 'run.finished'; summary: RunSummary };

export type RunEventListener = (event: RunEvent) => void;

export function emptyCounts(): RunCounts {
  return {
    steps: 0,
    passed: 0,
    failed: 0,
    errored: 0,
    skipped: 0,
    assertions: 0,
    assertionsFailed: 0,
    requests: 0,
  };
}
