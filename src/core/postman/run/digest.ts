/**
 * HTTP Digest auth (RFC 7616) as postman-runtime does it: without a realm and nonce in the collection the
 * request first goes out unauthenticated; a 401/403 carrying a `WWW-Authenticate: Digest` challenge gives
 * them, and the request is sent again, signed. Only that second exchange is reported.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AuthError } from './auth.ts';
import type { PreparedRequest } from './prepare.ts';
import { setHeader } from './prepare.ts';
import type { AuthParams } from './types.ts';

const str = (value: string | boolean | undefined): string =>
  value === undefined || value === false ? '' : value === true ? 'true' : value;

const HASHES: Record<string, string> = {
  MD5: 'md5',
  'MD5-SESS': 'md5',
  'SHA-256': 'sha256',
  'SHA-256-SESS': 'sha256',
  'SHA-512-256': 'sha512-256',
  'SHA-512-256-SESS': 'sha512-256',
};

/** True when the collection gave what signing needs; otherwise the server's challenge is needed first. */
export function hasDigestChallenge(params: AuthParams): boolean {
  return str(params.nonce) !== '' && str(params.realm) !== '';
}

/** The challenge's values merged into the parameters, or undefined when the response is not a challenge. */
export function fromChallenge(
  params: AuthParams,
  status: number,
  headers: Record<string, string | string[]>,
): AuthParams | undefined {
  if (status !== 401 && status !== 403) return undefined;
  const values = headers['www-authenticate'];
  const header = (Array.isArray(values) ? values : [values ?? '']).find((v) => /^digest /i.test(v));
  if (header === undefined) return undefined;
  const field = (name: string): string => new RegExp(`${name}="([^"]*)"`, 'i').exec(header)?.[1] ?? '';
  const next: AuthParams = { ...params, nonce: field('nonce'), realm: field('realm') };
  const opaque = field('opaque');
  if (opaque) next.opaque = opaque;
  const qop = field('qop');
  if (qop)
    next.qop = qop
      .split(',')
      .map((q) => q.trim())
      .includes('auth')
      ? 'auth'
      : qop;
  if (next.qop) {
    next.clientNonce = randomBytes(6).toString('base64url').slice(0, 8);
    next.nonceCount = '00000001';
  }
  return next;
}

/** Sets the Authorization header; mutates `request`. Throws on an algorithm Postman does not know. */
export function signDigest(params: AuthParams, request: PreparedRequest): void {
  const username = str(params.username);
  const realm = str(params.realm);
  if (!username || !realm) return;
  const algorithm = str(params.algorithm) || 'MD5';
  const hashName = HASHES[algorithm.toUpperCase()];
  if (hashName === undefined) throw new AuthError(`unsupported digest algorithm: ${algorithm}`);
  const hash = (text: string): string => createHash(hashName).update(text).digest('hex');
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(request.url) ? request.url : `http://${request.url}`);
  const uri = url.pathname + url.search;
  const nonce = str(params.nonce);
  const clientNonce = str(params.clientNonce);
  const nonceCount = str(params.nonceCount);
  const qop = str(params.qop);
  const sess = algorithm.toLowerCase().endsWith('-sess');
  const a1 = sess
    ? `${hash(`${username}:${realm}:${str(params.password)}`)}:${nonce}:${clientNonce}`
    : `${username}:${realm}:${str(params.password)}`;
  const a2 = `${request.method}:${uri}`;
  const response =
    qop === 'auth'
      ? hash([hash(a1), nonce, nonceCount, clientNonce, qop, hash(a2)].join(':'))
      : hash([hash(a1), nonce, hash(a2)].join(':'));
  const parts = [`username="${username}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${uri}"`];
  parts.push(`algorithm="${algorithm}"`);
  if (qop === 'auth') parts.push(`qop=${qop}`);
  if (qop === 'auth' || algorithm === 'MD5-sess') {
    if (nonceCount) parts.push(`nc=${nonceCount}`);
    parts.push(`cnonce="${clientNonce}"`);
  }
  parts.push(`response="${response}"`);
  if (str(params.opaque)) parts.push(`opaque="${str(params.opaque)}"`);
  setHeader(request.headers, 'Authorization', `Digest ${parts.join(', ')}`);
}
