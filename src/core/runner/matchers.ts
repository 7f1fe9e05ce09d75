/**
 * Matchers: what `expect` compares a value with. A bare value (string, number, boolean, null, list) means
 * `equals`; an object is a matcher object and each keyword is checked, giving one outcome per keyword.
 *
 * | keyword       | passes when                                                                      |
 * |---------------|----------------------------------------------------------------------------------|
 * | `equals`      | deep equality, strict types (`1` ≠ `"1"`), object keys in any order              |
 * | `notEquals`   | not `equals`                                                                     |
 * | `lt` … `gte`  | numbers compared numerically; two strings compared by code unit (ISO dates sort) |
 * | `contains`    | string: substring (a number or boolean is looked for as text); array: an element |
 * |               | deep-equal to it; object: a key of that name                                     |
 * | `notContains` | not `contains` (so it also passes on a missing value)                            |
 * | `matches`     | the regex (`pattern` or `/pattern/flags`) finds a match; non-strings as JSON     |
 * | `exists`      | `true`: the value is present (a JSONPath with no match, a missing header are not) |
 * | `type`        | string, number, integer, boolean, object (not null, not a list), array, null     |
 * | `length`      | a string's or list's length equals the number, or satisfies the nested matcher   |
 * | `in`          | the value equals one of the list                                                 |
 *
 * With `coerceToString` (headers and the body, whose values are always text) a number or boolean written
 * in the suite is compared as its text: `content-length: 42` matches the header `"42"`, and `lt`/`gt`
 * compare a numeric header value as a number.
 *
 * Evaluation never throws: a matcher that makes no sense for the value is a failed outcome with a message.
 */
import type { Matcher } from '../suite/schema.ts';
import { compileRegex, displayRegex } from './regex.ts';
import { asText, deepEqual, formatValue, typeName } from './values.ts';

export interface MatcherOutcome {
  /** The keyword: `equals`, `lt`, …; `length.gt` for a nested length matcher. */
  matcher: string;
  expected: unknown;
  actual: unknown;
  passed: boolean;
  message: string;
}

export interface MatcherOptions {
  /** Compare numbers and booleans written in the suite as text (header and body values). */
  coerceToString?: boolean;
}

