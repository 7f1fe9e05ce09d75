/**
 * Runs one request item of a collection, as postman-runtime does: pre-request scripts (collection →
 * folders → item), the request (variables resolved, auth applied, through the run's session), then the
 * test scripts in the same order. Whatever happens — script errors, request errors, failed tests — comes
 * back as data: an `ItemExecution` for Newman-style reports and a `StepResult` for the engine's.
 */
import { randomUUID } from 'node:crypto';
import { receivedResponseOf, sentRequestOf } from '../../runner/evidence.ts';
import { HttpError, type HttpResponse } from '../../runner/http/types.ts';
import type { SecretMasker } from '../../runner/masking.ts';
import type { AssertionResult, StepError, StepResult } from '../../runner/model.ts';
import type { RunnableItem } from '../collection/plan.ts';
import type {
  PmExecutionInfo,
  PmRequestData,
  PmScriptError,
  ScriptEvent,
  ScriptSandbox,
} from '../sandbox/index.ts';
import { AuthError, type AuthParams, applyAuth, resolveAuthParams } from './auth.ts';
import { fromChallenge, hasDigestChallenge, signDigest } from './digest.ts';
import {
  emptyPmResponse,
  executedRequest,
  executedResponse,
  type SendOptions,
  sentPmRequest,
  toHttpRequest,
  toPmResponse,
} from './http.ts';
import { type PreparedRequest, prepareRequest } from './prepare.ts';
import type { RunScopes } from './scopes.ts';
import { runEvent } from './scripts.ts';
import type { SessionPool } from './sessions.ts';
import type { ExecutionCursor, ItemExecution } from './types.ts';

export interface ItemContext {
  sandbox: ScriptSandbox;
  scopes: RunScopes;
  sessions: SessionPool;
  suiteName: string;
  workingDir: string;
  /** `--no-insecure-file-read`. */
  restrictFiles: boolean;
  /** 0: no limit. */
  timeoutRequestMs: number;
  /** `--ignore-redirects` sets false; `protocolProfileBehavior.followRedirects` wins over it. */
  followRedirects: boolean;
  /** `--bail`: a script error stops its event, and the item stops at its first failure. */
  stopOnFailure: boolean;
  excerptBytes: number;
  signal: AbortSignal;
  iterationCount: number;
  environmentName: string | undefined;
  masker: SecretMasker;
}

export interface ItemRun {
  execution: ItemExecution;
  result: StepResult;
  /** Absent: not called; `null`: end the iteration; a string: the name or id of the next item. */
  nextRequest: string | null | undefined;
  /** A script error, a request error or a failed test: what `--bail` stops on and Newman counts as a failure. */
  failed: boolean;
}

const DEFAULT_MAX_REDIRECTS = 10;

