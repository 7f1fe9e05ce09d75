/**
 * Executes one step: render, send, check, capture — with retries. Whatever the API does, the outcome is
 * a `StepResult`; only a bug in the engine itself escapes as an exception.
 */
import type { Auth, Expect, Step, Suite } from '../suite/schema.ts';
import { type AssertionsDeps, checkExpectations } from './assertions.ts';
import { buildHttpRequest } from './build-request.ts';
import { extractCaptures } from './captures.ts';
import { receivedResponseOf, sentRequestOf } from './evidence.ts';
import { HttpError, type HttpResponse, type HttpSession } from './http/types.ts';
import type { SecretMasker } from './masking.ts';
import type { AssertionResult, StepError, StepResult, StepStatus } from './model.ts';
import { createResponseView } from './response-view.ts';
import { isTruthyCondition, renderValue, TemplateError, type TemplateScope } from './template.ts';

export type AuthResolver = (
  auth: Auth,
  request: { url: string; headers: Record<string, string> },
  options?: { signal?: AbortSignal },
) => Promise<{ url: string; headers: Record<string, string> }>;

export interface StepContext {
  suite: Suite;
  baseDir: string;
  session: HttpSession;
  resolveAuth: AuthResolver;
  assertions: AssertionsDeps;
  scope: TemplateScope;
  masker: SecretMasker;
  excerptBytes: number;
  signal: AbortSignal;
}

interface Attempt {
  status: StepStatus;
  response?: HttpResponse;
  assertions: AssertionResult[];
  captures: Record<string, unknown>;
  error?: StepError;
  fallbackRequest?: { method: string; url: string; headers: Record<string, string> };
  tainted: boolean;
}

export async function executeStep(
  step: Step,
  index: number,
  iteration: number,
  ctx: StepContext,
): Promise<StepResult> {
  const startedAt = new Date();
  const started = performance.now();
  const base = {
    suite: ctx.suite.name,
    step: step.name,
    index,
    iteration,
    startedAt: startedAt.toISOString(),
  };

  const skipReason = skipReasonOf(step, ctx.scope);
  if (typeof skipReason === 'object') {
    return finish(
      { ...base, status: 'errored', attempts: 0, assertions: [], captures: {}, error: skipReason },
      started,
      ctx,
    );
  }
  if (skipReason !== undefined) {
    return finish(
      { ...base, status: 'skipped', attempts: 0, assertions: [], captures: {}, skipReason },
      started,
      ctx,
    );
  }

  const retry = step.retry ?? ctx.suite.defaults?.retry;
  const maxAttempts = 1 + (retry?.count ?? 0);
  let attempt: Attempt | undefined;
  let attempts = 0;
  while (attempts < maxAttempts) {
    attempts++;
    attempt = await attemptStep(step, ctx);
    // A template error will not change on retry, and an aborted run must stop now.
    if (attempt.status === 'passed' || attempt.error?.code === 'TEMPLATE' || ctx.signal.aborted) break;
    if (attempts < maxAttempts && (retry?.delayMs ?? 0) > 0) {
      if (!(await sleep(retry?.delayMs ?? 0, ctx.signal))) break;
    }
  }
  const outcome = attempt as Attempt;

  for (const [name, value] of Object.entries(outcome.captures)) {
    ctx.scope.variables.set(name, value);
    // Taint: a value captured from an exchange that carried a secret is treated as one from now on.
    if (outcome.tainted) {
      ctx.scope.tainted.add(name);
      if (value !== undefined && value !== null) {
        ctx.masker.add(typeof value === 'string' ? value : JSON.stringify(value));
      }
    }
  }

  const result: Omit<StepResult, 'durationMs'> = {
    ...base,
    status: outcome.status,
    attempts,
    assertions: outcome.assertions,
    captures: outcome.captures,
  };
  if (outcome.response !== undefined) {
    result.request = sentRequestOf(outcome.response, ctx.excerptBytes);
    result.response = receivedResponseOf(outcome.response, ctx.excerptBytes);
    result.timings = outcome.response.timings;
  } else if (outcome.fallbackRequest !== undefined) {
    result.request = outcome.fallbackRequest;
  }
  if (outcome.error !== undefined) result.error = outcome.error;
  return finish(result, started, ctx);
}

function finish(partial: Omit<StepResult, 'durationMs'>, started: number, ctx: StepContext): StepResult {
  const result = partial as StepResult;
  result.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
  return ctx.masker.size === 0 ? result : ctx.masker.maskDeep(result);
}

/** A reason string to skip, undefined to run, or a StepError when the condition itself is broken. */
function skipReasonOf(step: Step, scope: TemplateScope): string | StepError | undefined {
  if (step.skip === undefined || step.skip === false) return undefined;
  if (step.skip === true) return 'skip: true';
  try {
    const rendered = renderValue(step.skip, scope).value;
    return isTruthyCondition(rendered) ? `skip condition ${JSON.stringify(step.skip)} is true` : undefined;
  } catch (error) {
    if (error instanceof TemplateError) return { code: 'TEMPLATE', message: `in skip: ${error.message}` };
    throw error;
  }
}

