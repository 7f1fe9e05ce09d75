import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnprocessableError } from '../platform/errors.ts';
import { detectFormat, SuiteInvalidError, validateSuiteSource } from './suites-validation.ts';

const limits = { maxSourceBytes: 10_000, maxSteps: 3 };
const yaml = (steps: number) =>
  `version: 1\nname: Users\nsteps:\n${Array.from({ length: steps }, (_, i) => `  - name: s${i}\n    request: { method: GET, url: http://example.test/${i} }\n`).join('')}`;

describe('validateSuiteSource', () => {
  it('keeps the source exactly as written and returns the parsed suite', () => {
    const source = `# a comment\n${yaml(1)}`;
    const checked = validateSuiteSource({ source }, limits);
    assert.equal(checked.source, source);
    assert.equal(checked.format, 'yaml');
    assert.equal(checked.suite.name, 'Users');
    assert.equal(checked.suite.steps.length, 1);
  });

  it('lists every error with line, column, path, message and suggestion', () => {
    const source =
      'version: 1\nname: Users\nsteps:\n  - name: s\n    requets: { method: GET, url: http://x.test }\n';
    assert.throws(
      () => validateSuiteSource({ source }, limits),
      (error: unknown) => {
        assert.ok(error instanceof SuiteInvalidError);
        assert.equal(error.status, 422);
        assert.equal(error.code, 'suite_invalid');
        assert.deepEqual(error.errors, [
          {
            line: 4,
            column: 5,
            path: 'steps[0].request',
            message: 'missing required key "request" (an object)',
            expected: 'an object',
          },
          {
            line: 5,
            column: 5,
            path: 'steps[0].requets',
            message: 'unknown key "requets"; allowed here: name, request, capture, expect, retry, skip',
            expected: 'one of name, request, capture, expect, retry, skip',
            suggestion: 'request',
          },
        ]);
        assert.equal(error.message, 'the suite has 2 errors');
        assert.deepEqual(error.problems[1], {
          path: 'body.source',
          message:
            'line 5, column 5 (steps[0].requets): unknown key "requets"; allowed here: name, request, capture, expect, retry, skip',
          code: 'suite_error',
        });
        const first = error.errors[0]!;
        assert.equal(error.extensions.error_count, error.errors.length);
        assert.deepEqual(error.extensions.suite_errors, error.errors);
        assert.ok(!('file' in first));
        return true;
      },
    );
  });

  it('reads JSON when told, or when the text starts with a brace', () => {
    const json = JSON.stringify({
      version: 1,
      name: 'J',
      steps: [{ name: 'a', request: { method: 'GET', url: 'http://x.test' } }],
    });
    assert.equal(validateSuiteSource({ source: json }, limits).format, 'json');
    assert.equal(validateSuiteSource({ source: json, format: 'yaml' }, limits).format, 'yaml');
    assert.equal(detectFormat('  \n{"version": 1}'), 'json');
    assert.equal(detectFormat('version: 1'), 'yaml');
  });

  it('refuses a source over the byte limit before parsing it', () => {
    assert.throws(
      () => validateSuiteSource({ source: `# ${'é'.repeat(6000)}\n${yaml(1)}` }, limits),
      (error: unknown) => {
        assert.ok(error instanceof UnprocessableError);
        assert.equal(error.code, 'suite_too_large');
        assert.match(
          error.problems[0]?.message ?? '',
          /^is \d+ bytes; the limit is 10000 bytes \(ASSAY_SUITE_MAX_BYTES\)$/,
        );
        return true;
      },
    );
  });

  it('refuses more steps than the limit', () => {
    assert.throws(() => validateSuiteSource({ source: yaml(4) }, limits), {
      code: 'suite_too_many_steps',
      message:
        'body.source: has 4 steps; the limit is 3 per suite (ASSAY_SUITE_MAX_STEPS): split it into several suites',
    });
    assert.equal(validateSuiteSource({ source: yaml(3) }, limits).suite.steps.length, 3);
  });

  it('reports at most 100 errors and says how many there were', () => {
    const steps = Array.from({ length: 150 }, (_, i) => `  - name: s${i}\n    bogus${i}: 1\n`).join('');
    const source = `version: 1\nname: Many\nsteps:\n${steps}`;
    assert.throws(
      () => validateSuiteSource({ source }, { maxSourceBytes: 1_000_000, maxSteps: 1000 }),
      (error: unknown) => {
        assert.ok(error instanceof SuiteInvalidError);
        assert.equal(error.errors.length, 100);
        assert.ok(error.errorCount >= 150);
        assert.match(error.message, /\(the first 100 are listed\)$/);
        return true;
      },
    );
  });
});