/** `subject` names the value in messages: `$.name`, `header content-type`, `body`, `latency`. */
export function evaluateMatcher(
  matcher: Matcher,
  actual: unknown,
  subject: string,
  options: MatcherOptions = {},
): MatcherOutcome[] {
  const outcomes: MatcherOutcome[] = [];
  for (const [keyword, expected] of matcherEntries(matcher)) {
    try {
      const result = evaluateKeyword(keyword, expected, actual, subject, options);
      if (Array.isArray(result)) outcomes.push(...result);
      else outcomes.push(result);
    } catch (error) {
      outcomes.push({
        matcher: keyword,
        expected,
        actual,
        passed: false,
        message: `could not check ${subject} with ${keyword}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  return outcomes;
}

/** The keyword/expected pairs of a matcher: `[['equals', value]]` for a bare value. */
export function matcherEntries(matcher: unknown): Array<[string, unknown]> {
  if (matcher === null || typeof matcher !== 'object' || Array.isArray(matcher)) return [['equals', matcher]];
  return Object.entries(matcher).filter(([, expected]) => expected !== undefined);
}

function evaluateKeyword(
  keyword: string,
  expected: unknown,
  actual: unknown,
  subject: string,
  options: MatcherOptions,
): MatcherOutcome | MatcherOutcome[] {
  const coerce = options.coerceToString === true;
  const got = formatValue(actual);
  const outcome = (passed: boolean, message: string, shown: unknown = actual): MatcherOutcome => ({
    matcher: keyword,
    expected,
    actual: shown,
    passed,
    message,
  });
  switch (keyword) {
    case 'equals':
    case 'notEquals': {
      const equal = looseEqual(expected, actual, coerce);
      const not = keyword === 'notEquals' ? 'not ' : '';
      return outcome(
        keyword === 'equals' ? equal : !equal,
        `expected ${subject} ${not}to equal ${formatValue(expected)}, got ${got}`,
      );
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const phrase = ORDER_PHRASES[keyword];
      const order = compare(actual, expected, coerce);
      const passed = typeof order === 'number' && ORDER_TESTS[keyword](order);
      const note = typeof order === 'string' ? order : '';
      return outcome(
        passed,
        `expected ${subject} to be ${phrase} ${formatValue(expected)}, got ${got}${note}`,
      );
    }
    case 'contains':
    case 'notContains': {
      const found = contains(actual, expected);
      const not = keyword === 'notContains' ? 'not ' : '';
      const what = isObject(actual) ? 'key ' : '';
      return outcome(
        keyword === 'contains' ? found : !found,
        `expected ${subject} ${not}to contain ${what}${formatValue(expected)}, got ${got}`,
      );
    }
    case 'matches': {
      if (typeof expected !== 'string') {
        return outcome(
          false,
          `expected ${subject} to match a pattern, but ${formatValue(expected)} is not one`,
        );
      }
      const compiled = compileRegex(expected);
      if (!compiled.ok) return outcome(false, compiled.error);
      const passed = actual !== undefined && compiled.regex.test(asText(actual));
      return outcome(passed, `expected ${subject} to match ${displayRegex(expected)}, got ${got}`);
    }
    case 'exists': {
      const wanted = expected !== false;
      const passed = (actual !== undefined) === wanted;
      return outcome(passed, `expected ${subject} ${wanted ? '' : 'not '}to exist, got ${got}`);
    }
    case 'type': {
      const passed = hasType(actual, expected);
      const note = actual === undefined ? '' : ` (${describeType(typeName(actual))})`;
      return outcome(passed, `expected ${subject} to be ${describeType(expected)}, got ${got}${note}`);
    }
    case 'length':
      return lengthOutcomes(expected, actual, subject, outcome);
    case 'in': {
      if (!Array.isArray(expected)) {
        return outcome(
          false,
          `expected ${subject} to be one of a list, but ${formatValue(expected)} is not a list`,
        );
      }
      const passed = expected.some((candidate) => looseEqual(candidate, actual, coerce));
      return outcome(passed, `expected ${subject} to be one of ${formatValue(expected)}, got ${got}`);
    }
    default:
      return outcome(false, `unknown matcher ${JSON.stringify(keyword)} for ${subject}`);
  }
}

function lengthOutcomes(
  expected: unknown,
  actual: unknown,
  subject: string,
  outcome: (passed: boolean, message: string, shown?: unknown) => MatcherOutcome,
): MatcherOutcome | MatcherOutcome[] {
  const length = typeof actual === 'string' || Array.isArray(actual) ? actual.length : undefined;
  const got = length === undefined ? withNote(actual, ' (no length)') : String(length);
  if (typeof expected === 'number') {
    return outcome(length === expected, `expected ${subject} to have length ${expected}, got ${got}`, length);
  }
  if (length === undefined) {
    return outcome(false, `expected ${subject} to have a length, got ${got}`);
  }
  return evaluateMatcher(expected as Matcher, length, `the length of ${subject}`).map((nested) => ({
    ...nested,
    matcher: `length.${nested.matcher}`,
  }));
}

function withNote(actual: unknown, note: string): string {
  return actual === undefined ? 'nothing' : `${formatValue(actual)}${note}`;
}

function looseEqual(expected: unknown, actual: unknown, coerce: boolean): boolean {
  if (
    coerce &&
    typeof actual === 'string' &&
    (typeof expected === 'number' || typeof expected === 'boolean')
  ) {
    return String(expected) === actual;
  }
  return deepEqual(expected, actual);
}

const ORDER_PHRASES = {
  lt: 'less than',
  lte: 'less than or equal to',
  gt: 'greater than',
  gte: 'greater than or equal to',
} as const;

const ORDER_TESTS = {
  lt: (order: number) => order < 0,
  lte: (order: number) => order <= 0,
  gt: (order: number) => order > 0,
  gte: (order: number) => order >= 0,
} as const;

/** Sign of `actual - expected`, or a note saying why they cannot be ordered. */
function compare(actual: unknown, expected: unknown, coerce: boolean): number | string {
  if (actual === undefined) return '';
  if (typeof expected === 'number') {
    const value = typeof actual === 'number' ? actual : coerce ? numeric(actual) : undefined;
    if (value === undefined || Number.isNaN(value) || Number.isNaN(expected)) return ' (not a number)';
    return order(value, expected);
  }
  if (typeof expected === 'string') {
    if (typeof actual !== 'string') return ' (not a string)';
    const [left, right] = [numeric(actual), numeric(expected)];
    if (coerce && left !== undefined && right !== undefined) return order(left, right);
    return order(actual, expected);
  }
  return ' (cannot be ordered)';
}

// Not a subtraction: Infinity - Infinity is NaN.
function order<T extends number | string>(left: T, right: T): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function numeric(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function contains(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string') {
    const scalar =
      typeof expected === 'string' || typeof expected === 'number' || typeof expected === 'boolean';
    return scalar && actual.includes(String(expected));
  }
  if (Array.isArray(actual)) return actual.some((item) => deepEqual(item, expected));
  if (isObject(actual)) {
    return (
      (typeof expected === 'string' || typeof expected === 'number') &&
      Object.hasOwn(actual, String(expected))
    );
  }
  return false;
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function hasType(actual: unknown, type: unknown): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(actual);
    case 'object':
      return isObject(actual);
    default:
      return actual !== undefined && typeName(actual) === type;
  }
}

const TYPE_PHRASES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function describeType(type: unknown): string {
  return typeof type === 'string' && Object.hasOwn(TYPE_PHRASES, type)
    ? (TYPE_PHRASES[type] ?? type)
    : `of type ${formatValue(type)}`;
}
