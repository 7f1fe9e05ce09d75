/**
 * zod issues → located, plain-language errors. Each issue is placed on the node it concerns (a key for
 * unknown keys, the parent object for missing ones) and worded from the schema: what was found, what
 * the format allows there, and the likely intended word.
 */
import type { z } from 'zod';
import { closest } from '../runner/closest.ts';
import type { DocumentPath } from './errors.ts';
import { BODY_KEYS } from './schema.ts';
import {
  allowedKeys,
  alternatives,
  childOf,
  describeSchema,
  expectedPhrase,
  joinOr,
  peel,
  schemasAt,
  unknownKeyHint,
} from './schema-walk.ts';
import type { Locator, Position } from './source.ts';

type Issue = z.core.$ZodIssue;

export interface LocatedError extends Position {
  path: DocumentPath;
  message: string;
  expected?: string;
  suggestion?: string;
}

export interface IssueContext {
  root: z.core.$ZodType;
  data: unknown;
  locate: Locator;
}

export function explainIssues(issues: readonly Issue[], ctx: IssueContext): LocatedError[] {
  return issues.flatMap((issue) => explain(issue, [], ctx));
}

function explain(issue: Issue, base: DocumentPath, ctx: IssueContext): LocatedError[] {
  const path = [...base, ...(issue.path as (string | number)[])];
  const found = lookup(ctx.data, path);
  const atValue = (message: string, extra: Partial<LocatedError> = {}): LocatedError[] => [
    { ...ctx.locate(path, 'value'), path, message, ...extra },
  ];

  switch (issue.code) {
    case 'unrecognized_keys': {
      const schemas = schemasAt(ctx.root, ctx.data, path);
      const allowed = allowedKeys(schemas, found.value);
      const hint = unknownKeyHint(alternatives(schemas, found.value));
      return issue.keys.map((key) => unknownKey(ctx, [...path, key], allowed, hint));
    }
    case 'invalid_type': {
      if (!found.exists) return [missingKey(ctx, path)];
      if (path.length === 0) {
        return atValue(
          `a suite is an object with version, name and steps; got ${describeValue(found.value)}`,
          {
            expected: 'an object',
          },
        );
      }
      const expected = expectedAt(ctx, path) ?? TYPE_WORDS[issue.expected] ?? issue.expected;
      return atValue(`expected ${expected}, got ${describeValue(found.value)}`, { expected });
    }
    case 'invalid_value': {
      if (!found.exists) return [missingKey(ctx, path)];
      const values = issue.values;
      const expected = values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.join(', ')}`;
      const suggestion =
        typeof found.value === 'string'
          ? closest(
              found.value,
              values.filter((v): v is string => typeof v === 'string'),
            )
          : undefined;
      return atValue(
        `expected ${expected}, got ${describeValue(found.value)}`,
        withSuggestion({ expected }, suggestion),
      );
    }
    case 'too_small':
    case 'too_big': {
      // A number out of range is best described by the schema ("a whole number from 0 to 100").
      const numeric = issue.origin !== 'array' && issue.origin !== 'string';
      const expected = numeric ? (unionPhraseAt(ctx, path) ?? expectedAt(ctx, path)) : undefined;
      if (expected === undefined) return atValue(sizeMessage(issue, found.value));
      return atValue(`expected ${expected}, got ${describeValue(found.value)}`, { expected });
    }
    case 'invalid_format': {
      const expected = unionPhraseAt(ctx, path) ?? issue.message;
      return atValue(`expected ${expected}, got ${describeValue(found.value)}`, { expected });
    }
    case 'invalid_key': {
      const key = String(path.at(-1));
      const inner = issue.issues[0];
      const expected = inner?.code === 'invalid_format' ? inner.message : 'a different key';
      return [
        {
          ...ctx.locate(path, 'key'),
          path,
          message: `invalid name "${key}": expected ${expected}`,
          expected,
        },
      ];
    }
    case 'invalid_union':
      return explainUnion(issue, path, found.value, ctx);
    case 'custom': {
      if ((issue.params as { rule?: string } | undefined)?.rule === 'one-body') return [oneBody(ctx, path)];
      return atValue(issue.message);
    }
    default:
      return atValue(issue.message);
  }
}

function explainUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  path: DocumentPath,
  value: unknown,
  ctx: IssueContext,
): LocatedError[] {
  const located = (message: string, extra: Partial<LocatedError> = {}): LocatedError => ({
    ...ctx.locate(path, 'value'),
    path,
    message,
    ...extra,
  });

  if (issue.discriminator !== undefined && issue.errors.length === 0) {
    // A discriminated union whose tag is missing or unknown; zod reports it at the tag's path.
    const options = (issue as { options?: unknown[] }).options ?? [];
    const expected = `one of ${options.join(', ')}`;
    if (value === undefined) return [missingKey(ctx, path, expected)];
    const suggestion =
      typeof value === 'string'
        ? closest(
            value,
            options.filter((o): o is string => typeof o === 'string'),
          )
        : undefined;
    return [
      located(
        `expected ${issue.discriminator} to be ${expected}, got ${describeValue(value)}`,
        withSuggestion({ expected }, suggestion),
      ),
    ];
  }

  const schemas = schemasAt(ctx.root, ctx.data, path);
  const phrase = expectedPhrase(schemas) ?? joinOr(schemas.map(describeSchema));
  const branches = issue.errors;
  const fitting = branches.filter((b) => !b.every(isRootMismatch) && !b.some(isRootValueFailure));
  const rootValue = branches.filter((b) => b.some(isRootValueFailure));

  if (fitting.length === 0) {
    const only = rootValue.length === 1 ? rootValue[0] : undefined;
    if (only !== undefined && expectedPhrase(schemas) === undefined) {
      return only.flatMap((i) => explain(i, path, ctx));
    }
    return [located(`expected ${phrase}, got ${describeValue(value)}`, { expected: phrase })];
  }

  const clean = fitting.filter((b) => !b.some((i) => i.code === 'unrecognized_keys' && i.path.length === 0));
  if (clean.length > 0) {
    const onlyMissing = clean.every((b) => b.every((i) => isMissing(i, path, ctx)));
    if (clean.length > 1 && onlyMissing) {
      const keys = [...new Set(clean.flatMap((b) => b.map((i) => String(i.path[0]))))];
      return [
        located(`missing one of the keys ${keys.join(', ')}: expected ${phrase}`, { expected: phrase }),
      ];
    }
    const best = clean.reduce((a, b) => (b.length < a.length ? b : a));
    return best.flatMap((i) => explain(i, path, ctx));
  }

  // Every object shape complains about keys: either some key belongs to none of them (a typo), or the
  // keys belong to different shapes that cannot be combined.
  const allowed = allowedKeys(schemas, value);
  const present = typeof value === 'object' && value !== null ? Object.keys(value) : [];
  const unknown = present.filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    const hint = unknownKeyHint(alternatives(schemas, value));
    return unknown.map((key) => unknownKey(ctx, [...path, key], allowed, hint));
  }
  return [
    located(`the keys ${joinAnd(present)} cannot be used together: expected ${phrase}`, { expected: phrase }),
  ];
}

/** A branch that failed on the kind of value itself (a string where an object was expected). */
function isRootMismatch(issue: Issue): boolean {
  if (issue.path.length !== 0) return false;
  if (issue.code === 'invalid_type') return true;
  return (
    issue.code === 'invalid_union' &&
    issue.discriminator === undefined &&
    issue.errors.length > 0 &&
    issue.errors.every((b) => b.every(isRootMismatch))
  );
}

/** A branch whose kind matched but whose value is out of its range or format. */
function isRootValueFailure(issue: Issue): boolean {
  return (
    issue.path.length === 0 &&
    (issue.code === 'invalid_value' ||
      issue.code === 'invalid_format' ||
      issue.code === 'too_small' ||
      issue.code === 'too_big')
  );
}

function isMissing(issue: Issue, base: DocumentPath, ctx: IssueContext): boolean {
  return (
    issue.path.length === 1 &&
    (issue.code === 'invalid_type' || issue.code === 'invalid_value') &&
    !lookup(ctx.data, [...base, ...(issue.path as (string | number)[])]).exists
  );
}

function missingKey(ctx: IssueContext, path: DocumentPath, expected?: string): LocatedError {
  const parent = path.slice(0, -1);
  const what = expected ?? expectedAt(ctx, path);
  return {
    ...ctx.locate(parent, 'value'),
    path,
    message: `missing required key "${String(path.at(-1))}"${what === undefined ? '' : ` (${what})`}`,
    ...(what === undefined ? {} : { expected: what }),
  };
}

function unknownKey(
  ctx: IssueContext,
  path: DocumentPath,
  allowed: readonly string[],
  hint: string | undefined,
): LocatedError {
  const key = String(path.at(-1));
  const list = allowed.length > 0 ? `; allowed here: ${allowed.join(', ')}` : '';
  const expected = allowed.length > 0 ? `one of ${allowed.join(', ')}` : undefined;
  return withSuggestion(
    {
      ...ctx.locate(path, 'key'),
      path,
      message: `unknown key "${key}"${list}${hint === undefined ? '' : ` (${hint})`}`,
      ...(expected === undefined ? {} : { expected }),
    },
    closest(key, allowed),
  );
}

function oneBody(ctx: IssueContext, path: DocumentPath): LocatedError {
  const request = lookup(ctx.data, path).value;
  // In document order, so the error points at the body that came second.
  const keys = typeof request === 'object' && request !== null ? Object.keys(request) : [];
  const present = keys.filter(
    (k) => (BODY_KEYS as readonly string[]).includes(k) && childOf(request, k) !== undefined,
  );
  const second = present[1];
  const at = second === undefined ? path : [...path, second];
  return {
    ...ctx.locate(at, 'key'),
    path: at,
    message: `a request has at most one body, but this one has ${joinAnd(present)}: keep one`,
    expected: 'one of json, form, multipart, body',
  };
}

/**
 * The phrase of a union at `path`. zod reports the one branch whose kind fits as if it were the whole
 * union ("200" against the status union fails only its "2xx" pattern); the union's phrase says more.
 */
function unionPhraseAt(ctx: IssueContext, path: DocumentPath): string | undefined {
  const schemas = schemasAt(ctx.root, ctx.data, path);
  return schemas.some((s) => peel(s)._zod.def.type === 'union') ? expectedPhrase(schemas) : undefined;
}

function expectedAt(ctx: IssueContext, path: DocumentPath): string | undefined {
  const schemas = schemasAt(ctx.root, ctx.data, path);
  if (schemas.length === 0) return undefined;
  return expectedPhrase(schemas) ?? joinOr([...new Set(schemas.map(describeSchema))]);
}

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, value: unknown): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  const got = describeValue(value);
  if (issue.origin === 'array') {
    if (small && limit === 1) return `expected at least one item, got ${got}`;
    return `expected ${small ? 'at least' : 'at most'} ${limit} items, got ${Array.isArray(value) ? value.length : got}`;
  }
  if (issue.origin === 'string') {
    if (small && limit === 1) return `expected a non-empty string, got ${got}`;
    return `expected ${small ? 'at least' : 'at most'} ${limit} characters, got ${got}`;
  }
  return `expected a number ${small ? 'of at least' : 'of at most'} ${limit}, got ${got}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  null: 'null',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

/** A found value in a few words, as the user wrote it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value (null)';
  if (typeof value === 'string') {
    return value.length > 40 ? `${JSON.stringify(value.slice(0, 40)).slice(0, -1)}…"` : JSON.stringify(value);
  }
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return Object.keys(value).length === 0 ? 'an empty object' : 'an object';
  return String(value);
}

function lookup(data: unknown, path: DocumentPath): { exists: boolean; value: unknown } {
  let value = data;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) {
      return { exists: false, value: undefined };
    }
    value = (value as Record<string | number, unknown>)[segment];
  }
  return { exists: true, value };
}

function joinAnd(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

function withSuggestion<T extends object>(
  error: T,
  suggestion: string | undefined,
): T & { suggestion?: string } {
  return suggestion === undefined ? error : { ...error, suggestion };
}
