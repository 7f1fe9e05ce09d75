/**
 * Captures: values taken from a response into variables for the next steps.
 * - `"$.id"` or `{ json: "$.id" }`: one match → the value, several → the list, none → an error.
 * - `{ header: name }`: any case; several values joined with ", ".
 * - `{ regex }`: on the body text; the first group, or the whole match when the pattern has no group.
 * - `{ status: true }`: the status code.
 * - `{ cookie: name }`: from the run's cookie jar, as it would be sent to the request's URL.
 * A capture that finds nothing is a step error (code `CAPTURE`); the others still capture.
 */
import type { Capture } from '../suite/schema.ts';
import { compileJsonPath } from './jsonpath.ts';
import type { StepError } from './model.ts';
import { compileRegex, displayRegex } from './regex.ts';
import { collapseMatches, headerValue, type ResponseView } from './response-view.ts';

export interface CaptureResult {
  values: Record<string, unknown>;
  errors: StepError[];
}

export function extractCaptures(
  spec: Record<string, Capture>,
  response: ResponseView,
  cookie: (name: string) => string | undefined,
): CaptureResult {
  const values: Record<string, unknown> = {};
  const errors: StepError[] = [];
  for (const [name, capture] of Object.entries(spec)) {
    const result = extractOne(capture, response, cookie);
    if (result.ok) values[name] = result.value;
    else errors.push({ code: 'CAPTURE', message: `capture ${name}: ${result.error}` });
  }
  return { values, errors };
}

type Extracted = { ok: true; value: unknown } | { ok: false; error: string };

function extractOne(
  capture: Capture,
  response: ResponseView,
  cookie: (name: string) => string | undefined,
): Extracted {
  if (typeof capture === 'string') return fromJson(capture, response);
  if ('json' in capture) return fromJson(capture.json, response);
  if ('header' in capture) {
    const value = headerValue(response.headers, capture.header);
    return value === undefined
      ? { ok: false, error: `the response has no header ${capture.header}` }
      : { ok: true, value };
  }
  if ('regex' in capture) return fromRegex(capture.regex, response.text());
  if ('status' in capture) return { ok: true, value: response.status };
  const value = cookie(capture.cookie);
  return value === undefined
    ? { ok: false, error: `no cookie ${capture.cookie} in the jar` }
    : { ok: true, value };
}

function fromJson(path: string, response: ResponseView): Extracted {
  const body = response.json();
  if (!body.ok) return { ok: false, error: `response body is not JSON: ${body.error}` };
  try {
    const value = collapseMatches(compileJsonPath(path)(body.value));
    return value === undefined ? { ok: false, error: `${path} matched nothing` } : { ok: true, value };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function fromRegex(source: string, text: string): Extracted {
  const compiled = compileRegex(source);
  if (!compiled.ok) return { ok: false, error: compiled.error };
  const match = compiled.regex.exec(text);
  if (match === null) return { ok: false, error: `${displayRegex(source)} matched nothing in the body` };
  // A group that took no part in the match (`(a)?`) captures the empty string, not nothing.
  return { ok: true, value: match.length > 1 ? (match[1] ?? '') : match[0] };
}
