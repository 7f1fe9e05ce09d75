/**
 * Checks a step's `expect` against a response: one `AssertionResult` per matcher keyword (one for the
 * status, one for the schema), in the order status, headers, json, body, schema, latency, size.
 *
 * - header values are compared as text (`content-length: 42` matches `"42"`); a missing header is
 *   `nothing`; several values are joined with ", ".
 * - a JSONPath with no match gives `nothing`, one match its value, several the list of matches.
 * - a body that is not JSON fails every `json` and `schema` assertion with the parse error.
 * - `latency` is the total time in ms, `size` the decoded body in bytes.
 * Large actual values are kept truncated in results (`boundForResult`); messages are always short.
 */
import type { Expect, Matcher } from '../suite/schema.ts';
import { compileJsonPath } from './jsonpath.ts';
import { evaluateMatcher, type MatcherOptions, matcherEntries } from './matchers.ts';
import type { AssertionKind, AssertionResult } from './model.ts';
import { collapseMatches, headerValue, type ResponseView } from './response-view.ts';
import type { CompileSchema } from './schema-validator.ts';
import { boundForResult } from './values.ts';

export type { ResponseView } from './response-view.ts';

export interface AssertionsDeps {
  /** One compiler per run (`createSchemaCompiler()`), so each schema compiles once. */
  compileSchema: CompileSchema;
}

export function checkExpectations(
  expect: Expect,
  response: ResponseView,
  deps: AssertionsDeps,
): AssertionResult[] {
  const results: AssertionResult[] = [];
  if (expect.status !== undefined) results.push(checkStatus(expect.status, response.status));
  for (const [name, matcher] of Object.entries(expect.headers ?? {})) {
    const value = headerValue(response.headers, name);
    results.push(...check('header', name, matcher, value, `header ${name}`, { coerceToString: true }));
  }
  for (const [path, matcher] of Object.entries(expect.json ?? {})) {
    results.push(...checkJsonPath(path, matcher, response));
  }
  if (expect.body !== undefined) {
    results.push(...check('body', undefined, expect.body, response.text(), 'body', { coerceToString: true }));
  }
  if (expect.schema !== undefined) results.push(checkSchema(expect.schema, response, deps));
  if (expect.latency !== undefined) {
    results.push(...check('latency', undefined, expect.latency, response.totalMs, 'latency'));
  }
  if (expect.size !== undefined)
    results.push(...check('size', undefined, expect.size, response.size, 'size'));
  return results;
}

function check(
  kind: AssertionKind,
  target: string | undefined,
  matcher: Matcher,
  actual: unknown,
  subject: string,
  options?: MatcherOptions,
): AssertionResult[] {
  return evaluateMatcher(matcher, actual, subject, options).map((outcome) => ({
    kind,
    ...(target === undefined ? {} : { target }),
    matcher: outcome.matcher,
    expected: outcome.expected,
    actual: boundForResult(outcome.actual),
    passed: outcome.passed,
    message: outcome.message,
  }));
}

/** Every keyword of the matcher failed with one reason: the value could not even be read. */
function failAll(kind: AssertionKind, target: string, matcher: Matcher, message: string): AssertionResult[] {
  return matcherEntries(matcher).map(([keyword, expected]) => ({
    kind,
    target,
    matcher: keyword,
    expected,
    actual: undefined,
    passed: false,
    message,
  }));
}

function checkJsonPath(path: string, matcher: Matcher, response: ResponseView): AssertionResult[] {
  const body = response.json();
  if (!body.ok) return failAll('json', path, matcher, `response body is not JSON: ${body.error}`);
  let matches: unknown[];
  try {
    matches = compileJsonPath(path)(body.value);
  } catch (error) {
    return failAll('json', path, matcher, error instanceof Error ? error.message : String(error));
  }
  return check('json', path, matcher, collapseMatches(matches), path);
}

type StatusExpectation = NonNullable<Expect['status']>;

function checkStatus(expected: StatusExpectation, status: number): AssertionResult {
  const accepted = Array.isArray(expected) ? expected : [expected];
  const passed = accepted.some((candidate) =>
    typeof candidate === 'number'
      ? candidate === status
      : /^[1-5]xx$/i.test(candidate) && Math.floor(status / 100) === Number(candidate[0]),
  );
  return {
    kind: 'status',
    matcher: 'status',
    expected,
    actual: status,
    passed,
    message: `expected status ${alternatives(accepted.map(String))}, got ${status}`,
  };
}

/** `200`, `200 or 201`, `200, 201 or 204`. */
function alternatives(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function checkSchema(
  schema: Record<string, unknown>,
  response: ResponseView,
  deps: AssertionsDeps,
): AssertionResult {
  const result = { kind: 'schema' as const, matcher: 'schema', expected: schema };
  const body = response.json();
  if (!body.ok) {
    return {
      ...result,
      actual: undefined,
      passed: false,
      message: `response body is not JSON: ${body.error}`,
    };
  }
  const check = deps.compileSchema(schema)(body.value);
  return {
    ...result,
    actual: check.errors,
    passed: check.passed,
    message: check.passed
      ? 'body matches the schema'
      : `body does not match the schema: ${check.errors.join('; ')}`,
  };
}