export async function executeItem(
  runnable: RunnableItem,
  at: Omit<ExecutionCursor, 'ref'>,
  ctx: ItemContext,
): Promise<ItemRun> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const { item } = runnable;
  const info: PmExecutionInfo = {
    requestName: item.name,
    requestId: item.id,
    iteration: at.iteration,
    iterationCount: ctx.iterationCount,
    location: runnable.location,
  };
  if (ctx.environmentName !== undefined) info.environmentName = ctx.environmentName;
  const execution: ItemExecution = {
    cursor: { ...at, ref: randomUUID() },
    item: { id: item.id, name: item.name, fullName: runnable.fullName },
    skipped: false,
    prerequest: { scripts: 0, errors: [] },
    tests: [],
    console: [],
  };
  if (runnable.parent) execution.parent = { id: runnable.parent.id, name: runnable.parent.name };
  let nextRequest: string | null | undefined;
  let request: PmRequestData = {
    url: item.request.url,
    method: item.request.method,
    headers: item.request.headers,
    body: item.request.body,
    urlVariables: item.request.urlVariables,
  };

  const runScripts = async (
    event: ScriptEvent,
    scripts: string[],
    extra: Partial<Parameters<typeof runEvent>[1]>,
  ) => {
    const { output, ran } = await runEvent(
      ctx.sandbox,
      { event, scripts, request, variables: ctx.scopes.current(), info, ...extra },
      { stopOnFailure: ctx.stopOnFailure },
    );
    ctx.scopes.update(output.variables);
    if ('nextRequest' in output) nextRequest = output.nextRequest;
    for (const test of output.tests) execution.tests.push({ ...test, event });
    execution.console.push(...output.console);
    return { output, outcome: { scripts: ran, errors: output.scriptErrors } };
  };

  if (runnable.prerequest.length > 0) {
    const { output, outcome } = await runScripts('prerequest', runnable.prerequest, {});
    execution.prerequest = outcome;
    request = output.request;
    if (output.skipRequest) {
      execution.skipped = true;
      return finish(runnable, execution, nextRequest, undefined, { startedAt, started }, ctx);
    }
    if (ctx.stopOnFailure && failedSoFar(execution)) {
      return finish(runnable, execution, nextRequest, undefined, { startedAt, started }, ctx);
    }
  }

  let prepared: PreparedRequest | undefined;
  let response: HttpResponse | undefined;
  try {
    prepared = prepareRequest(request, ctx.scopes.resolve, runnable.profile);
    response = await send(prepared, runnable, ctx);
  } catch (error) {
    execution.requestError = requestErrorOf(error, ctx.signal);
  }
  if (prepared) execution.request = executedRequest(prepared, response, ctx.excerptBytes);
  if (response) execution.response = executedResponse(response, ctx.excerptBytes);

  if (!(ctx.stopOnFailure && execution.requestError) && !ctx.signal.aborted) {
    const pmResponse = response ? toPmResponse(response) : emptyPmResponse();
    const cookies = response ? ctx.sessions.cookiesFor(response.url) : [];
    if (response) pmResponse.cookies = cookies;
    if (prepared) request = sentPmRequest(prepared);
    const { outcome } =
      runnable.test.length > 0
        ? await runScripts('test', runnable.test, { response: pmResponse, cookies })
        : { outcome: { scripts: 0, errors: [] } };
    execution.test = outcome;
  }
  return finish(runnable, execution, nextRequest, response, { startedAt, started }, ctx);
}

/** Sends the request with its auth; Digest without a known nonce first collects the server's challenge. */
async function send(
  prepared: PreparedRequest,
  runnable: RunnableItem,
  ctx: ItemContext,
): Promise<HttpResponse> {
  const auth = runnable.auth;
  let params: AuthParams | undefined;
  if (auth) {
    params = resolveAuthParams(auth, ctx.scopes.resolve);
    applyAuth(auth.type, params, prepared);
  }
  const profile = runnable.profile;
  const options: SendOptions = {
    workingDir: ctx.workingDir,
    restrictFiles: ctx.restrictFiles,
    timeoutMs: ctx.timeoutRequestMs,
    followRedirects:
      typeof profile.followRedirects === 'boolean' ? profile.followRedirects : ctx.followRedirects,
    maxRedirects: Number.isInteger(profile.maxRedirects)
      ? (profile.maxRedirects as number)
      : DEFAULT_MAX_REDIRECTS,
    signal: ctx.signal,
  };
  const lease = ctx.sessions.lease(profile);
  try {
    if (auth?.type === 'digest' && params) {
      if (hasDigestChallenge(params)) {
        signDigest(params, prepared);
      } else {
        const first = await lease.session.send(await toHttpRequest(prepared, options));
        const challenged = fromChallenge(params, first.status, first.headers);
        if (challenged === undefined) return remember(first, lease.cookies, ctx);
        signDigest(challenged, prepared);
      }
    }
    return remember(await lease.session.send(await toHttpRequest(prepared, options)), lease.cookies, ctx);
  } finally {
    await lease.release();
  }
}

function remember(response: HttpResponse, cookies: boolean, ctx: ItemContext): HttpResponse {
  if (cookies) ctx.sessions.remember(response);
  return response;
}

