/**
 * `{{ expr }}` templating for requests, captures' inputs and `skip` conditions.
 *
 * Expressions (whitespace inside the braces is optional):
 * - `name`, `user.id`, `items.0.id` — a variable (suite variables, iteration row, captures); dots walk
 *   into object and array values. A variable whose own name contains dots wins over walking.
 * - `$uuid` (random UUID v4), `$timestamp` (Unix seconds, a number), `$isoTimestamp`
 *   (`2024-05-01T12:00:00.000Z`), `$randomInt` (an integer from 0 to 1000 inclusive, as Postman does).
 * - `secrets.NAME` — a secret; the result is marked tainted so the runner masks it.
 * - `env.NAME` — the process environment, only when the caller provides it (command line, not server).
 *
 * A string that is exactly one expression keeps the value's type (`"{{ count }}"` → 3, an object stays an
 * object); anywhere else values are stringified (objects and arrays as JSON, null as `null`). Values that
 * come out of variables are never rendered again, so captured data cannot inject templates. A `{{` with no
 * closing `}}` is literal text; `{{ anything else }}` is an error rather than silently sent as is.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { closest } from './closest.ts';

export interface TemplateScope {
  variables: Map<string, unknown>;
  secrets: Record<string, string>;
  /** Process environment for `env.*`; undefined where it must not be reachable (the server). */
  env?: Record<string, string | undefined>;
  /** Variable names whose values derive from secrets (a capture of a response to a secret-bearing request). */
  tainted: Set<string>;
  /** Clock in ms for `$timestamp` and `$isoTimestamp`; defaults to `Date.now`. */
  now?: () => number;
}

export class TemplateError extends Error {
  readonly code = 'TEMPLATE';
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

type Expression =
  | { kind: 'variable'; source: string; name: string }
  | { kind: 'dynamic'; source: string; name: string }
  | { kind: 'secret'; source: string; name: string }
  | { kind: 'env'; source: string; name: string };
type Part = string | Expression;

const DYNAMIC = ['$uuid', '$timestamp', '$isoTimestamp', '$randomInt'];
const SEGMENT = '[A-Za-z0-9_-]+';
const EXPRESSION = new RegExp(`^(?:\\$[A-Za-z]+|${SEGMENT}(?:\\.${SEGMENT})*)$`);

// Parsed templates by source text: a suite renders the same few strings for every step and iteration.
const cache = new Map<string, Part[]>();

function parse(template: string): Part[] {
  let parts = cache.get(template);
  if (parts !== undefined) return parts;
  parts = [];
  let position = 0;
  while (position < template.length) {
    const open = template.indexOf('{{', position);
    const close = open === -1 ? -1 : template.indexOf('}}', open + 2);
    if (close === -1) {
      parts.push(template.slice(position));
      break;
    }
    if (open > position) parts.push(template.slice(position, open));
    parts.push(parseExpression(template.slice(open + 2, close).trim()));
    position = close + 2;
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(template, parts);
  return parts;
}

function parseExpression(source: string): Expression {
  if (!EXPRESSION.test(source)) {
    throw new TemplateError(`invalid template expression {{ ${source} }}`);
  }
  if (source.startsWith('$')) {
    if (!DYNAMIC.includes(source)) {
      const hint = closest(source, DYNAMIC);
      throw new TemplateError(
        `unknown dynamic value ${source}${hint ? ` (did you mean ${hint}?)` : ''}; available: ${DYNAMIC.join(', ')}`,
      );
    }
    return { kind: 'dynamic', source, name: source };
  }
  if (source.startsWith('secrets.')) return { kind: 'secret', source, name: source.slice(8) };
  if (source.startsWith('env.')) return { kind: 'env', source, name: source.slice(4) };
  return { kind: 'variable', source, name: source };
}

interface RenderState {
  tainted: boolean;
}

/**
 * Renders every string inside `value` (object and array values, not keys). Returns the input itself when
 * nothing needed rendering. `tainted` is true when a secret or a tainted variable was used.
 * Throws `TemplateError` for an unknown name or an invalid expression.
 */
export function renderValue(value: unknown, scope: TemplateScope): { value: unknown; tainted: boolean } {
  const state: RenderState = { tainted: false };
  return { value: walk(value, scope, state), tainted: state.tainted };
}

function walk(value: unknown, scope: TemplateScope, state: RenderState): unknown {
  if (typeof value === 'string') return renderString(value, scope, state);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const rendered = walk(value[i], scope, state);
      if (rendered !== value[i]) {
        copy ??= value.slice();
        copy[i] = rendered;
      }
    }
    return copy ?? value;
  }
  if (isPlainObject(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const rendered = walk(item, scope, state);
      if (rendered !== item) {
        copy ??= { ...value };
        copy[key] = rendered;
      }
    }
    return copy ?? value;
  }
  return value;
}

