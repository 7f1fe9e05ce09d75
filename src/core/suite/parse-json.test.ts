import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SuiteError } from './errors.ts';
import { parseSuite } from './parse.ts';

function onlyError(text: string): Omit<SuiteError, 'file'> {
  const result = parseSuite(text, { file: 's.json' });
  assert.equal(result.ok, false, 'expected the suite to be rejected');
  const errors = result.ok ? [] : result.errors;
  assert.equal(errors.length, 1, JSON.stringify(errors, null, 2));
  const { file: _, ...rest } = errors[0] as SuiteError;
  return rest;
}

describe('parseSuite: JSON', () => {
  const json = (body: string): string =>
    `{\n  "version": 1,\n  "name": "x",\n  "steps": [\n${body}\n  ]\n}\n`;

  it('positions of schema errors', () => {
    assert.deepEqual(onlyError(json('    { "name": "a", "request": { "url": "u", "methd": "GET" } }')), {
      line: 5,
      column: 45,
      path: 'steps[0].request.methd',
      message:
        'unknown key "methd"; allowed here: method, url, query, headers, json, form, multipart, body, auth, timeout, followRedirects, maxRedirects',
      expected:
        'one of method, url, query, headers, json, form, multipart, body, auth, timeout, followRedirects, maxRedirects',
      suggestion: 'method',
    });
    const missing = onlyError(json('    {\n      "name": "a",\n      "request": {}\n    }'));
    assert.deepEqual([missing.line, missing.column, missing.path], [7, 18, 'steps[0].request.url']);
  });

  it('syntax errors: trailing commas, single quotes, bare words, unclosed strings, extra text', () => {
    const cases: [string, number, number, string][] = [
      ['{\n  "a": 1,\n}', 2, 9, 'trailing comma before "}": remove the comma'],
      ['[1,]', 1, 3, 'trailing comma before "]": remove the comma'],
      ["{\n  'a': 1\n}", 2, 3, 'unexpected "\'": expected a key in double quotes'],
      [
        '{"a": yes}',
        1,
        7,
        'unexpected "y": expected a value (object, array, string, number, true, false or null)',
      ],
      ['{"a": "x', 1, 7, 'the string is never closed: add the closing "'],
      ['{"a": 1} {}', 1, 10, 'unexpected "{" after the end of the JSON document'],
      ['{"a": 01}', 1, 8, 'invalid number: no leading zeros, digits after "."'],
      ['{"a" 1}', 1, 6, 'unexpected "1": expected ":" after the key'],
      ['[1, 2', 1, 6, 'unexpected end of the file: expected "," or "]"'],
      ['', 1, 1, 'the file is empty: expected a JSON object'],
    ];
    for (const [text, line, column, message] of cases) {
      assert.deepEqual(
        onlyError(text),
        { line, column, path: '', message: `JSON syntax error: ${message}` },
        text,
      );
    }
  });

  it('duplicate keys are errors in JSON too', () => {
    const e = onlyError('{"version": 1, "version": 1}');
    assert.deepEqual(
      [e.line, e.column, e.message],
      [1, 16, 'duplicate key "version" (first at line 1, column 2): each key may appear once'],
    );
  });
});