function requestErrorOf(error: unknown, signal: AbortSignal): StepError {
  if (signal.aborted) {
    const reason = signal.reason as { code?: string; message?: string } | undefined;
    return { code: reason?.code ?? 'CANCELLED', message: reason?.message ?? 'the run was cancelled' };
  }
  if (error instanceof HttpError) return { code: error.code, message: error.message };
  if (error instanceof AuthError) return { code: 'AUTH', message: error.message };
  throw error;
}

function failedSoFar(execution: ItemExecution): boolean {
  return (
    execution.requestError !== undefined ||
    execution.prerequest.errors.length > 0 ||
    (execution.test?.errors.length ?? 0) > 0 ||
    execution.tests.some((t) => !t.passed && !t.skipped)
  );
}

function finish(
  runnable: RunnableItem,
  execution: ItemExecution,
  nextRequest: string | null | undefined,
  response: HttpResponse | undefined,
  time: { startedAt: string; started: number },
  ctx: ItemContext,
): ItemRun {
  const failed = failedSoFar(execution);
  const scriptErrors = [
    ...execution.prerequest.errors.map((e) => describeScriptError('pre-request', e)),
    ...(execution.test?.errors ?? []).map((e) => describeScriptError('test', e)),
  ];
  const result: StepResult = {
    suite: ctx.suiteName,
    step: runnable.fullName,
    index: execution.cursor.position,
    iteration: execution.cursor.iteration,
    status: 'passed',
    // 0 when no request went out: skipped, or stopped by --bail after a pre-request failure.
    attempts: execution.response !== undefined || execution.requestError !== undefined ? 1 : 0,
    startedAt: time.startedAt,
    durationMs: Math.round((performance.now() - time.started) * 1000) / 1000,
    assertions: execution.tests.map(assertionOf),
    captures: {},
  };
  if (response) {
    result.request = sentRequestOf(response, ctx.excerptBytes);
    result.response = receivedResponseOf(response, ctx.excerptBytes);
    result.timings = response.timings;
  } else if (execution.request) {
    const { method, url } = execution.request;
    result.request = {
      method,
      url,
      headers: Object.fromEntries(execution.request.headers.map((h) => [h.key, h.value])),
    };
  }
  if (execution.skipped) {
    result.status = 'skipped';
    result.skipReason = 'pm.execution.skipRequest() in a pre-request script';
  } else if (execution.requestError || scriptErrors.length > 0) {
    result.status = 'errored';
  } else if (result.assertions.some((a) => !a.passed)) {
    result.status = 'failed';
  }
  if (execution.requestError) {
    const more = scriptErrors.length > 0 ? `; ${scriptErrors.join('; ')}` : '';
    result.error = { code: execution.requestError.code, message: execution.requestError.message + more };
  } else if (scriptErrors.length > 0) {
    result.error = { code: 'SCRIPT', message: scriptErrors.join('; ') };
  }
  const masked = ctx.masker.size > 0;
  return {
    execution: masked ? ctx.masker.maskDeep(execution) : execution,
    result: masked ? ctx.masker.maskDeep(result) : result,
    nextRequest,
    failed,
  };
}

function describeScriptError(event: string, error: PmScriptError): string {
  const where =
    error.line === undefined
      ? ''
      : ` (line ${error.line}${error.column === undefined ? '' : `:${error.column}`})`;
  return `${event} script: ${error.name}: ${error.message}${where}`;
}

function assertionOf(test: ItemExecution['tests'][number]): AssertionResult {
  const failed = !test.passed && !test.skipped;
  return {
    kind: 'test',
    target: test.name,
    matcher: test.skipped ? 'skip' : 'pm.test',
    expected: 'pass',
    actual: test.skipped ? 'skipped' : test.passed ? 'pass' : 'fail',
    passed: !failed,
    message: failed ? `${test.name}: ${test.error?.message ?? 'failed'}` : test.name,
  };
}
