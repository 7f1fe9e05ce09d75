/**
 * OAuth 1.0a request signing (RFC 5849 §3.4) with Postman's parameters and placement rules: HMAC-SHA1
 * (the common case), HMAC-SHA256/512, RSA-SHA1/256/512 and PLAINTEXT; the signature goes into the
 * Authorization header (`addParamsToHeader`), the urlencoded body of a POST/PUT, or the query.
 */
import { createHmac, createSign, randomBytes } from 'node:crypto';
import { appendQuery, type PreparedRequest, removeQuery } from './prepare.ts';
import type { AuthParams } from './types.ts';

const OAUTH_KEYS = [
  'oauth_consumer_key',
  'oauth_token',
  'oauth_signature_method',
  'oauth_timestamp',
  'oauth_nonce',
  'oauth_version',
  'oauth_signature',
  'oauth_callback',
  'oauth_verifier',
  'oauth_body_hash',
];

/** RFC 3986 unreserved characters stay, everything else is %XX (upper case). */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const str = (value: string | boolean | undefined): string =>
  value === undefined || value === false ? '' : value === true ? 'true' : value;

export function oauth1Sign(params: AuthParams, request: PreparedRequest): void {
  const method = str(params.signatureMethod) || 'HMAC-SHA1';
  const [algorithm = 'HMAC', hash = 'SHA1'] = method.toUpperCase().split('-');
  const consumerKey = str(params.consumerKey);
  if (!consumerKey) return;
  if (algorithm === 'RSA' ? !str(params.privateKey) : !str(params.consumerSecret)) return;

  request.headers = request.headers.filter((h) => h.key.toLowerCase() !== 'authorization');
  for (const key of OAUTH_KEYS) request.url = removeQuery(request.url, key);
  const form = request.body?.mode === 'urlencoded' ? request.body.urlencoded : undefined;
  if (form && request.body) request.body.urlencoded = form.filter((f) => !OAUTH_KEYS.includes(f.key));

  const addEmpty = params.addEmptyParamsToSign === true;
  const candidates: [string, string][] = [
    ['oauth_consumer_key', consumerKey],
    ['oauth_token', str(params.token)],
    ['oauth_signature_method', method],
    ['oauth_timestamp', str(params.timestamp) || String(Math.floor(Date.now() / 1000))],
    ['oauth_nonce', str(params.nonce) || nonce(11)],
    ['oauth_version', str(params.version)],
  ];
  // Extensions are signed only when given, whatever addEmptyParamsToSign says (postman-app-support #8737).
  for (const [key, name] of [
    ['oauth_callback', 'callback'],
    ['oauth_verifier', 'verifier'],
  ] as const) {
    if (str(params[name])) candidates.push([key, str(params[name])]);
  }
  const oauthParams = candidates.filter(([, value]) => addEmpty || value.trim() !== '');

  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(request.url) ? request.url : `http://${request.url}`);
  const signed: [string, string][] = [...oauthParams, ...url.searchParams];
  if (request.body?.mode === 'urlencoded') {
    for (const field of request.body.urlencoded ?? []) signed.push([field.key, field.value]);
  }
  const base = baseString(request.method, url, signed);
  const signature = sign(algorithm, hash, base, params);
  oauthParams.push(['oauth_signature', signature]);

  if (params.addParamsToHeader === true || params.addParamsToHeader === 'true') {
    const realm = str(params.realm).trim();
    const parts = realm ? [`realm="${percentEncode(realm)}"`] : [];
    for (const [key, value] of oauthParams) {
      if (value) parts.push(`${percentEncode(key)}="${percentEncode(value.trim())}"`);
    }
    request.headers.push({ key: 'Authorization', value: `OAuth ${parts.join(',')}` });
  } else if (/PUT|POST/.test(request.method) && request.body?.mode === 'urlencoded') {
    for (const [key, value] of oauthParams) request.body.urlencoded?.push({ key, value });
  } else {
    for (const [key, value] of oauthParams) request.url = appendQuery(request.url, key, value);
  }
}

function baseString(method: string, url: URL, params: [string, string][]): string {
  const defaultPort =
    (url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443');
  const host = url.port && !defaultPort ? `${url.hostname}:${url.port}` : url.hostname;
  const baseUrl = `${url.protocol.toLowerCase()}//${host.toLowerCase()}${url.pathname}`;
  const normalised = params
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? compare(av, bv) : compare(ak, bk)))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return [method.toUpperCase(), percentEncode(baseUrl), percentEncode(normalised)].join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sign(algorithm: string, hash: string, base: string, params: AuthParams): string {
  const key = `${percentEncode(str(params.consumerSecret))}&${percentEncode(str(params.tokenSecret))}`;
  const digest = hash === 'SHA256' ? 'sha256' : hash === 'SHA512' ? 'sha512' : 'sha1';
  if (algorithm === 'PLAINTEXT') return key;
  if (algorithm === 'RSA') {
    return createSign(`RSA-${digest.toUpperCase()}`).update(base).sign(str(params.privateKey), 'base64');
  }
  return createHmac(digest, key).update(base).digest('base64');
}

function nonce(length: number): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += chars[byte % chars.length];
  return out;
}
