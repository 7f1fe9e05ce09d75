/**
 * Checks the schema cannot express: JSONPath and regular-expression syntax, template syntax, and names
 * that would hide the `secrets` and `env` namespaces. They read the raw document defensively, so they
 * run even when the schema found errors and every problem is reported at once.
 */
import { compileJsonPath } from '../runner/jsonpath.ts';
import { compileRegex } from '../runner/regex.ts';
import type { DocumentPath } from './errors.ts';
import { checkTemplate } from './template-syntax.ts';

export interface SemanticProblem {
  path: DocumentPath;
  /** Whether the problem is the key at `path` (a JSONPath in `expect.json`, a capture name) or its value. */
  at: 'key' | 'value';
  message: string;
  suggestion?: string;
}

const RESERVED_NAMES = new Set(['secrets', 'env']);
const MATCHER_PLACES = ['body', 'latency', 'size'] as const;

export function checkSemantics(data: unknown): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  if (!isRecord(data)) return problems;
  // Templates are rendered in the defaults and in each step's request, expectations and skip condition;
  // elsewhere (variables, iteration rows, names) text is taken as written.
  checkTemplates(data.defaults, ['defaults'], problems);
  for (const place of ['variables'] as const) {
    if (isRecord(data[place])) reservedNames(data[place], [place], 'variable', problems);
  }
  if (Array.isArray(data.iterations)) {
    data.iterations.forEach((row, index) => {
      if (isRecord(row)) reservedNames(row, ['iterations', index], 'iteration variable', problems);
    });
  }
  if (Array.isArray(data.steps)) {
    data.steps.forEach((step, index) => {
      if (isRecord(step)) checkStep(step, ['steps', index], problems);
    });
  }
  return problems;
}

function checkStep(step: Record<string, unknown>, path: DocumentPath, problems: SemanticProblem[]): void {
  for (const place of ['request', 'expect', 'skip'] as const)
    checkTemplates(step[place], [...path, place], problems);
  const capture = step.capture;
  if (isRecord(capture)) {
    reservedNames(capture, [...path, 'capture'], 'capture', problems);
    for (const [name, spec] of Object.entries(capture)) {
      const at = [...path, 'capture', name];
      if (typeof spec === 'string') jsonPath(spec, at, 'value', problems);
      else if (isRecord(spec) && typeof spec.json === 'string')
        jsonPath(spec.json, [...at, 'json'], 'value', problems);
      else if (isRecord(spec) && typeof spec.regex === 'string')
        regex(spec.regex, [...at, 'regex'], problems);
    }
  }
  const expect = step.expect;
  if (!isRecord(expect)) return;
  if (isRecord(expect.json)) {
    for (const [expression, matcher] of Object.entries(expect.json)) {
      const at = [...path, 'expect', 'json', expression];
      jsonPath(expression, at, 'key', problems);
      matcherRegexes(matcher, at, problems);
    }
  }
  if (isRecord(expect.headers)) {
    for (const [name, matcher] of Object.entries(expect.headers)) {
      matcherRegexes(matcher, [...path, 'expect', 'headers', name], problems);
    }
  }
  for (const place of MATCHER_PLACES) matcherRegexes(expect[place], [...path, 'expect', place], problems);
}

function matcherRegexes(matcher: unknown, path: DocumentPath, problems: SemanticProblem[]): void {
  if (!isRecord(matcher)) return;
  if (typeof matcher.matches === 'string') regex(matcher.matches, [...path, 'matches'], problems);
  matcherRegexes(matcher.length, [...path, 'length'], problems);
}

function jsonPath(
  expression: string,
  path: DocumentPath,
  at: 'key' | 'value',
  problems: SemanticProblem[],
): void {
  try {
    compileJsonPath(expression);
  } catch (error) {
    problems.push({ path, at, ...explainJsonPath(expression, error) });
  }
}

function explainJsonPath(expression: string, error: unknown): { message: string; suggestion?: string } {
  const shown = JSON.stringify(expression);
  if (!expression.startsWith('$')) {
    const suggestion = /^[.[]/.test(expression) ? `$${expression}` : `$.${expression}`;
    return {
      message: `invalid JSONPath ${shown}: a JSONPath starts with $, like $.id or $.items[0].name`,
      suggestion,
    };
  }
  const reason = error instanceof Error ? error.message : String(error);
  const found = /but (.+) found\.?$/s.exec(reason)?.[1];
  const what =
    found === undefined ? reason : found === 'end of input' ? 'it ends too early' : `unexpected ${found}`;
  return { message: `invalid JSONPath ${shown}: ${what} (RFC 9535 syntax, like $.items[0].name)` };
}

function regex(source: string, path: DocumentPath, problems: SemanticProblem[]): void {
  // A pattern with templates is only complete once rendered.
  if (source.includes('{{')) return;
  const compiled = compileRegex(source);
  if (compiled.ok) return;
  const flagsHint = /flags/i.test(compiled.error)
    ? ' (a pattern written /…/ ends with its flags: escape a slash inside as \\/)'
    : '';
  problems.push({ path, at: 'value', message: compiled.error + flagsHint });
}

function reservedNames(
  names: Record<string, unknown>,
  path: DocumentPath,
  kind: string,
  problems: SemanticProblem[],
): void {
  for (const name of Object.keys(names)) {
    if (!RESERVED_NAMES.has(name)) continue;
    problems.push({
      path: [...path, name],
      at: 'key',
      message: `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} named "${name}" would hide {{ ${name}.NAME }}: choose another name`,
    });
  }
}

function checkTemplates(value: unknown, path: DocumentPath, problems: SemanticProblem[]): void {
  if (typeof value === 'string') {
    for (const problem of checkTemplate(value)) {
      problems.push({
        path,
        at: 'value',
        message: problem.message,
        ...(problem.suggestion === undefined ? {} : { suggestion: problem.suggestion }),
      });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      checkTemplates(item, [...path, index], problems);
    });
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) checkTemplates(item, [...path, key], problems);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