async function attemptStep(step: Step, ctx: StepContext): Promise<Attempt> {
  let spec: Step['request'];
  let auth: Auth | undefined;
  let tainted: boolean;
  let headers: Record<string, string> | undefined;
  try {
    const rendered = renderValue(step.request, ctx.scope);
    spec = rendered.value as Step['request'];
    tainted = rendered.tainted;
    auth = spec.auth;
    const defaultHeaders = ctx.suite.defaults?.headers;
    if (defaultHeaders !== undefined) {
      const renderedHeaders = renderValue(defaultHeaders, ctx.scope);
      headers = renderedHeaders.value as Record<string, string>;
      tainted ||= renderedHeaders.tainted;
    }
    const defaultAuth = ctx.suite.defaults?.auth;
    if (auth === undefined && defaultAuth !== undefined) {
      const renderedAuth = renderValue(defaultAuth, ctx.scope);
      auth = renderedAuth.value as Auth;
      tainted ||= renderedAuth.tainted;
    }
  } catch (error) {
    if (error instanceof TemplateError) {
      return {
        status: 'errored',
        assertions: [],
        captures: {},
        tainted: false,
        error: { code: 'TEMPLATE', message: error.message },
      };
    }
    throw error;
  }
  const request = buildHttpRequest(spec, { ...ctx.suite.defaults, headers }, ctx.baseDir, ctx.signal);
  const fallbackRequest = { method: request.method, url: request.url, headers: request.headers };

  let response: HttpResponse;
  try {
    if (auth !== undefined) {
      const applied = await ctx.resolveAuth(
        auth,
        { url: request.url, headers: request.headers },
        { signal: ctx.signal },
      );
      if (tainted) maskAddedCredentials(request, applied, ctx.masker);
      request.url = applied.url;
      request.headers = applied.headers;
      fallbackRequest.url = applied.url;
      fallbackRequest.headers = applied.headers;
    }
    response = await ctx.session.send(request);
  } catch (error) {
    return {
      status: 'errored',
      assertions: [],
      captures: {},
      tainted,
      fallbackRequest,
      error: stepErrorOf(error, ctx.signal),
    };
  }

  const view = createResponseView({
    status: response.status,
    headers: response.headers,
    body: response.body,
    size: response.size,
    totalMs: response.timings.total,
  });
  let assertions: AssertionResult[] = [];
  if (step.expect !== undefined) {
    // Expected values may use variables and captures; a template error here is the step's error.
    let expected: Expect;
    try {
      expected = renderValue(step.expect, ctx.scope).value as Expect;
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      return {
        status: 'errored',
        response,
        assertions: [],
        captures: {},
        tainted,
        error: { code: 'TEMPLATE', message: `in expect: ${error.message}` },
      };
    }
    assertions = checkExpectations(expected, view, ctx.assertions);
  }
  const captured =
    step.capture === undefined
      ? { values: {}, errors: [] }
      : extractCaptures(step.capture, view, (name) => ctx.session.cookie(name, response.url));
  const attempt: Attempt = { status: 'passed', response, assertions, captures: captured.values, tainted };
  if (captured.errors.length > 0) {
    attempt.status = 'errored';
    attempt.error = { code: 'CAPTURE', message: captured.errors.map((e) => e.message).join('; ') };
  } else if (assertions.some((a) => !a.passed)) {
    attempt.status = 'failed';
  }
  return attempt;
}

/** Auth built from secrets yields derived credentials (a Basic header, a token): mask those too. */
function maskAddedCredentials(
  before: { url: string; headers: Record<string, string> },
  after: { url: string; headers: Record<string, string> },
  masker: SecretMasker,
): void {
  for (const [name, value] of Object.entries(after.headers)) {
    if (before.headers[name] === value) continue;
    masker.add(value);
    const credential = value.replace(/^(basic|bearer)\s+/i, '');
    if (credential !== value) masker.add(credential);
  }
  if (after.url !== before.url) {
    const added = new URL(after.url).searchParams;
    const had = new URL(before.url).searchParams;
    for (const [name, value] of added) if (had.get(name) !== value) masker.add(value);
  }
}

function stepErrorOf(error: unknown, signal: AbortSignal): StepError {
  if (signal.aborted) {
    const reason = signal.reason as { code?: string; message?: string } | undefined;
    return { code: reason?.code ?? 'CANCELLED', message: reason?.message ?? 'the run was cancelled' };
  }
  if (error instanceof HttpError) return { code: error.code, message: error.message };
  if (error instanceof TemplateError) return { code: 'TEMPLATE', message: error.message };
  throw error;
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
