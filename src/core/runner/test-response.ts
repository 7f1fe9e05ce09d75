/** Builds response views for unit tests of assertions and captures. */
import { createResponseView, type ResponseView } from './response-view.ts';

export function fakeResponse(options: {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string | object;
  totalMs?: number;
}): ResponseView {
  const body = options.body ?? '';
  return createResponseView({
    status: options.status ?? 200,
    headers: options.headers ?? {},
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    totalMs: options.totalMs ?? 12,
  });
}
