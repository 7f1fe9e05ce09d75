/**
 * JSONPath with the semantics of RFC 9535, through `jsonpath-rfc9535` (no dependencies, passes the
 * JSONPath Compliance Test Suite; see ADR 0004). Expressions are compiled once and cached: a suite
 * repeats the same few paths for every step and iteration.
 *
 * Most paths in suites are singular queries (`$.user.id`, `$.items[0]['name']`): only name and index
 * selectors. The library parses the expression on every evaluation, so for those this module walks the
 * document directly from the parsed path — the same result RFC 9535 defines (a name selects an object's
 * own member, an index an array element, negative from the end; anything else selects nothing).
 */
import { query } from 'jsonpath-rfc9535';
import parse from 'jsonpath-rfc9535/parser';

export type JsonPathQuery = (document: unknown) => unknown[];

const cache = new Map<string, JsonPathQuery>();

/** Throws `JsonPathSyntaxError` for an invalid expression. */
export function compileJsonPath(expression: string): JsonPathQuery {
  let compiled = cache.get(expression);
  if (compiled === undefined) {
    let ast: unknown;
    try {
      ast = parse(expression);
    } catch (error) {
      throw new JsonPathSyntaxError(expression, error instanceof Error ? error.message : String(error));
    }
    const selectors = singularSelectors(ast);
    compiled =
      selectors === undefined
        ? (document) => query(document as never, expression) as unknown[]
        : (document) => walk(document, selectors);
    if (cache.size > 10_000) cache.clear();
    cache.set(expression, compiled);
  }
  return compiled;
}

type Selector = string | number;

interface AstNode {
  type?: string;
  value?: unknown;
  node?: AstNode;
  selectors?: AstNode[];
  segments?: AstNode[];
}

/** The selectors of a singular query, or undefined for any other kind of path. */
function singularSelectors(ast: unknown): Selector[] | undefined {
  const root = ast as AstNode;
  if (root.type !== 'JsonPathQuery' || !Array.isArray(root.segments)) return undefined;
  const selectors: Selector[] = [];
  for (const segment of root.segments) {
    if (segment.type !== 'ChildSegment') return undefined;
    let node = segment.node;
    if (node?.type === 'BracketedSelection') {
      if (node.selectors?.length !== 1) return undefined;
      node = node.selectors[0];
    }
    if (
      (node?.type === 'MemberNameShorthand' || node?.type === 'NameSelector') &&
      typeof node.value === 'string'
    ) {
      selectors.push(node.value);
    } else if (node?.type === 'IndexSelector' && typeof node.value === 'number') {
      selectors.push(node.value);
    } else return undefined;
  }
  return selectors;
}

function walk(document: unknown, selectors: Selector[]): unknown[] {
  let current = document;
  for (const selector of selectors) {
    if (typeof selector === 'string') {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return [];
      if (!Object.hasOwn(current, selector)) return [];
      current = (current as Record<string, unknown>)[selector];
    } else {
      if (!Array.isArray(current)) return [];
      const index = selector < 0 ? current.length + selector : selector;
      if (index < 0 || index >= current.length) return [];
      current = current[index];
    }
  }
  return [current];
}

export class JsonPathSyntaxError extends Error {
  readonly expression: string;
  constructor(expression: string, reason: string) {
    super(`invalid JSONPath ${JSON.stringify(expression)}: ${reason}`);
    this.name = 'JsonPathSyntaxError';
    this.expression = expression;
  }
}
