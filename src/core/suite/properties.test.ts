/**
 * Whatever the input, `parseSuite` answers with a suite or with located errors, never an exception; and
 * on suite-shaped documents it agrees with the published JSON Schema.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { type ParseResult, parseSuite } from './parse.ts';

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', '..', 'schema', 'suite-v1.json'), 'utf8'),
);
const validate = new Ajv2020({ strict: false }).compile(schema);

function assertWellFormed(result: ParseResult, text: string, file: string): void {
  if (result.ok) return;
  assert.ok(result.errors.length > 0, 'a rejection says why');
  const lines = text.split('\n').length;
  for (const e of result.errors) {
    assert.equal(e.file, file);
    assert.ok(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines + 1, `line ${e.line} of ${lines}`);
    assert.ok(Number.isInteger(e.column) && e.column >= 1, `column ${e.column}`);
    assert.equal(typeof e.path, 'string');
    assert.ok(e.message.length > 0);
    assert.doesNotMatch(e.message, /\n|Invalid input|ZodError|at .*\.ts:\d+/);
  }
}

function parseBoth(text: string): void {
  for (const file of ['s.yaml', 's.json']) assertWellFormed(parseSuite(text, { file }), text, file);
}

const valid = {
  version: 1,
  name: 'x',
  variables: { base: 'http://127.0.0.1' },
  steps: [
    {
      name: 'a',
      request: { method: 'POST', url: '{{ base }}/a', json: { a: 1 } },
      capture: { id: '$.id' },
      expect: { status: 200, json: { '$.a': { gt: 0 } } },
    },
  ],
};

/** Paths into `valid` where a mutation lands, including ones that do not exist yet. */
const places: (string | number)[][] = [
  [],
  ['version'],
  ['name'],
  ['variables'],
  ['variables', 'env'],
  ['defaults'],
  ['defaults', 'timeout'],
  ['iterations'],
  ['bail'],
  ['steps'],
  ['steps', 0],
  ['steps', 1],
  ['steps', 0, 'name'],
  ['steps', 0, 'request'],
  ['steps', 0, 'request', 'method'],
  ['steps', 0, 'request', 'url'],
  ['steps', 0, 'request', 'body'],
  ['steps', 0, 'request', 'auth'],
  ['steps', 0, 'request', 'multipart'],
  ['steps', 0, 'capture', 'id'],
  ['steps', 0, 'capture', 'x'],
  ['steps', 0, 'expect'],
  ['steps', 0, 'expect', 'status'],
  ['steps', 0, 'expect', 'json', '$.a'],
  ['steps', 0, 'expect', 'json', '$.a', 'length'],
  ['steps', 0, 'expect', 'json', 'b'],
  ['steps', 0, 'retry'],
  ['steps', 0, 'skip'],
  ['steps', 0, 'typo'],
];

const tricky = fc.constantFrom<unknown>(
  null,
  true,
  0,
  -1,
  1.5,
  600,
  '',
  '2xx',
  'GET',
  'get',
  '$.x',
  '{{ $uid }}',
  '{{ open',
  '/a/q',
  [],
  {},
  { equals: {} },
  { type: 'basic', username: 'a', password: 'b' },
  { type: 'oauth2' },
  { json: '$.a' },
  { json: '$.a', header: 'h' },
  { file: 'a.csv' },
  [{ a: 1 }],
  { count: 2 },
);

const mutation = fc.tuple(fc.constantFrom(...places), fc.oneof(tricky, fc.jsonValue({ maxDepth: 3 })));

function mutate(mutations: [(string | number)[], unknown][]): unknown {
  let document: unknown = structuredClone(valid);
  for (const [path, value] of mutations) {
    if (path.length === 0) {
      document = structuredClone(value);
      continue;
    }
    let node = document;
    for (const segment of path.slice(0, -1)) {
      node =
        typeof node === 'object' && node !== null
          ? (node as Record<string | number, unknown>)[segment]
          : undefined;
    }
    const key = path.at(-1) as string | number;
    // Only into objects, and into arrays by index (an array's `length` is not a place to write).
    if (typeof node !== 'object' || node === null || (Array.isArray(node) && typeof key !== 'number'))
      continue;
    (node as Record<string | number, unknown>)[key] = structuredClone(value);
  }
  return document;
}

const SEMANTIC = /JSONPath|regular expression|template|dynamic value|needs a name|would hide/;

describe('parseSuite properties', () => {
  it('random text never throws, as YAML or as JSON', () => {
    const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 80 }));
    fc.assert(fc.property(text, parseBoth), { numRuns: 500 });
  });

  it('text made of YAML and JSON punctuation never throws', () => {
    const token = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      ':',
      ',',
      '-',
      '? ',
      '&a ',
      '*a',
      '!x ',
      '"',
      "'",
      '#',
      '|',
      '>',
      '\n',
      '  ',
      '\t',
      'a',
      '1',
      '---\n',
      '{{',
      '}}',
    );
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 60 }).map((t) => t.join('')),
        parseBoth,
      ),
      { numRuns: 1000 },
    );
  });

  it('any JSON value, written as JSON or YAML, gives a suite or located errors', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = JSON.stringify(value, null, 2);
        assertWellFormed(parseSuite(json, { file: 's.json' }), json, 's.json');
        const yaml = toYaml(value);
        assertWellFormed(parseSuite(yaml, { file: 's.yaml' }), yaml, 's.yaml');
      }),
      { numRuns: 300 },
    );
  });

  it('on suite-shaped documents, the parser and the JSON Schema agree', () => {
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 3 }), fc.boolean(), (mutations, asJson) => {
        const document = mutate(mutations);
        const text = asJson ? JSON.stringify(document, null, 2) : toYaml(document);
        const file = asJson ? 's.json' : 's.yaml';
        const result = parseSuite(text, { file });
        assertWellFormed(result, text, file);
        const accepted = validate(JSON.parse(JSON.stringify(document)));
        if (result.ok)
          assert.equal(accepted, true, `the JSON Schema rejects what the parser accepts:\n${text}`);
        else if (accepted) {
          // The JSON Schema cannot see inside strings: the parser may only add semantic errors.
          for (const e of result.errors)
            assert.match(e.message, SEMANTIC, `${e.path}: ${e.message}\n${text}`);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
