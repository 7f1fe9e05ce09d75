/** Maps what undici and Node throw during an exchange to the session's stable error codes. */
import { HttpError } from './types.ts';

export function toHttpError(error: unknown, url: URL): HttpError {
  if (error instanceof HttpError) return error;
  const err = error as NodeJS.ErrnoException;
  const where = url.host;
  const options = { cause: error };
  switch (err?.code) {
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
      return new HttpError(
        'ECONNRESET',
        `connection to ${where} closed before the response was complete`,
        options,
      );
    case 'UND_ERR_INVALID_ARG':
    case 'ERR_INVALID_ARG_TYPE':
    case 'ERR_INVALID_ARG_VALUE':
      return new HttpError('NETWORK', `invalid request to ${url.href}: ${err.message}`, options);
    case 'UND_ERR_HEADERS_OVERFLOW':
      return new HttpError('NETWORK', `response headers from ${where} are too large`, options);
    default:
      if (typeof err?.code === 'string' && err.code.startsWith('HPE_')) {
        return new HttpError('NETWORK', `invalid HTTP response from ${where}: ${err.message}`, options);
      }
      return new HttpError(
        'NETWORK',
        `request to ${where} failed: ${err?.message ?? String(error)}`,
        options,
      );
  }
}

export function parseTargetUrl(raw: string, context = 'URL'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new HttpError('INVALID_URL', `invalid ${context} "${raw}"`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HttpError(
      'INVALID_URL',
      `unsupported scheme "${url.protocol}" in ${context} "${raw}" (http and https only)`,
    );
  }
  return url;
}
