/**
 * The few calls `assay run --remote` makes to an Assay server, with an API key. A refusal (problem
 * details) becomes a UsageError with the server's own words and exit code 2: the key, the suite id
 * or the input is wrong, and running again will not help. An unreachable server is exit code 2 too.
 */
import { createRequestSigner, SIGNATURE_HEADER } from '../../services/signing.ts';
import { EXIT, UsageError } from '../command.ts';
import { readSse, type SseMessage } from './sse-client.ts';

export interface RemoteRun {
  id: string;
  status: string;
  attempt: number;
  summary: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
}

export interface RemoteApi {
  trigger(
    suiteId: string,
    body: { environment_id?: string; variables?: Record<string, unknown> },
    idempotencyKey?: string,
  ): Promise<RemoteRun>;
  get(runId: string): Promise<RemoteRun>;
  cancel(runId: string): Promise<void>;
  /** The run's event stream after `lastEventId`; ends when the server closes it. */
  events(runId: string, lastEventId: number, signal: AbortSignal): AsyncGenerator<SseMessage>;
}

/**
 * With `signingSecret` (ASSAY_SIGNING_SECRET), every request carries an `Assay-Signature` over the
 * method, the path and query as sent, and the exact body bytes (docs/security.md).
 */
export function createRemoteApi(baseUrl: string, apiKey: string, signingSecret?: string): RemoteApi {
  const root = baseUrl.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${apiKey}`, accept: 'application/json' };
  const signer = signingSecret ? createRequestSigner(signingSecret) : undefined;
  const sign = (method: string, url: string, body: string | null): Record<string, string> => {
    if (!signer) return {};
    const { pathname, search } = new URL(url);
    return { [SIGNATURE_HEADER]: signer({ method, path: `${pathname}${search}`, body }) };
  };

  async function call(method: string, path: string, body?: unknown, extra: Record<string, string> = {}) {
    let response: Response;
    const url = `${root}/api/v1${path}`;
    const payload = body === undefined ? null : JSON.stringify(body);
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...headers,
          ...extra,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...sign(method, url, payload),
        },
        body: payload,
      });
    } catch (error) {
      throw unreachable(root, error);
    }
    const text = await response.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!response.ok) throw refused(response.status, parsed, text);
    return parsed as RemoteRun;
  }

  return {
    trigger: (suiteId, body, idempotencyKey) =>
      call(
        'POST',
        `/suites/${encodeURIComponent(suiteId)}/runs`,
        body,
        idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
      ),
    get: (runId) => call('GET', `/runs/${encodeURIComponent(runId)}`),
    async cancel(runId) {
      await call('POST', `/runs/${encodeURIComponent(runId)}/cancel`);
    },
    async *events(runId, lastEventId, signal) {
      let response: Response;
      try {
        const url = `${root}/api/v1/runs/${encodeURIComponent(runId)}/events`;
        response = await fetch(url, {
          headers: {
            ...headers,
            accept: 'text/event-stream',
            'last-event-id': String(lastEventId),
            ...sign('GET', url, null),
          },
          signal,
        });
      } catch (error) {
        if (signal.aborted) return;
        throw unreachable(root, error);
      }
      if (!response.ok || !response.body) {
        const text = await response.text();
        throw refused(response.status, safeJson(text), text);
      }
      yield* readSse(response.body);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Network errors while streaming are worth a reconnection; refusals are not. */
export class RemoteUnreachableError extends UsageError {}

function unreachable(root: string, error: unknown): UsageError {
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
  return new RemoteUnreachableError(`cannot reach the Assay server at ${root} (${cause})`, EXIT.invalid);
}

function refused(status: number, problem: unknown, text: string): UsageError {
  const p = (problem ?? {}) as {
    detail?: string;
    code?: string;
    errors?: { path: string; message: string }[];
  };
  const details = (p.errors ?? []).map((e) => `\n  ${e.path}: ${e.message}`).join('');
  const reason = p.detail ?? (text.slice(0, 200) || `HTTP ${status}`);
  const hint =
    status === 401
      ? ' (check ASSAY_API_KEY)'
      : status === 403
        ? ' (the API key needs the runs:write scope)'
        : '';
  return new UsageError(
    `the server refused: ${reason}${p.code ? ` [${p.code}]` : ''}${hint}${details}`,
    EXIT.invalid,
  );
}
