/**
 * From the request a pre-request script left to the one that is sent, as postman-runtime does it:
 * `:name` path segments filled from the url variables, `{{variables}}` resolved everywhere, disabled
 * headers, parameters and fields dropped, the body pruned from GET-like methods unless
 * `disableBodyPruning`, and Postman's implicit headers added where the request has none.
 */
import { randomUUID } from 'node:crypto';
import type { ProfileBehavior } from '../collection/types.ts';
import type { PmFormDataParam, PmKeyValue, PmRequestBody, PmRequestData } from '../sandbox/index.ts';

export interface PreparedRequest {
  method: string;
  url: string;
  /** Enabled headers only, resolved, in order. */
  headers: PmKeyValue[];
  /** Resolved, enabled parts only; `null` when nothing is sent. */
  body: PmRequestBody | null;
}

/** postman-runtime sends no body with these unless `disableBodyPruning` is set. */
const METHODS_WITHOUT_BODY = new Set(['GET', 'COPY', 'HEAD', 'PURGE', 'UNLOCK']);

const RAW_CONTENT_TYPES: Record<string, string> = {
  html: 'text/html',
  text: 'text/plain',
  json: 'application/json',
  javascript: 'application/javascript',
  xml: 'application/xml',
};

export function prepareRequest(
  request: PmRequestData,
  resolve: (text: string) => string,
  profile: ProfileBehavior,
): PreparedRequest {
  const method = resolve(request.method || 'GET').toUpperCase();
  const url = resolve(withPathVariables(request.url, request.urlVariables ?? []));
  const headers = enabled(request.headers).map((h) => ({ key: resolve(h.key), value: resolve(h.value) }));
  let body = request.body ? resolveBody(request.body, resolve) : null;
  if (body && METHODS_WITHOUT_BODY.has(method) && profile.disableBodyPruning !== true) body = null;
  if (body) addBodyContentType(body, headers);
  addSystemHeaders(headers);
  return { method, url, headers, body };
}

/** `:id` path segments take their value from `url.variable` (the text after a `.` is kept: `:id.json`). */
export function withPathVariables(url: string, variables: readonly PmKeyValue[]): string {
  if (variables.length === 0 || !url.includes(':')) return url;
  const cut = url.search(/[?#]/);
  const head = cut < 0 ? url : url.slice(0, cut);
  const tail = cut < 0 ? '' : url.slice(cut);
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(head)?.[0].length ?? 0;
  const pathAt = head.indexOf('/', scheme);
  if (pathAt < 0) return url;
  const values = new Map<string, string>();
  for (const v of variables)
    if (!v.disabled && typeof v.value === 'string' && v.value !== '') values.set(v.key, v.value);
  const path = head
    .slice(pathAt)
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment;
      const dot = segment.indexOf('.');
      const key = segment.slice(1, dot < 0 ? undefined : dot);
      const value = values.get(key);
      return value === undefined ? segment : value + segment.slice(key.length + 1);
    })
    .join('/');
  return head.slice(0, pathAt) + path + tail;
}

function enabled<T extends { disabled?: boolean }>(items: readonly T[] | undefined): T[] {
  return (items ?? []).filter((item) => item.disabled !== true);
}

function resolveBody(body: PmRequestBody, resolve: (text: string) => string): PmRequestBody | null {
  if (body.disabled) return null;
  const out: PmRequestBody = { mode: body.mode };
  if (body.options) out.options = body.options;
  switch (body.mode) {
    case 'raw':
      if (!body.raw) return null;
      out.raw = resolve(body.raw);
      return out;
    case 'urlencoded': {
      const fields = enabled(body.urlencoded);
      if (fields.length === 0) return null;
      out.urlencoded = fields.map((f) => ({ key: resolve(f.key), value: resolve(f.value ?? '') }));
      return out;
    }
    case 'formdata': {
      const fields = enabled(body.formdata);
      if (fields.length === 0) return null;
      out.formdata = fields.map((f) => resolveFormField(f, resolve));
      return out;
    }
    case 'file':
      if (!body.file?.src && !body.file?.content) return null;
      out.file = {};
      if (body.file.src) out.file.src = resolve(body.file.src);
      if (body.file.content !== undefined) out.file.content = body.file.content;
      return out;
    case 'graphql': {
      if (!body.graphql) return null;
      out.graphql = {};
      if (body.graphql.query !== undefined) out.graphql.query = resolve(body.graphql.query);
      if (body.graphql.variables !== undefined) out.graphql.variables = resolve(body.graphql.variables);
      return out;
    }
    default:
      return null;
  }
}

