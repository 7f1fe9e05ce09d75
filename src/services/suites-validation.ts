/**
 * Checks a suite source before it is saved: size first (so an oversized document is never parsed),
 * then the engine's own parser, whose positioned errors are returned to the author as they are, then
 * the step cap. Stored versions are exactly what passed here.
 */

import { parseSuite, type SuiteError } from '../core/suite/parse.ts';
import type { Suite } from '../core/suite/schema.ts';
import { UnprocessableError } from '../platform/errors.ts';
import type { SuiteFormat } from '../ports/suite-store.ts';

export interface SuiteLimits {
  /** UTF-8 bytes of the source. */
  maxSourceBytes: number;
  maxSteps: number;
}

/** A suite error as the API reports it: the file name means nothing for a document sent over HTTP. */
export type SuiteProblem = Omit<SuiteError, 'file'>;

/** At most this many errors are returned; `errorCount` says how many there were. */
export const MAX_REPORTED_SUITE_ERRORS = 100;

/** The source does not parse or validate: every error, located, as the CLI would print them. */
export class SuiteInvalidError extends UnprocessableError {
  readonly errors: readonly SuiteProblem[];
  readonly errorCount: number;
  constructor(errors: SuiteProblem[]) {
    const reported = errors.slice(0, MAX_REPORTED_SUITE_ERRORS);
    super(
      reported.map((e) => ({
        path: 'body.source',
        message: `line ${e.line}, column ${e.column}${e.path ? ` (${e.path})` : ''}: ${e.message}`,
        code: 'suite_error',
      })),
      {
        code: 'suite_invalid',
        message:
          errors.length === 1
            ? 'the suite has 1 error'
            : `the suite has ${errors.length} errors${errors.length > reported.length ? ` (the first ${reported.length} are listed)` : ''}`,
        extensions: { suite_errors: reported, error_count: errors.length },
      },
    );
    this.name = 'SuiteInvalidError';
    this.errors = reported;
    this.errorCount = errors.length;
  }
}

/** The formats of Assay's own suites. */
export type NativeFormat = Exclude<SuiteFormat, 'postman'>;

export interface ValidatedSuite {
  source: string;
  format: NativeFormat;
  suite: Suite;
}

export function validateSuiteSource(
  input: { source: string; format?: NativeFormat | undefined },
  limits: SuiteLimits,
): ValidatedSuite {
  checkSourceSize(input.source, limits);
  const format = input.format ?? detectFormat(input.source);
  const result = parseSuite(input.source, { file: `suite.${format}`, format });
  if (!result.ok) throw new SuiteInvalidError(result.errors.map(({ file: _file, ...rest }) => rest));
  const steps = result.suite.steps.length;
  if (steps > limits.maxSteps) {
    throw new UnprocessableError(
      [
        {
          path: 'body.source',
          message: `has ${steps} steps; the limit is ${limits.maxSteps} per suite (ASSAY_SUITE_MAX_STEPS): split it into several suites`,
          code: 'too_many_steps',
        },
      ],
      { code: 'suite_too_many_steps' },
    );
  }
  return { source: input.source, format, suite: result.suite };
}

/** Checked before anything parses the source, so an oversized document is never parsed. */
export function checkSourceSize(source: string, limits: SuiteLimits): void {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > limits.maxSourceBytes) {
    throw new UnprocessableError(
      [
        {
          path: 'body.source',
          message: `is ${bytes} bytes; the limit is ${limits.maxSourceBytes} bytes (ASSAY_SUITE_MAX_BYTES)`,
          code: 'too_large',
        },
      ],
      { code: 'suite_too_large' },
    );
  }
}

/** JSON documents start with `{` (a suite is an object); anything else is read as YAML. */
export function detectFormat(source: string): NativeFormat {
  return source.trimStart().startsWith('{') ? 'json' : 'yaml';
}
