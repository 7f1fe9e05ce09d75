import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SuiteError } from './errors.ts';
import { parseSuite } from './parse.ts';

function errorsOf(text: string, file = 'suite.yaml'): SuiteError[] {
  const result = parseSuite(text, { file });
  assert.equal(result.ok, false, 'expected the suite to be rejected');
  return result.ok ? [] : result.errors;
}

/** The one error of a document, without the file name. */
function onlyError(text: string, file = 'suite.yaml'): Omit<SuiteError, 'file'> {
  const errors = errorsOf(text, file);
  assert.equal(errors.length, 1, JSON.stringify(errors, null, 2));
  const { file: _, ...rest } = errors[0] as SuiteError;
  return rest;
}

const head = 'version: 1\nname: x\nsteps:\n  - name: a\n';

describe('parseSuite: accepted documents', () => {
  it('returns the typed suite with defaults applied', () => {
    const result = parseSuite(`${head}    request: { url: http://127.0.0.1/ }\n`, { file: 'a.yaml' });
    assert.equal(result.ok, true);
    if (!result.ok) return;
    assert.equal(result.suite.steps[0]?.request.method, 'GET');
    assert.equal(result.suite.steps[0]?.request.url, 'http://127.0.0.1/');
  });

  it('reads YAML 1.2: yes stays a string, 0x10 and 1e3 are numbers, dates stay strings', () => {
    const result = parseSuite(
      `${head}    request: { url: u }\nvariables: { a: yes, b: 0x10, c: 1e3, d: 2024-01-01, e: ~ }\n`,
      { file: 'a.yaml' },
    );
    assert.equal(result.ok, true);
    if (result.ok)
      assert.deepEqual(result.suite.variables, { a: 'yes', b: 16, c: 1000, d: '2024-01-01', e: null });
  });

  it('accepts a byte order mark, CRLF line ends and a $schema key', () => {
    const text =
      '\ufeff$schema: https://assay.dev/schema/suite-v1.json\r\nversion: 1\r\nname: x\r\nsteps:\r\n  - name: a\r\n    request: { url: u }\r\n';
    assert.equal(parseSuite(text, { file: 'a.yaml' }).ok, true);
  });

  it('chooses JSON by extension, any case, or by the format option', () => {
    const json = '{"version": 1, "name": "x", "steps": [{"name": "a", "request": {"url": "u"}}]}';
    assert.equal(parseSuite(json, { file: 'A.JSON' }).ok, true);
    assert.equal(parseSuite(`${json},`, { file: 'a.yaml', format: 'json' }).ok, false);
    // YAML reads JSON too, trailing comma included: only the JSON format is strict about it.
    assert.equal(parseSuite(json.replace('"u"}', '"u",}'), { file: 'a.yaml' }).ok, true);
  });

  it('keeps a key named __proto__ an ordinary (here: unknown) key', () => {
    const e = onlyError(`${head}    request: { url: u }\n    __proto__: { polluted: true }\n`);
    assert.equal(e.path, 'steps[0].__proto__');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('parseSuite: schema errors', () => {
  it('unknown key: at the key, listing the allowed keys, with a suggestion', () => {
    assert.deepEqual(onlyError(`${head}    request: { url: u }\n    expct: { status: 200 }\n`), {
      line: 6,
      column: 5,
      path: 'steps[0].expct',
      message: 'unknown key "expct"; allowed here: name, request, capture, expect, retry, skip',
      expected: 'one of name, request, capture, expect, retry, skip',
      suggestion: 'expect',
    });
  });

  it('unknown key with nothing close enough: no suggestion', () => {
    const e = onlyError(`${head}    request: { url: u }\n    zzzzzz: 1\n`);
    assert.equal(e.suggestion, undefined);
  });

  it('missing key: at the parent object, saying what it should be', () => {
    assert.deepEqual(onlyError(`${head}    request: { method: GET }\n`), {
      line: 5,
      column: 14,
      path: 'steps[0].request.url',
      message: 'missing required key "url" (a string)',
      expected: 'a string',
    });
  });

  it('enum: lists the choices and suggests the right case', () => {
    assert.deepEqual(onlyError(`${head}    request: { method: get, url: u }\n`), {
      line: 5,
      column: 24,
      path: 'steps[0].request.method',
      message: 'expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, TRACE, got "get"',
      expected: 'one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, TRACE',
      suggestion: 'GET',
    });
  });

  it('literal: version', () => {
    const e = onlyError('version: 2\nname: x\nsteps:\n  - name: a\n    request: { url: u }\n');
    assert.deepEqual([e.line, e.column, e.path, e.message], [1, 10, 'version', 'expected 1, got 2']);
  });

  it('wrong type: says what was found', () => {
    const e = onlyError(`${head}    request: { url: u, followRedirects: "yes" }\n`);
    assert.equal(e.message, 'expected true or false, got "yes"');
    assert.equal(e.path, 'steps[0].request.followRedirects');
  });

  it('an empty value where an object belongs', () => {
    const e = onlyError(`${head}    request:\n`);
    assert.deepEqual([e.line, e.column, e.message], [5, 5, 'expected an object, got an empty value (null)']);
  });

  it('numbers out of range or not whole: the range in words', () => {
    const a = onlyError(`${head}    request: { url: u, timeout: -5 }\n`);
    assert.equal(a.message, 'expected a whole number from 0 to 86400000, got -5');
    const b = onlyError(`${head}    request: { url: u }\n    retry: { count: 1.5 }\n`);
    assert.equal(b.message, 'expected a whole number from 0 to 100, got 1.5');
  });

  it('empty strings and lists', () => {
    assert.equal(
      onlyError('version: 1\nname: ""\nsteps:\n  - name: a\n    request: { url: u }\n').message,
      'expected a non-empty string, got ""',
    );
    assert.equal(
      onlyError('version: 1\nname: x\nsteps: []\n').message,
      'expected at least one item, got an empty list',
    );
  });

  it('a document that is not an object, or empty', () => {
    assert.equal(onlyError('- a\n').message, 'a suite is an object with version, name and steps; got a list');
    assert.equal(
      onlyError('just text\n').message,
      'a suite is an object with version, name and steps; got "just text"',
    );
    assert.deepEqual(onlyError('# only a comment\n'), {
      line: 1,
      column: 1,
      path: '',
      message: 'the file is empty: a suite needs at least version: 1, a name and steps',
    });
  });

  it('status: the union is described as a whole', () => {
    const e = onlyError(`${head}    request: { url: u }\n    expect: { status: "200" }\n`);
    assert.equal(
      e.message,
      'expected a status code (100 to 599), a class like "2xx", or a list of these, got "200"',
    );
    const list = onlyError(`${head}    request: { url: u }\n    expect: { status: [200, 99] }\n`);
    assert.equal(list.path, 'steps[0].expect.status[1]');
    assert.equal(list.message, 'expected a status code (100 to 599) or a class like "2xx", got 99');
    const kind = onlyError(`${head}    request: { url: u }\n    expect: { status: true }\n`);
    assert.equal(
      kind.message,
      'expected a status code (100 to 599), a class like "2xx", or a list of these, got true',
    );
  });

  it('a request with two bodies: at the second body key', () => {
    assert.deepEqual(onlyError(`${head}    request:\n      url: u\n      body: x\n      json: { a: 1 }\n`), {
      line: 8,
      column: 7,
      path: 'steps[0].request.json',
      message: 'a request has at most one body, but this one has body and json: keep one',
      expected: 'one of json, form, multipart, body',
    });
  });

  it('matchers: empty, unknown keyword with the equals advice, bad keyword value', () => {
    const errors = errorsOf(
      `${head}    request: { url: u }\n    expect:\n      json:\n        $.a: {}\n        $.b: { name: Ada }\n        $.c: { exists: 1 }\n`,
    );
    assert.deepEqual(
      errors.map((e) => [e.line, e.column, e.path, e.message]),
      [
        [
          8,
          14,
          'steps[0].expect.json["$.a"]',
          'an empty matcher checks nothing: give at least one of equals, notEquals, lt, lte, gt, gte, contains, notContains, matches, exists, type, length, in',
        ],
        [
          9,
          16,
          'steps[0].expect.json["$.b"].name',
          'unknown key "name"; allowed here: equals, notEquals, lt, lte, gt, gte, contains, notContains, matches, exists, type, length, in (to compare with an object, write { equals: { … } })',
        ],
        [10, 24, 'steps[0].expect.json["$.c"].exists', 'expected true or false, got 1'],
      ],
    );
  });

  it('captures: bad name, typo, conflicting kinds, wrong kind, empty object', () => {
    const errors = errorsOf(
      `${head}    request: { url: u }\n    capture:\n      1st: $.a\n      a: { jsn: $.a }\n      b: { json: $.b, cookie: b }\n      c: 42\n      d: {}\n      e: { json: 5 }\n`,
    );
    assert.deepEqual(
      errors.map((e) => [e.path, e.message, e.suggestion]),
      [
        [
          'steps[0].capture["1st"]',
          'invalid name "1st": expected a variable name (letters, digits and _, not starting with a digit)',
          undefined,
        ],
        [
          'steps[0].capture.a.jsn',
          'unknown key "jsn"; allowed here: json, header, regex, status, cookie',
          'json',
        ],
        [
          'steps[0].capture.b',
          'the keys json and cookie cannot be used together: expected a JSONPath string, or an object with one of json, header, regex, status, cookie',
          undefined,
        ],
        [
          'steps[0].capture.c',
          'expected a JSONPath string, or an object with one of json, header, regex, status, cookie, got 42',
          undefined,
        ],
        [
          'steps[0].capture.d',
          'missing one of the keys json, header, regex, status, cookie: expected a JSONPath string, or an object with one of json, header, regex, status, cookie',
          undefined,
        ],
        ['steps[0].capture.e.json', 'expected a string, got 5', undefined],
      ],
    );
  });

  it('auth: unknown type with a suggestion, missing type, the keys of the chosen type only', () => {
    const errors = errorsOf(
      `${head}    request:\n      url: u\n      auth: { type: bearr, token: t }\n  - name: b\n    request:\n      url: u\n      auth: { token: t }\n  - name: c\n    request:\n      url: u\n      auth: { type: bearer, tokn: t }\n`,
    );
    assert.deepEqual(
      errors.map((e) => [e.line, e.column, e.path, e.message, e.suggestion]),
      [
        [
          7,
          21,
          'steps[0].request.auth.type',
          'expected type to be one of basic, bearer, apiKey, oauth2, got "bearr"',
          'bearer',
        ],
        [
          11,
          13,
          'steps[1].request.auth.type',
          'missing required key "type" (one of basic, bearer, apiKey, oauth2)',
          undefined,
        ],
        [15, 13, 'steps[2].request.auth.token', 'missing required key "token" (a string)', undefined],
        [15, 29, 'steps[2].request.auth.tokn', 'unknown key "tokn"; allowed here: type, token', 'token'],
      ],
    );
  });

  it('nested unions are described as one list', () => {
    const e = onlyError(`${head}    request: { url: u, query: { q: { a: 1 } } }\n`);
    assert.equal(e.message, 'expected a string, a number, a boolean or a list, got an object');
  });

  it('iterations given as a bare file name', () => {
    const e = onlyError(`${head}    request: { url: u }\niterations: users.csv\n`);
    assert.equal(e.message, 'expected a list of variable sets, or { file: data.csv }, got "users.csv"');
    const row = onlyError(`${head}    request: { url: u }\niterations: [{ a: 1 }, 5]\n`);
    assert.deepEqual([row.path, row.message], ['iterations[1]', 'expected an object, got 5']);
  });

  it('reports every error of the file at once, sorted by position', () => {
    const errors = errorsOf(
      'version: 3\nnme: x\nsteps:\n  - name: a\n    request: { method: FETCH, url: "{{ $uid }}" }\n    capture: { env: $.a }\n',
    );
    assert.deepEqual(
      errors.map((e) => `${e.line}:${e.column} ${e.path}`),
      [
        '1:1 name',
        '1:10 version',
        '2:1 nme',
        '5:24 steps[0].request.method',
        '5:36 steps[0].request.url',
        '6:16 steps[0].capture.env',
      ],
    );
  });
});

describe('parseSuite: YAML syntax', () => {
  it('duplicate keys are errors, at the second key, naming the first', () => {
    assert.deepEqual(onlyError('version: 1\nname: a\nname: b\n'), {
      line: 3,
      column: 1,
      path: 'name',
      message: 'duplicate key "name" (first at line 2, column 1): each key may appear once',
    });
  });

  it('syntax errors have a position and plain advice', () => {
    assert.deepEqual(onlyError('version: 1\nsteps:\n\t- name: a\n'), {
      line: 3,
      column: 1,
      path: '',
      message: 'YAML syntax error: a tab indents this line: YAML indentation takes spaces',
    });
    assert.equal(
      onlyError('name: "open\n').message,
      'YAML syntax error: a quoted string is never closed: add the closing quote',
    );
    assert.equal(
      onlyError('a: b: c\n').message.startsWith('YAML syntax error: a mapping cannot start on the same line'),
      true,
    );
    assert.equal(onlyError('a: 1\n---\nb: 2\n').message.includes('more than one YAML document'), true);
    assert.equal(
      onlyError('a: !custom x\n').message,
      'YAML syntax error: unresolved tag: !custom; suites use plain values without tags',
    );
  });

  it('keys must be plain text', () => {
    assert.equal(
      onlyError('? [a, b]\n: 1\n').message,
      'a key here is a mapping or list: keys must be plain text',
    );
    assert.equal(onlyError(': x\n').message, 'a key here is empty: keys must be plain text');
  });

  it('aliases: followed, but not into themselves nor into a huge expansion', () => {
    const ok = parseSuite(
      'version: 1\nname: x\nsteps:\n  - name: a\n    request: &r { url: u }\n  - name: b\n    request: *r\n',
      { file: 'a.yaml' },
    );
    assert.equal(ok.ok, true);
    assert.equal(onlyError('a: &a [*a]\n').message, 'the alias *a refers to a node that contains it');
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      bomb.push(`${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${`*${'abcdefgh'[i - 1]}, `.repeat(10)}]`);
    assert.equal(
      onlyError(`${bomb.join('\n')}\n`).message,
      'the document expands to too many values (aliases?)',
    );
  });

  it('deep nesting is an error, not a crash', () => {
    const errors = errorsOf(`${'['.repeat(20000)}${']'.repeat(20000)}`);
    assert.ok(errors.length >= 1);
  });
});
