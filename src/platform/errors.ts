/**
 * The error taxonomy. Every error that crosses a layer is one of three kinds, and the kind decides
 * what happens to it:
 * - `UserError` (4xx): the caller's mistake; answered with its status and stable `code`, not reported.
 * - `OperationalError` (503): a dependency is down or overloaded; retryable, logged as a warning.
 * - anything else: a bug; answered 500 with no details, logged as an error.
 * Codes are part of the public API (problem+json `code`, CLI output): never rename one.
 */

export interface FieldProblem {
  /** Where the problem is, e.g. `body.steps[2].request.url` or `query.limit`. */
  path: string;
  message: string;
  /** A stable code for the kind of problem (`required`, `too_long`, `invalid_enum` …). */
  code?: string;
}

export abstract class UserError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
}

export class NotFoundError extends UserError {
  readonly status = 404;
  readonly code = 'not_found';
  constructor(what = 'resource') {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

export class ValidationError extends UserError {
  readonly status = 400;
  readonly code = 'validation_failed';
  readonly problems: readonly FieldProblem[];
  constructor(problems: FieldProblem[], message = describeProblems(problems)) {
    super(message);
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

function describeProblems(problems: FieldProblem[]): string {
  if (problems.length === 1 && problems[0]) return `${problems[0].path}: ${problems[0].message}`;
  return `${problems.length} problems in the request`;
}

export class ConflictError extends UserError {
  readonly status = 409;
  readonly code: string;
  constructor(message: string, code = 'conflict') {
    super(message);
    this.name = 'ConflictError';
    this.code = code;
  }
}

/**
 * The request is well formed but its content cannot be accepted (a cron expression that never fires,
 * an environment of another project, a suite with errors): 422, with every field problem listed.
 */
export class UnprocessableError extends UserError {
  readonly status = 422;
  readonly code: string;
  readonly problems: readonly FieldProblem[];
  /** Extra members of the problem details (snake_case), e.g. the located errors of a suite. */
  readonly extensions: Readonly<Record<string, unknown>>;
  constructor(
    problems: FieldProblem[],
    options: { code?: string; message?: string; extensions?: Record<string, unknown> } = {},
  ) {
    super(options.message ?? describeProblems(problems));
    this.name = 'UnprocessableError';
    this.code = options.code ?? 'unprocessable';
    this.problems = problems;
    this.extensions = options.extensions ?? {};
  }
}

export class UnauthorizedError extends UserError {
  readonly status = 401;
  readonly code = 'unauthorized';
  constructor(message = 'authentication required') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends UserError {
  readonly status = 403;
  readonly code = 'forbidden';
  constructor(message = 'your role does not allow this') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class RateLimitedError extends UserError {
  readonly status = 429;
  readonly code = 'rate_limited';
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super(`too many requests; retry in ${retryAfterSeconds}s`);
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class PayloadTooLargeError extends UserError {
  readonly status = 413;
  readonly code = 'payload_too_large';
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`the request body is larger than ${limitBytes} bytes`);
    this.name = 'PayloadTooLargeError';
    this.limitBytes = limitBytes;
  }
}

/** A dependency (database, Redis, an upstream) failed; the same request may succeed later. */
export class OperationalError extends Error {
  readonly status = 503;
  readonly code: string;
  readonly retryable = true;
  readonly retryAfterSeconds: number;
  /** Which dependency: `database`, `redis`, `queue` … */
  readonly dependency: string;
  constructor(options: {
    dependency: string;
    message: string;
    cause?: unknown;
    code?: string;
    retryAfterSeconds?: number;
  }) {
    super(options.message, { cause: options.cause });
    this.name = 'OperationalError';
    this.dependency = options.dependency;
    this.code = options.code ?? `${options.dependency}_unavailable`;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
  }
}

export type ErrorKind = 'user' | 'operational' | 'unexpected';

export interface ErrorInfo {
  kind: ErrorKind;
  status: number;
  code: string;
  /** Safe to show to the caller: never the message of an unexpected error. */
  message: string;
}

export function classifyError(error: unknown): ErrorInfo {
  if (error instanceof UserError) {
    return { kind: 'user', status: error.status, code: error.code, message: error.message };
  }
  if (error instanceof OperationalError) {
    return { kind: 'operational', status: error.status, code: error.code, message: error.message };
  }
  return { kind: 'unexpected', status: 500, code: 'internal', message: 'internal error' };
}
