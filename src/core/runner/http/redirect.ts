/** Redirect rules of the session (it follows redirects itself, hop by hop). */
import { parseTargetUrl } from './errors.ts';
import { withoutHeaders } from './headers.ts';
import { HttpError } from './types.ts';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Headers describing a request body: they go when a redirect drops the body. */
const BODY_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
]);

/** Credentials meant for one origin must not follow a redirect to another. */
const ORIGIN_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'host',
]);

export function isRedirect(status: number, headers: Record<string, string | string[]>): boolean {
  return REDIRECT_STATUSES.has(status) && headers.location !== undefined;
}

export interface HopState {
  url: URL;
  method: string;
  headers: Record<string, string>;
  payload: string | Buffer | undefined;
  bodyText: string | undefined;
}

/** The request of the next hop, or TOO_MANY_REDIRECTS when `redirects` already reached the limit. */
export function nextHop(
  current: HopState,
  status: number,
  location: string | string[],
  redirects: number,
  maxRedirects: number,
): HopState {
  const raw = Array.isArray(location) ? (location[0] ?? '') : location;
  let resolved: string;
  try {
    resolved = new URL(raw, current.url).href;
  } catch (error) {
    throw new HttpError('INVALID_URL', `invalid redirect location "${raw}" from ${current.url.href}`, {
      cause: error,
    });
  }
  const url = parseTargetUrl(resolved, 'redirect location');
  if (redirects >= maxRedirects) {
    throw new HttpError(
      'TOO_MANY_REDIRECTS',
      `more than ${maxRedirects} redirect${maxRedirects === 1 ? '' : 's'} (the next one was to ${url.href})`,
    );
  }
  let { method, headers, payload, bodyText } = current;
  // 303 means "see other": fetch it with GET. 301/302 turn POST into GET as every client does.
  const toGet = status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST';
  if (toGet) {
    method = 'GET';
    payload = undefined;
    bodyText = undefined;
    headers = withoutHeaders(headers, BODY_HEADERS);
  }
  if (url.origin !== current.url.origin) headers = withoutHeaders(headers, ORIGIN_HEADERS);
  return { url, method, headers, payload, bodyText };
}
