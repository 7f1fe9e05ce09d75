/**
 * Turns a step's rendered request (templates already applied) and the suite's defaults into the HTTP
 * layer's request. Pure: no I/O, so the precedence rules are testable on their own.
 */
import { isAbsolute, resolve } from 'node:path';
import type { RequestSpec, Suite } from '../suite/schema.ts';
import type { HttpRequest, MultipartPart, RequestBody } from './http/types.ts';

/** Applied when neither the step nor the suite's defaults say otherwise. */
export const REQUEST_DEFAULTS = { timeoutMs: 30_000, followRedirects: true, maxRedirects: 10 } as const;

type Scalar = string | number | boolean;

export function buildHttpRequest(
  spec: RequestSpec,
  defaults: Suite['defaults'],
  baseDir: string,
  signal: AbortSignal | undefined,
): HttpRequest {
  const request: HttpRequest = {
    method: spec.method,
    url: withQuery(spec.url, spec.query),
    headers: mergeHeaders(defaults?.headers, spec.headers),
    timeoutMs: spec.timeout ?? defaults?.timeout ?? REQUEST_DEFAULTS.timeoutMs,
    followRedirects: spec.followRedirects ?? defaults?.followRedirects ?? REQUEST_DEFAULTS.followRedirects,
    maxRedirects: spec.maxRedirects ?? defaults?.maxRedirects ?? REQUEST_DEFAULTS.maxRedirects,
  };
  const body = bodyOf(spec, baseDir);
  if (body !== undefined) request.body = body;
  if (signal !== undefined) request.signal = signal;
  return request;
}

/** Step headers override default headers of the same name, whatever the case they are written in. */
function mergeHeaders(
  defaults: Record<string, Scalar> | undefined,
  own: Record<string, Scalar> | undefined,
): Record<string, string> {
  const merged: Record<string, string> = {};
  const nameOf = new Map<string, string>();
  for (const source of [defaults, own]) {
    if (source === undefined) continue;
    for (const [name, value] of Object.entries(source)) {
      const lower = name.toLowerCase();
      const previous = nameOf.get(lower);
      if (previous !== undefined && previous !== name) delete merged[previous];
      nameOf.set(lower, name);
      merged[name] = String(value);
    }
  }
  return merged;
}

function withQuery(url: string, query: RequestSpec['query']): string {
  if (query === undefined) return url;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  const text = params.toString();
  if (text === '') return url;
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return base + separator + text;
}

function bodyOf(spec: RequestSpec, baseDir: string): RequestBody | undefined {
  if (spec.json !== undefined) return { kind: 'json', value: spec.json };
  if (spec.body !== undefined) return { kind: 'raw', text: spec.body };
  if (spec.form !== undefined) {
    const fields: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(spec.form)) {
      fields[name] = Array.isArray(value) ? value.map(String) : String(value);
    }
    return { kind: 'form', fields };
  }
  if (spec.multipart !== undefined) {
    const parts: MultipartPart[] = [];
    for (const [name, part] of Object.entries(spec.multipart)) {
      if (typeof part !== 'object') parts.push({ name, value: String(part) });
      else if ('file' in part) {
        const file = isAbsolute(part.file) ? part.file : resolve(baseDir, part.file);
        parts.push({
          name,
          file,
          ...optional('filename', part.filename),
          ...optional('contentType', part.contentType),
        });
      } else parts.push({ name, value: part.value, ...optional('contentType', part.contentType) });
    }
    return { kind: 'multipart', parts };
  }
  return undefined;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
