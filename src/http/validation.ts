/**
 * Request validation with zod. Every problem in the query and the body is reported at once, each with
 * a path (`body.members[0].email`, `query.limit`), a message and a stable code. Request object schemas
 * are strict (`z.strictObject`): an unknown field is an error, never silently dropped (no mass
 * assignment, and a typo is caught instead of ignored).
 */
import type { z } from 'zod';
import type { FieldProblem } from '../platform/errors.ts';

type Issue = z.core.$ZodIssue;

function joinPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  }
  return out;
}

function codeOf(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'required' : 'invalid_type';
    case 'too_big':
      return 'too_big';
    case 'too_small':
      return 'too_small';
    case 'invalid_value':
      return 'invalid_value';
    case 'invalid_format':
      return 'invalid_format';
    default:
      return issue.code;
  }
}

function messageOf(issue: Issue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

/** One problem per issue; an unknown-keys issue becomes one problem per unknown field. */
export function toFieldProblems(root: string, issues: readonly Issue[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({
          path: joinPath(root, [...issue.path, key]),
          message: 'is not a known field',
          code: 'unknown_field',
        });
      }
      continue;
    }
    problems.push({ path: joinPath(root, issue.path), message: messageOf(issue), code: codeOf(issue) });
  }
  return problems;
}

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

export function parseInput<S extends z.ZodType>(
  schema: S,
  root: string,
  input: unknown,
): ParseOutcome<z.output<S>> {
  // reportInput: issues then carry the input, which tells a missing field from a wrong one.
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: toFieldProblems(root, result.error.issues) };
}