function renderString(template: string, scope: TemplateScope, state: RenderState): unknown {
  if (!template.includes('{{')) return template;
  const parts = parse(template);
  if (parts.length === 1 && typeof parts[0] !== 'string' && parts[0] !== undefined) {
    return evaluate(parts[0], scope, state);
  }
  let out = '';
  for (const part of parts) {
    out += typeof part === 'string' ? part : stringify(evaluate(part, scope, state));
  }
  return out;
}

function evaluate(expression: Expression, scope: TemplateScope, state: RenderState): unknown {
  switch (expression.kind) {
    case 'dynamic':
      return dynamic(expression.name, scope);
    case 'secret': {
      if (!Object.hasOwn(scope.secrets, expression.name)) {
        const hint = closest(expression.name, Object.keys(scope.secrets));
        throw new TemplateError(
          `unknown secret ${expression.name}${hint ? ` (did you mean secrets.${hint}?)` : ''}`,
        );
      }
      state.tainted = true;
      return scope.secrets[expression.name];
    }
    case 'env': {
      if (scope.env === undefined) {
        throw new TemplateError('env.* is only available when running from the command line');
      }
      const value = scope.env[expression.name];
      if (value === undefined) {
        throw new TemplateError(`environment variable ${expression.name} is not set`);
      }
      return value;
    }
    case 'variable':
      return lookup(expression.name, scope, state);
  }
}

function dynamic(name: string, scope: TemplateScope): unknown {
  switch (name) {
    case '$uuid':
      return randomUUID();
    case '$timestamp':
      return Math.floor((scope.now ?? Date.now)() / 1000);
    case '$isoTimestamp':
      return new Date((scope.now ?? Date.now)()).toISOString();
    default:
      return randomInt(0, 1001);
  }
}

/** The longest dotted prefix that names a variable, then property access for the rest. */
function lookup(name: string, scope: TemplateScope, state: RenderState): unknown {
  const segments = name.split('.');
  for (let split = segments.length; split > 0; split--) {
    const root = split === segments.length ? name : segments.slice(0, split).join('.');
    if (!scope.variables.has(root)) continue;
    if (scope.tainted.has(root)) state.tainted = true;
    let value = scope.variables.get(root);
    let walked = root;
    for (const segment of segments.slice(split)) {
      if (value === null || typeof value !== 'object') {
        throw new TemplateError(`cannot read ${segment} of ${walked}: it is ${describe(value)}`);
      }
      if (!Object.hasOwn(value, segment)) {
        const hint = Array.isArray(value) ? undefined : closest(segment, Object.keys(value));
        throw new TemplateError(
          `${walked} has no property ${segment}${hint ? ` (did you mean ${walked}.${hint}?)` : ''}`,
        );
      }
      value = (value as Record<string, unknown>)[segment];
      walked += `.${segment}`;
    }
    return value;
  }
  const hint = closest(name, scope.variables.keys());
  throw new TemplateError(`unknown variable ${name}${hint ? ` (did you mean ${hint}?)` : ''}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  return `a ${typeof value}`;
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? '';
    } catch {
      return String(value);
    }
  }
  return String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const FALSY = new Set(['', 'false', '0', 'no', 'off', 'null', 'undefined']);

/** A rendered `skip` condition: false for false, 0, null, undefined and the strings in `FALSY` (any case, trimmed). */
export function isTruthyCondition(rendered: unknown): boolean {
  if (rendered === null || rendered === undefined || rendered === false) return false;
  if (typeof rendered === 'number') return rendered !== 0 && !Number.isNaN(rendered);
  if (typeof rendered === 'string') return !FALSY.has(rendered.trim().toLowerCase());
  return true;
}
