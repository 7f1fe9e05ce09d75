import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { query } from 'jsonpath-rfc9535';
import { compileJsonPath, JsonPathSyntaxError } from './jsonpath.ts';

const DOCUMENT = {
  user: { id: 7, name: 'Ada', tags: ['a', 'b', 'c'], 'odd key': true, nothing: null },
  items: [{ price: 5 }, { price: 12 }],
  0: 'zero',
};

describe('compileJsonPath', () => {
  it('evaluates singular queries as RFC 9535 defines them', () => {
    const cases: [string, unknown[]][] = [
      ['$', [DOCUMENT]],
      ['$.user.id', [7]],
      ["$['user']['odd key']", [true]],
      ['$.user.tags[0]', ['a']],
      ['$.user.tags[-1]', ['c']],
      ['$.user.tags[-4]', []],
      ['$.user.tags[3]', []],
      ['$.user.nothing', [null]],
      ['$.user.missing', []],
      ['$.user.tags.length', []],
      ['$[0]', []],
      ["$['0']", ['zero']],
      ['$.items[1].price', [12]],
    ];
    for (const [path, expected] of cases) assert.deepEqual(compileJsonPath(path)(DOCUMENT), expected, path);
  });

  it('evaluates the rest of RFC 9535 through the library', () => {
    assert.deepEqual(compileJsonPath('$.items[?@.price > 10].price')(DOCUMENT), [12]);
    assert.deepEqual(compileJsonPath('$..price')(DOCUMENT), [5, 12]);
    assert.deepEqual(compileJsonPath('$.user.tags[0:2]')(DOCUMENT), ['a', 'b']);
  });

  it('rejects an invalid expression with a message naming it', () => {
    assert.throws(
      () => compileJsonPath('$.a['),
      (error: unknown) => {
        assert.ok(error instanceof JsonPathSyntaxError);
        assert.match(error.message, /^invalid JSONPath "\$\.a\["/);
        return true;
      },
    );
  });

  it('agrees with the library on generated singular paths and documents', () => {
    const selector = fc.oneof(
      fc.constantFrom('a', 'b', '0', 'length').map((name) => `.${name === '0' ? "['0']" : name}`),
      fc.integer({ min: -3, max: 3 }).map((index) => `[${index}]`),
      fc.constantFrom("['a']", "['odd key']"),
    );
    const json = fc
      .jsonValue({ maxDepth: 3 })
      .map((value) => ({ a: value, b: [value, { a: value }], 'odd key': 1 }));
    fc.assert(
      fc.property(fc.array(selector, { maxLength: 4 }), json, (selectors, document) => {
        const path = `$${selectors.join('').replaceAll('.[', '[')}`;
        assert.deepEqual(compileJsonPath(path)(document), query(document as never, path), path);
      }),
      { numRuns: 500 },
    );
  });
});