function resolveFormField(field: PmFormDataParam, resolve: (text: string) => string): PmFormDataParam {
  const out: PmFormDataParam = { key: resolve(field.key), type: field.type === 'file' ? 'file' : 'text' };
  if (out.type === 'file') {
    if (typeof field.src === 'string') out.src = resolve(field.src);
    else if (Array.isArray(field.src)) out.src = field.src.map(resolve);
    else out.src = null;
  } else {
    out.value = resolve(typeof field.value === 'string' ? field.value : String(field.value ?? ''));
  }
  if (field.contentType) out.contentType = resolve(field.contentType);
  return out;
}

export function findHeader(headers: readonly PmKeyValue[], name: string): PmKeyValue | undefined {
  const lower = name.toLowerCase();
  for (let i = headers.length - 1; i >= 0; i--) {
    const header = headers[i] as PmKeyValue;
    if (header.key.toLowerCase() === lower) return header;
  }
  return undefined;
}

/** Replaces every header of that name (any case) with one. */
export function setHeader(headers: PmKeyValue[], key: string, value: string): void {
  const lower = key.toLowerCase();
  for (let i = headers.length - 1; i >= 0; i--)
    if (headers[i]?.key.toLowerCase() === lower) headers.splice(i, 1);
  headers.push({ key, value });
}

function addBodyContentType(body: PmRequestBody, headers: PmKeyValue[]): void {
  if (findHeader(headers, 'content-type')) return;
  if (body.mode === 'raw') {
    const language = (body.options?.raw as { language?: unknown } | undefined)?.language;
    const type = (typeof language === 'string' && RAW_CONTENT_TYPES[language]) || 'text/plain';
    headers.push({ key: 'Content-Type', value: type });
  } else if (body.mode === 'graphql') {
    headers.push({ key: 'Content-Type', value: 'application/json' });
  }
}

/** What postman-runtime adds to every request the collection did not set itself (User-Agent comes from the session). */
function addSystemHeaders(headers: PmKeyValue[]): void {
  if (!findHeader(headers, 'accept')) headers.push({ key: 'Accept', value: '*/*' });
  if (!findHeader(headers, 'cache-control')) headers.push({ key: 'Cache-Control', value: 'no-cache' });
  if (!findHeader(headers, 'postman-token')) headers.push({ key: 'Postman-Token', value: randomUUID() });
}

/** Adds a query parameter, keeping a `#fragment` at the end. */
export function appendQuery(url: string, key: string, value: string): string {
  const hashAt = url.indexOf('#');
  const base = hashAt < 0 ? url : url.slice(0, hashAt);
  const hash = hashAt < 0 ? '' : url.slice(hashAt);
  const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${separator}${encodeQueryPart(key)}=${encodeQueryPart(value)}${hash}`;
}

function encodeQueryPart(text: string): string {
  return encodeURIComponent(text).replace(/%7B/g, '{').replace(/%7D/g, '}');
}

/** Removes every query parameter with that key. */
export function removeQuery(url: string, key: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt < 0) return url;
  const hashAt = url.indexOf('#', queryAt);
  const query = url.slice(queryAt + 1, hashAt < 0 ? undefined : hashAt);
  const kept = query.split('&').filter((pair) => pair !== '' && decodeSafe(pair.split('=')[0] ?? '') !== key);
  const hash = hashAt < 0 ? '' : url.slice(hashAt);
  return url.slice(0, queryAt) + (kept.length > 0 ? `?${kept.join('&')}` : '') + hash;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
