/**
 * Applies a step's `auth` to its request: Basic, Bearer, API key (header or query) and OAuth2 client
 * credentials. OAuth2 tokens are fetched through the run's session (so the egress check and timeouts
 * apply) once per session and reused until they expire.
 */
import type { Auth } from '../../suite/schema.ts';
import { encodeForm } from './body.ts';
import { setHeader } from './headers.ts';
import { HttpError, type HttpSession } from './types.ts';

type OAuth2 = Extract<Auth, { type: 'oauth2' }>;

export interface AuthRequest {
  url: string;
  headers: Record<string, string>;
}

export interface AuthResolverOptions {
  /** Bound of a token request. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type AuthResolverFn = (
  auth: Auth,
  request: AuthRequest,
  options?: AuthResolverOptions,
) => Promise<AuthRequest>;

const TOKEN_TIMEOUT_MS = 30_000;

interface CachedToken {
  token: Promise<string>;
  /** `performance.now()` after which the token is fetched again. */
  expiresAt: number;
}

export function createAuthResolver(session: HttpSession): AuthResolverFn {
  const tokens = new Map<string, CachedToken>();

  const oauth2Token = (auth: OAuth2, options: AuthResolverOptions | undefined): Promise<string> => {
    const key = `${auth.tokenUrl}\n${auth.clientId}\n${auth.scope ?? ''}\n${auth.audience ?? ''}`;
    const cached = tokens.get(key);
    if (cached && performance.now() < cached.expiresAt) return cached.token;
    const entry: CachedToken = { token: Promise.resolve(''), expiresAt: Number.POSITIVE_INFINITY };
    entry.token = fetchToken(session, auth, options).then(
      ({ token, expiresInSeconds }) => {
        if (expiresInSeconds !== undefined) {
          // Renew a little before the server's deadline: up to 30 s, at most a tenth of the lifetime.
          const lifetimeMs = expiresInSeconds * 1000;
          entry.expiresAt = performance.now() + lifetimeMs - Math.min(30_000, lifetimeMs / 10);
        }
        return token;
      },
      (error: unknown) => {
        // A failed fetch is not cached: the next step tries again.
        if (tokens.get(key) === entry) tokens.delete(key);
        throw error;
      },
    );
    tokens.set(key, entry);
    return entry.token;
  };

  return async (auth, request, options) => {
    switch (auth.type) {
      case 'basic':
        return {
          url: request.url,
          headers: setHeader(request.headers, 'authorization', basic(auth.username, auth.password)),
        };
      case 'bearer':
        return {
          url: request.url,
          headers: setHeader(request.headers, 'authorization', `Bearer ${auth.token}`),
        };
      case 'apiKey':
        if (auth.in === 'query') {
          const url = new URL(request.url);
          url.searchParams.set(auth.name, auth.value);
          return { url: url.href, headers: request.headers };
        }
        return { url: request.url, headers: setHeader(request.headers, auth.name, auth.value) };
      case 'oauth2': {
        const token = await oauth2Token(auth, options);
        return { url: request.url, headers: setHeader(request.headers, 'authorization', `Bearer ${token}`) };
      }
    }
  };
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

async function fetchToken(
  session: HttpSession,
  auth: OAuth2,
  options: AuthResolverOptions | undefined,
): Promise<{ token: string; expiresInSeconds: number | undefined }> {
  const fields: Record<string, string> = { grant_type: 'client_credentials' };
  if (auth.scope) fields.scope = auth.scope;
  if (auth.audience) fields.audience = auth.audience;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (auth.clientAuth === 'body') {
    fields.client_id = auth.clientId;
    fields.client_secret = auth.clientSecret;
  } else {
    // RFC 6749 §2.3.1: both parts are form-encoded before Base64.
    headers.authorization = basic(formEncode(auth.clientId), formEncode(auth.clientSecret));
  }
  const where = `OAuth2 token request to ${auth.tokenUrl}`;
  let response: Awaited<ReturnType<HttpSession['send']>>;
  try {
    response = await session.send({
      method: 'POST',
      url: auth.tokenUrl,
      headers,
      body: { kind: 'form', fields },
      timeoutMs: options?.timeoutMs ?? TOKEN_TIMEOUT_MS,
      followRedirects: true,
      maxRedirects: 5,
      signal: options?.signal,
    });
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    throw new HttpError(error.code, `${where} failed: ${error.message}`, {
      cause: error,
      timings: error.timings,
    });
  }
  const text = response.body.toString('utf8');
  let document: {
    access_token?: unknown;
    expires_in?: unknown;
    error?: unknown;
    error_description?: unknown;
  } = {};
  try {
    document = JSON.parse(text) as typeof document;
  } catch {
    // Reported below as a missing token, with the status and the start of the body.
  }
  if (response.status < 200 || response.status >= 300) {
    const reason = [document.error, document.error_description]
      .filter((part) => typeof part === 'string')
      .join(': ');
    throw new HttpError(
      'AUTH',
      `${where} failed with status ${response.status}${reason ? ` (${reason})` : ''}`,
    );
  }
  if (typeof document.access_token !== 'string' || document.access_token === '') {
    throw new HttpError(
      'AUTH',
      `${where} returned status ${response.status} without an access_token: ${text.slice(0, 200)}`,
    );
  }
  const expiresIn = Number(document.expires_in);
  return {
    token: document.access_token,
    expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined,
  };
}

function formEncode(value: string): string {
  return encodeForm({ v: value }).slice(2);
}
