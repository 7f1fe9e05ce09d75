import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRegex } from './regex.ts';
import { deepEqual, formatValue, typeName } from './values.ts';

describe('values', () => {
  it('formats values JSON-ish, missing ones as nothing, long ones truncated', () => {
    assert.equal(formatValue(undefined), 'nothing');
    assert.equal(formatValue('a"b'), '"a\\"b"');
    assert.equal(formatValue({ a: [1, null] }), '{"a":[1,null]}');
    assert.equal(formatValue(10n), '10');
    assert.equal(formatValue('x'.repeat(300)).length, 100);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(formatValue(cyclic), '[object Object]');
    assert.equal(formatValue(Object.create(null)), '{}');
  });

  it('compares deeply without overflowing on cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    const b: Record<string, unknown> = {};
    b.self = b;
    assert.equal(deepEqual(a, b), false);
    assert.equal(deepEqual(Number.NaN, Number.NaN), true);
    assert.equal(deepEqual([], {}), false);
    assert.equal(deepEqual(null, {}), false);
  });

  it('names types', () => {
    assert.deepEqual([null, [], {}, 'a', 1].map(typeName), ['null', 'array', 'object', 'string', 'number']);
  });
});

describe('compileRegex', () => {
  it('reads bare patterns and literals with flags, and caches failures too', () => {
    const literal = compileRegex('/a.c/gis');
    assert.ok(literal.ok);
    assert.equal(literal.regex.flags, 'is');
    const bare = compileRegex('a/b');
    assert.ok(bare.ok && bare.regex.source === 'a\\/b');
    assert.equal(compileRegex('['), compileRegex('['));
    assert.deepEqual(compileRegex('['), {
      ok: false,
      error: 'invalid regular expression /[/: Unterminated character class',
    });
  });
});
