/**
 * The bridge between Postman's request and response shapes and the engine's HTTP session: a prepared
 * request becomes an `HttpRequest` (bodies, form files relative to the working directory), an
 * `HttpResponse` becomes what scripts see as `pm.response` and what reports record.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { excerptOf } from '../../runner/evidence.ts';
import {
  HttpError,
  type HttpRequest,
  type HttpResponse,
  type MultipartPart,
} from '../../runner/http/types.ts';
import type { PmKeyValue, PmRequestBody, PmRequestData, PmResponseData } from '../sandbox/index.ts';
import type { PreparedRequest } from './prepare.ts';
import type { ExecutedRequest, ExecutedResponse } from './types.ts';

export interface SendOptions {
  workingDir: string;
  /** `--no-insecure-file-read`: body files must be inside the working directory. */
  restrictFiles?: boolean;
  timeoutMs: number;
  followRedirects: boolean;
  maxRedirects: number;
  signal?: AbortSignal;
}

/** Postman sends scheme-less URLs (`localhost:3000/x`) over http. */
export function withScheme(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
}

export async function toHttpRequest(prepared: PreparedRequest, options: SendOptions): Promise<HttpRequest> {
  const request: HttpRequest = {
    method: prepared.method,
    url: withScheme(prepared.url.trim()),
    headers: headerRecord(prepared.headers),
    timeoutMs: options.timeoutMs,
    followRedirects: options.followRedirects,
    maxRedirects: options.maxRedirects,
  };
  if (options.signal) request.signal = options.signal;
  if (prepared.body) {
    const body = await toEngineBody(prepared.body, options);
    if (body) request.body = body;
  }
  return request;
}

/** Repeated names (any case) are joined with ", " under the first spelling, as HTTP allows. */
function headerRecord(headers: readonly PmKeyValue[]): Record<string, string> {
  const out: Record<string, string> = {};
  const names = new Map<string, string>();
  for (const { key, value } of headers) {
    if (key === '') continue;
    const lower = key.toLowerCase();
    const name = names.get(lower);
    if (name === undefined) {
      names.set(lower, key);
      out[key] = value;
    } else {
      out[name] = `${out[name]}, ${value}`;
    }
  }
  return out;
}

async function toEngineBody(body: PmRequestBody, options: SendOptions): Promise<HttpRequest['body']> {
  switch (body.mode) {
    case 'raw':
      return { kind: 'raw', text: body.raw ?? '' };
    case 'graphql':
      return { kind: 'raw', text: graphqlText(body.graphql ?? {}) };
    case 'urlencoded': {
      const fields: Record<string, string | string[]> = {};
      for (const { key, value } of body.urlencoded ?? []) {
        const prior = fields[key];
        fields[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
      }
      return { kind: 'form', fields };
    }
    case 'formdata': {
      const parts: MultipartPart[] = [];
      for (const field of body.formdata ?? []) {
        const sources = field.type === 'file' ? [field.src ?? []].flat() : [];
        if (field.type === 'file' && sources.length > 0) {
          for (const src of sources) {
            const part: MultipartPart = { name: field.key, file: bodyFile(src, options) };
            if (field.contentType) part.contentType = field.contentType;
            parts.push(part);
          }
        } else {
          const part: MultipartPart = { name: field.key, value: field.value ?? '' };
          if (field.contentType) part.contentType = field.contentType;
          parts.push(part);
        }
      }
      return { kind: 'multipart', parts };
    }
    case 'file': {
      if (body.file?.content !== undefined) return { kind: 'raw', text: body.file.content };
      const file = bodyFile(body.file?.src ?? '', options);
      try {
        return { kind: 'raw', text: await readFile(file, 'utf8') };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new HttpError(
          'FILE_NOT_FOUND',
          `cannot read the body file ${file}: ${code === 'ENOENT' ? 'no such file' : String(code)}`,
          {
            cause: error,
          },
        );
      }
    }
    default:
      return undefined;
  }
}

/** Resolves a body file against the working directory, refusing an escape when files are restricted. */
function bodyFile(src: string, options: SendOptions): string {
  const file = path.resolve(options.workingDir, src);
  const inside = path.relative(options.workingDir, file);
  if (options.restrictFiles && (inside.startsWith('..') || path.isAbsolute(inside))) {
    throw new HttpError(
      'FILE_NOT_FOUND',
      `cannot read ${file}: it is outside the working directory ${options.workingDir} (--no-insecure-file-read)`,
    );
  }
  return file;
}

/** As postman-runtime writes it: variables given as text are inserted verbatim. */
function graphqlText(graphql: { query?: string; variables?: string }): string {
  const parts: string[] = [];
  if (typeof graphql.query === 'string') parts.push(`"query":${JSON.stringify(graphql.query)}`);
  if (typeof graphql.variables === 'string' && graphql.variables !== '')
    parts.push(`"variables":${graphql.variables}`);
  return `{${parts.join(',')}}`;
}

export function headerList(headers: Record<string, string | string[]>): PmKeyValue[] {
  const out: PmKeyValue[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const item of value) out.push({ key, value: item });
    else out.push({ key, value });
  }
  return out;
}

export function toPmResponse(response: HttpResponse): PmResponseData {
  return {
    code: response.status,
    status: response.statusText,
    headers: headerList(response.headers),
    body: response.body.toString('utf8'),
    responseTime: Math.round(response.timings.total),
    responseSize: response.size,
  };
}

/**
 * What test scripts see when the request failed: postman-runtime hands them an empty response, whose code
 * is undefined (it is left out of the JSON, so the sandbox reads it as NaN: equal to no status).
 */
export function emptyPmResponse(): PmResponseData {
  return {
    code: undefined as unknown as number,
    status: '',
    headers: [],
    body: '',
    responseTime: 0,
    responseSize: 0,
  };
}

/** The request as test scripts see it: what was sent, auth included. */
export function sentPmRequest(prepared: PreparedRequest): PmRequestData {
  return { url: prepared.url, method: prepared.method, headers: prepared.headers, body: prepared.body };
}

export function executedRequest(
  prepared: PreparedRequest,
  response: HttpResponse | undefined,
  excerptBytes: number,
): ExecutedRequest {
  if (response === undefined)
    return { method: prepared.method, url: withScheme(prepared.url), headers: prepared.headers };
  const sent = response.sent;
  const out: ExecutedRequest = { method: sent.method, url: sent.url, headers: headerList(sent.headers) };
  if (sent.body !== undefined && sent.body !== '') {
    out.body = excerptOf(sent.body, contentType(sent.headers), excerptBytes);
  }
  return out;
}

export function executedResponse(response: HttpResponse, excerptBytes: number): ExecutedResponse {
  return {
    code: response.status,
    status: response.statusText,
    headers: headerList(response.headers),
    responseTime: Math.round(response.timings.total),
    responseSize: response.size,
    body: excerptOf(response.body, contentType(response.headers), excerptBytes),
    timings: response.timings,
  };
}

function contentType(headers: Record<string, string | string[]>): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === 'content-type') return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
