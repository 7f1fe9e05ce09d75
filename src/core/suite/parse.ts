/**
 * Suite text → a validated `Suite`, or every error in the file at once, each with its line, column and
 * path. Never throws: whatever the input, the answer is a suite or a list of errors.
 */
import { formatPath, type SuiteError, sortErrors } from './errors.ts';
import { explainIssues } from './issues.ts';
import { readQuickly } from './quick-source.ts';
import { type Suite, suiteSchema } from './schema.ts';
import { checkSemantics } from './semantic.ts';
import { readSource } from './source.ts';

export type { SuiteError } from './errors.ts';

export type ParseResult = { ok: true; suite: Suite } | { ok: false; errors: SuiteError[] };

export interface ParseOptions {
  /** The file name, used in errors and to choose the format (`.json` → JSON, anything else → YAML). */
  file: string;
  format?: 'yaml' | 'json';
}

export function parseSuite(text: string, options: ParseOptions): ParseResult {
  const { file } = options;
  try {
    return parse(text, options);
  } catch (error) {
    // Only a bug gets here (or a document deep enough to exhaust the stack); it is still reported as data.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      errors: [{ file, line: 1, column: 1, path: '', message: `cannot read this suite: ${reason}` }],
    };
  }
}

function parse(text: string, { file, format }: ParseOptions): ParseResult {
  const chosen = format ?? (file.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
  const quick = readQuickly(text, chosen);
  if (quick !== undefined) {
    const checked = suiteSchema.safeParse(quick);
    if (checked.success && checkSemantics(quick).length === 0) return { ok: true, suite: checked.data };
  }
  // Something is wrong (or unusual): read again, keeping the position of every node for the errors.
  const source = readSource(text, chosen);
  if (!source.ok) {
    return {
      ok: false,
      errors: sortErrors(
        source.problems.map((p) => ({
          file,
          line: p.line,
          column: p.column,
          path: formatPath(p.path),
          message: p.message,
        })),
      ),
    };
  }
  if (source.empty) {
    return {
      ok: false,
      errors: [
        {
          file,
          line: 1,
          column: 1,
          path: '',
          message: 'the file is empty: a suite needs at least version: 1, a name and steps',
        },
      ],
    };
  }

  const errors: SuiteError[] = [];
  const checked = suiteSchema.safeParse(source.data);
  if (!checked.success) {
    for (const e of explainIssues(checked.error.issues, {
      root: suiteSchema,
      data: source.data,
      locate: source.locate,
    })) {
      const { path, ...rest } = e;
      errors.push({ file, ...rest, path: formatPath(path) });
    }
  }
  for (const problem of checkSemantics(source.data)) {
    errors.push({
      file,
      ...source.locate(problem.path, problem.at),
      path: formatPath(problem.path),
      message: problem.message,
      ...(problem.suggestion === undefined ? {} : { suggestion: problem.suggestion }),
    });
  }
  if (!checked.success && errors.length === 0) {
    // Every zod issue maps to at least one error; this guards the promise that a rejection says why.
    errors.push({
      file,
      ...source.locate([], 'value'),
      path: '',
      message: 'this document is not a valid suite',
    });
  }
  if (errors.length > 0 || !checked.success) return { ok: false, errors: sortErrors(errors) };
  return { ok: true, suite: checked.data };
}
