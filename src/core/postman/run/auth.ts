/**
 * Applies a request's effective Postman auth to the prepared request, as postman-runtime's authorizers
 * do: parameters are resolved like the rest of the request, a helper replaces any Authorization header
 * the request already had, and missing required parameters mean "do nothing". Digest needs the server's
 * challenge first: see `digest.ts` and the item executor.
 */
import type { PostmanAuth } from '../collection/types.ts';
import { oauth1Sign } from './oauth1.ts';
import { appendQuery, type PreparedRequest, removeQuery, setHeader } from './prepare.ts';
import type { AuthParams } from './types.ts';

export type { AuthParams };

/** Auth that cannot be applied as configured: the request fails with it (code `AUTH`), the run goes on. */
export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

export class UnsupportedAuthError extends AuthError {
  constructor(type: string) {
    super(`auth type "${type}" is not supported (noauth, basic, bearer, apikey, digest, oauth1, oauth2)`);
    this.name = 'UnsupportedAuthError';
  }
}

/** Parameter values with `{{variables}}` resolved; booleans stay booleans (`addParamsToHeader`). */
export function resolveAuthParams(auth: PostmanAuth, resolve: (text: string) => string): AuthParams {
  const out: AuthParams = {};
  for (const [key, value] of Object.entries(auth.params)) {
    if (typeof value === 'string') out[key] = resolve(value);
    else if (typeof value === 'boolean') out[key] = value;
    else if (typeof value === 'number') out[key] = String(value);
    else if (value !== undefined && value !== null) out[key] = JSON.stringify(value);
  }
  return out;
}

const text = (value: string | boolean | undefined): string =>
  value === undefined || value === false ? '' : value === true ? 'true' : value;

/** Mutates `request`. Digest is applied by the caller once the challenge is known. */
export function applyAuth(type: string, params: AuthParams, request: PreparedRequest): void {
  switch (type) {
    case 'basic': {
      const credentials = Buffer.from(`${text(params.username)}:${text(params.password)}`, 'utf8');
      setHeader(request.headers, 'Authorization', `Basic ${credentials.toString('base64')}`);
      return;
    }
    case 'bearer': {
      const token = text(params.token);
      if (token) setHeader(request.headers, 'Authorization', `Bearer ${token}`);
      return;
    }
    case 'apikey': {
      const key = text(params.key);
      const value = text(params.value);
      if (!key && !value) return;
      if (params.in === 'query') request.url = appendQuery(removeQuery(request.url, key), key, value);
      else setHeader(request.headers, key, value);
      return;
    }
    case 'oauth2': {
      const token = text(params.accessToken);
      if (!token || text(params.tokenType).toLowerCase() === 'mac') return;
      request.url = removeQuery(request.url, 'access_token');
      if (params.addTokenTo === 'queryParams') {
        request.headers = request.headers.filter((h) => h.key.toLowerCase() !== 'authorization');
        request.url = appendQuery(request.url, 'access_token', token);
      } else {
        const prefix = params.headerPrefix === undefined ? 'Bearer' : text(params.headerPrefix).trim();
        setHeader(request.headers, 'Authorization', prefix ? `${prefix} ${token}` : token);
      }
      return;
    }
    case 'oauth1':
      oauth1Sign(params, request);
      return;
    case 'digest':
    case 'noauth':
      return;
    default:
      throw new UnsupportedAuthError(type);
  }
}
