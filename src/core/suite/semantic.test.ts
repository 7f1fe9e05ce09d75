import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSuite } from './parse.ts';

const suite = (step: string, top = ''): string =>
  `version: 1\nname: x\n${top}steps:\n  - name: a\n    request: { url: "http://127.0.0.1/" }\n${step}`;

function problems(text: string): [number, number, string, string, string | undefined][] {
  const result = parseSuite(text, { file: 's.yaml' });
  return result.ok ? [] : result.errors.map((e) => [e.line, e.column, e.path, e.message, e.suggestion]);
}

describe('semantic checks', () => {
  it('JSONPath keys of expect.json: at the key, with a fix when $ is missing', () => {
    assert.deepEqual(problems(suite('    expect:\n      json:\n        id: 1\n        "$.a[": 1\n')), [
      [
        8,
        9,
        'steps[0].expect.json.id',
        'invalid JSONPath "id": a JSONPath starts with $, like $.id or $.items[0].name',
        '$.id',
      ],
      [
        9,
        9,
        'steps[0].expect.json["$.a["]',
        'invalid JSONPath "$.a[": it ends too early (RFC 9535 syntax, like $.items[0].name)',
        undefined,
      ],
    ]);
  });

  it('JSONPath captures, shorthand and { json }', () => {
    assert.deepEqual(problems(suite('    capture:\n      a: "[0]"\n      b: { json: "$.x y" }\n')), [
      [
        7,
        10,
        'steps[0].capture.a',
        'invalid JSONPath "[0]": a JSONPath starts with $, like $.id or $.items[0].name',
        '$[0]',
      ],
      [
        8,
        18,
        'steps[0].capture.b.json',
        'invalid JSONPath "$.x y": unexpected "y" (RFC 9535 syntax, like $.items[0].name)',
        undefined,
      ],
    ]);
  });

  it('regular expressions: bare and /pattern/flags, in matchers (nested length too) and regex captures', () => {
    const text = suite(
      '    capture:\n      c: { regex: "(" }\n    expect:\n      body: { matches: "/ok/i" }\n      size: { matches: "/a/q" }\n      json:\n        $.a: { length: { matches: "+" } }\n',
    );
    assert.deepEqual(problems(text), [
      [7, 19, 'steps[0].capture.c.regex', 'invalid regular expression /(/: Unterminated group', undefined],
      [
        10,
        24,
        'steps[0].expect.size.matches',
        "invalid regular expression /a/q: Invalid flags supplied to RegExp constructor 'q' (a pattern written /…/ ends with its flags: escape a slash inside as \\/)",
        undefined,
      ],
      [
        12,
        35,
        'steps[0].expect.json["$.a"].length.matches',
        'invalid regular expression /+/: Nothing to repeat',
        undefined,
      ],
    ]);
  });

  it('a pattern holding a template is checked once rendered, not here', () => {
    assert.deepEqual(problems(suite('    expect:\n      body: { matches: "^({{ id }}$" }\n')), []);
  });

  it('templates: unclosed, empty, malformed, unknown dynamic value, bare namespace', () => {
    const text = suite(
      '    skip: "{{ flag"\n',
      'defaults:\n  headers:\n    a: "{{}}"\n    b: "{{ x y }}"\n    c: "{{ $uid }}"\n    d: "{{ env }}"\n',
    );
    assert.deepEqual(problems(text), [
      [
        5,
        8,
        'defaults.headers.a',
        'empty template "{{}}": put a variable name between the braces',
        undefined,
      ],
      [
        6,
        8,
        'defaults.headers.b',
        'invalid template "{{ x y }}": expected a variable name (like baseUrl or user.id), secrets.NAME, env.NAME, or one of $uuid, $timestamp, $isoTimestamp, $randomInt',
        undefined,
      ],
      [
        7,
        8,
        'defaults.headers.c',
        'unknown dynamic value $uid; available: $uuid, $timestamp, $isoTimestamp, $randomInt',
        '$uuid',
      ],
      [8, 8, 'defaults.headers.d', '"{{ env }}" needs a name: write {{ env.NAME }}', undefined],
      [12, 11, 'steps[0].skip', 'unclosed template "{{ flag": add the closing "}}"', undefined],
    ]);
  });

  it('well-formed templates pass; text that is never rendered (variables, rows, names) is not checked', () => {
    const text = suite(
      '    expect:\n      json:\n        $.a: "{{ user.id }}-{{ items.0.id }}-{{ $randomInt }}-{{secrets.K}}-{{ env.HOME }}-{{ a-b }}"\n',
    );
    assert.deepEqual(problems(text), []);
    const literal = suite(
      '',
      'description: "{{ open"\nvariables: { a: "{{ $uid }}" }\niterations: [{ a: "{{" }]\n',
    );
    assert.deepEqual(problems(literal.replace('name: a', 'name: "{{ a b }}"')), []);
  });

  it('names that would hide secrets or env: captures, variables, inline iteration rows', () => {
    const text = suite(
      '    capture:\n      env: $.a\n',
      'variables: { secrets: 1 }\niterations: [{ env: 1 }]\n',
    );
    assert.deepEqual(
      problems(text).map(([line, column, path, message]) => [line, column, path, message]),
      [
        [
          3,
          14,
          'variables.secrets',
          'a variable named "secrets" would hide {{ secrets.NAME }}: choose another name',
        ],
        [
          4,
          16,
          'iterations[0].env',
          'an iteration variable named "env" would hide {{ env.NAME }}: choose another name',
        ],
        [
          9,
          7,
          'steps[0].capture.env',
          'a capture named "env" would hide {{ env.NAME }}: choose another name',
        ],
      ],
    );
  });

  it('run alongside schema errors, so that one pass reports everything', () => {
    const text = suite('    expect:\n      statuss: 200\n      json: { id: 1 }\n');
    assert.deepEqual(
      problems(text).map(([, , path]) => path),
      ['steps[0].expect.statuss', 'steps[0].expect.json.id'],
    );
  });
});
