/**
 * RFC 9457 problem details. Every error response, 404 included, is `application/problem+json` with a
 * stable `code` (from the platform error taxonomy) and the request id, so a person can quote one line
 * to an operator. Unexpected errors never show their message; they are logged with the stack.
 */
import type { NextFunction, Request, Response } from 'express';
import {
  classifyError,
  type FieldProblem,
  OperationalError,
  PayloadTooLargeError,
  RateLimitedError,
  UserError,
  ValidationError,
} from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { requestIdOf } from './request-context.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  /** A URI reference naming the kind of problem; documented in the API reference. */
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  request_id: string;
  /** Validation errors only: every problem found, not just the first. */
  errors?: FieldProblem[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A user error with its own status and code, for HTTP-level problems the taxonomy has no class for. */
export class HttpError extends UserError {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
  }
}

export function problemType(code: string): string {
  return `/api/docs#problem-${code}`;
}

const STANDARD_MEMBERS = new Set([
  'type',
  'title',
  'status',
  'detail',
  'code',
  'instance',
  'request_id',
  'errors',
]);

export function toProblem(error: unknown, req: Request): Problem {
  const info = classifyError(error);
  const extensions =
    info.kind === 'user' &&
    error instanceof UserError &&
    'extensions' in error &&
    typeof error.extensions === 'object'
      ? (error.extensions as Record<string, unknown>)
      : {};
  const problem: Problem = {
    ...Object.fromEntries(Object.entries(extensions).filter(([name]) => !STANDARD_MEMBERS.has(name))),
    type: problemType(info.code),
    title: TITLES[info.status] ?? 'Error',
    status: info.status,
    detail: info.message,
    code: info.code,
    instance: req.originalUrl.split('?')[0] ?? '/',
    request_id: requestIdOf(req),
  };
  // ValidationError (400) and UnprocessableError (422) both carry every field problem.
  if (error instanceof ValidationError) problem.errors = [...error.problems];
  else if (error instanceof UserError && 'problems' in error && Array.isArray(error.problems)) {
    problem.errors = [...(error.problems as FieldProblem[])];
  }
  return problem;
}

export function sendProblem(res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** Body-parser failures arrive as plain errors with a `type`; they are the caller's mistakes. */
function fromBodyParser(error: unknown): UserError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  const { type } = error as { type: unknown; limit?: number };
  if (type === 'entity.too.large')
    return new PayloadTooLargeError(Number((error as { limit?: number }).limit));
  if (type === 'entity.parse.failed')
    return new HttpError(400, 'malformed_json', 'the request body is not valid JSON');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
    return new HttpError(415, 'unsupported_media_type', 'the request body encoding is not supported');
  }
  return undefined;
}

/** The one error middleware: Express 5 forwards rejected handlers here, so routes never catch. */
export function errorHandler(logger: Logger) {
  return (raw: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const error = fromBodyParser(raw) ?? raw;
    const info = classifyError(error);
    if (info.kind === 'unexpected') logger.error({ err: error }, 'request failed');
    else if (info.kind === 'operational') logger.warn({ err: error }, 'dependency unavailable');
    if (res.headersSent) {
      // A stream (SSE) already started: the only honest thing left is to cut it.
      res.destroy();
      return;
    }
    const headers: Record<string, string> = {};
    if (error instanceof RateLimitedError || error instanceof OperationalError) {
      headers['Retry-After'] = String(error.retryAfterSeconds);
    }
    if (info.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="assay"';
    sendProblem(res, toProblem(error, req), headers);
  };
}

/** Anything no route matched. */
export function notFoundHandler(req: Request, res: Response): void {
  sendProblem(res, {
    type: problemType('not_found'),
    title: 'Not Found',
    status: 404,
    detail: `no route for ${req.method} ${req.path}`,
    code: 'not_found',
    instance: req.path,
    request_id: requestIdOf(req),
  });
}
