/**
 * JSONPath with the semantics of RFC 9535, through `jsonpath-rfc9535` (no dependencies, passes the
 * JSONPath Compliance Test Suite). Expressions are compiled once and cached: a suite repeats the same
 * few paths for every step and iteration.
 */
import { query } from 'jsonpath-rfc9535';

export type JsonPathQuery = (document: unknown) => unknown[];

const cache = new Map<string, JsonPathQuery>();

/** Throws `JsonPathSyntaxError` for an invalid expression. */
export function compileJsonPath(expression: string): JsonPathQuery {
  let compiled = cache.get(expression);
  if (compiled === undefined) {
    try {
      query({}, expression);
    } catch (error) {
      throw new JsonPathSyntaxError(expression, error instanceof Error ? error.message : String(error));
    }
    compiled = (document) => query(document as never, expression) as unknown[];
    if (cache.size > 10_000) cache.clear();
    cache.set(expression, compiled);
  }
  return compiled;
}

export class JsonPathSyntaxError extends Error {
  readonly expression: string;
  constructor(expression: string, reason: string) {
    super(`invalid JSONPath ${JSON.stringify(expression)}: ${reason}`);
    this.name = 'JsonPathSyntaxError';
    this.expression = expression;
  }
}
