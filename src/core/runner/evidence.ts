/**
 * The evidence a step result keeps: bounded body excerpts and the request/response as data. Bounded so
 * that a run's memory and a stored result's size do not depend on what the API returns.
 */
import type { HttpResponse } from './http/types.ts';
import type { BodyExcerpt, ReceivedResponse, SentRequest } from './model.ts';
import { headerValue } from './response-view.ts';

export const DEFAULT_EXCERPT_BYTES = 4096;

const TEXTUAL =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|graphql|problem\+json|ld\+json|x-ndjson)|[^;]*\+(json|xml))/i;

export function isTextual(contentType: string | undefined): boolean {
  return contentType === undefined || contentType === '' || TEXTUAL.test(contentType.trim());
}

export function excerptOf(
  body: Buffer | string,
  contentType: string | undefined,
  limit: number,
): BodyExcerpt {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (!isTextual(contentType)) {
    return { text: bytes === 0 ? '' : `<${bytes} bytes of ${contentType}>`, truncated: false };
  }
  if (bytes <= limit)
    return { text: typeof body === 'string' ? body : body.toString('utf8'), truncated: false };
  const buffer = typeof body === 'string' ? Buffer.from(body) : body;
  // Cut on a UTF-8 character boundary: continuation bytes look like 10xxxxxx.
  let end = limit;
  while (end > 0 && ((buffer[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: buffer.subarray(0, end).toString('utf8'), truncated: true };
}

export function sentRequestOf(response: HttpResponse, limit: number): SentRequest {
  const sent: SentRequest = {
    method: response.sent.method,
    url: response.sent.url,
    headers: response.sent.headers,
  };
  if (response.sent.body !== undefined && response.sent.body !== '') {
    sent.body = excerptOf(response.sent.body, headerValue(response.sent.headers, 'content-type'), limit);
  }
  return sent;
}

export function receivedResponseOf(response: HttpResponse, limit: number): ReceivedResponse {
  return {
    status: response.status,
    statusText: response.statusText,
    httpVersion: response.httpVersion,
    headers: response.headers,
    size: response.size,
    body: excerptOf(response.body, headerValue(response.headers, 'content-type'), limit),
    url: response.url,
    redirects: response.redirects,
  };
}
