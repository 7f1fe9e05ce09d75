import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Matcher } from '../suite/schema.ts';
import { evaluateMatcher, type MatcherOutcome, matcherEntries } from './matchers.ts';

function one(matcher: unknown, actual: unknown, subject = '$.x', coerceToString = false): MatcherOutcome {
  const outcomes = evaluateMatcher(matcher as Matcher, actual, subject, { coerceToString });
  assert.equal(outcomes.length, 1);
  return outcomes[0] as MatcherOutcome;
}

function passes(matcher: unknown, actual: unknown, coerceToString = false): boolean {
  return one(matcher, actual, '$.x', coerceToString).passed;
}

describe('evaluateMatcher messages', () => {
  it('reads like a sentence', () => {
    assert.equal(one('Ada', 'Bob', '$.name').message, 'expected $.name to equal "Ada", got "Bob"');
    assert.equal(one({ gt: 0 }, -1, '$.id').message, 'expected $.id to be greater than 0, got -1');
    assert.equal(one({ length: 3 }, ['a', 'b'], '$.tags').message, 'expected $.tags to have length 3, got 2');
    assert.equal(
      one({ contains: 'json' }, 'text/html', 'header content-type').message,
      'expected header content-type to contain "json", got "text/html"',
    );
    assert.equal(
      one({ exists: true }, undefined, '$.missing').message,
      'expected $.missing to exist, got nothing',
    );
    assert.equal(one({ exists: false }, 3, '$.x').message, 'expected $.x not to exist, got 3');
    assert.equal(one({ notEquals: 1 }, 1).message, 'expected $.x not to equal 1, got 1');
    assert.equal(
      one({ lte: 500 }, 612, 'latency').message,
      'expected latency to be less than or equal to 500, got 612',
    );
    assert.equal(
      one({ gt: 0 }, 'abc', '$.id').message,
      'expected $.id to be greater than 0, got "abc" (not a number)',
    );
    assert.equal(one({ lt: 10 }, undefined).message, 'expected $.x to be less than 10, got nothing');
    assert.equal(one({ type: 'integer' }, 1.5).message, 'expected $.x to be an integer, got 1.5 (a number)');
    assert.equal(one({ type: 'object' }, [1]).message, 'expected $.x to be an object, got [1] (an array)');
    assert.equal(one({ type: 'null' }, undefined).message, 'expected $.x to be null, got nothing');
    assert.equal(
      one({ matches: '^\\d+$' }, 'a1', 'body').message,
      'expected body to match /^\\d+$/, got "a1"',
    );
    assert.equal(one({ matches: '/^A/i' }, 'b').message, 'expected $.x to match /^A/i, got "b"');
    assert.equal(one({ in: ['a', 'b'] }, 'c').message, 'expected $.x to be one of ["a","b"], got "c"');
    assert.equal(
      one({ contains: 'id' }, { name: 1 }).message,
      'expected $.x to contain key "id", got {"name":1}',
    );
    assert.equal(one({ length: 2 }, 5).message, 'expected $.x to have length 2, got 5 (no length)');
    assert.equal(one({ length: { gt: 2 } }, 5).message, 'expected $.x to have a length, got 5 (no length)');
  });

  it('truncates long values in messages', () => {
    const message = one('short', 'x'.repeat(500)).message;
    assert.ok(message.length < 160, message);
    assert.ok(message.endsWith('…'));
  });

  it('reports invalid regular expressions and unknown keywords as failures', () => {
    const bad = one({ matches: '(' }, 'x');
    assert.equal(bad.passed, false);
    assert.equal(bad.message, 'invalid regular expression /(/: Unterminated group');
    assert.equal(one({ nope: 1 }, 'x').message, 'unknown matcher "nope" for $.x');
  });
});

describe('evaluateMatcher semantics', () => {
  it('treats bare values, lists included, as equals', () => {
    assert.deepEqual(matcherEntries([1, 2]), [['equals', [1, 2]]]);
    assert.equal(passes([1, 2], [1, 2]), true);
    assert.equal(passes(null, null), true);
    assert.equal(passes(1, '1'), false);
    assert.equal(one(true, true).matcher, 'equals');
  });

  it('gives one outcome per keyword', () => {
    const outcomes = evaluateMatcher({ type: 'number', gt: 0, lt: 10 }, 12, '$.n');
    assert.deepEqual(
      outcomes.map((o) => [o.matcher, o.passed]),
      [
        ['type', true],
        ['gt', true],
        ['lt', false],
      ],
    );
  });

  it('compares deeply with keys in any order', () => {
    assert.equal(passes({ equals: { a: 1, b: [1, { c: 2 }] } }, { b: [1, { c: 2 }], a: 1 }), true);
    assert.equal(passes({ equals: { a: 1 } }, { a: 1, b: 2 }), false);
    assert.equal(passes({ equals: [1, 2] }, [2, 1]), false);
  });

  it('orders numbers, and strings such as ISO dates', () => {
    assert.equal(passes({ gte: 5 }, 5), true);
    assert.equal(passes({ gte: Number.POSITIVE_INFINITY }, Number.POSITIVE_INFINITY), true);
    assert.equal(passes({ lt: 5 }, 5), false);
    assert.equal(passes({ lt: '2025-01-01T00:00:00Z' }, '2024-12-31T23:59:59Z'), true);
    assert.equal(passes({ gt: 5 }, '6'), false);
    assert.equal(passes({ lt: 'b' }, 1), false);
  });

  it('coerces numbers and booleans to text for headers and bodies', () => {
    assert.equal(passes(42, '42', true), true);
    assert.equal(passes({ equals: true }, 'true', true), true);
    assert.equal(passes({ in: [200, 201] }, '201', true), true);
    assert.equal(passes({ gt: 9 }, '10', true), true);
    assert.equal(passes({ gt: '9' }, '10', true), true);
    assert.equal(passes({ gt: 9 }, 'ten', true), false);
    assert.equal(passes(42, '42', false), false);
  });

  it('contains substrings, elements and keys', () => {
    assert.equal(passes({ contains: 'json' }, 'application/json'), true);
    assert.equal(passes({ contains: 12 }, 'a12b'), true);
    assert.equal(passes({ contains: { id: 1 } }, [{ id: 2 }, { id: 1 }]), true);
    assert.equal(passes({ contains: 'id' }, { id: 1 }), true);
    assert.equal(passes({ contains: 'x' }, 5), false);
    assert.equal(passes({ notContains: 'x' }, undefined), true);
    assert.equal(passes({ notContains: 'json' }, 'application/json'), false);
  });

  it('matches regular expressions, bare or with flags, on text', () => {
    assert.equal(passes({ matches: '^ad' }, 'Ada'), false);
    assert.equal(passes({ matches: '/^ad/i' }, 'Ada'), true);
    // Twice: a global flag must not leave state behind between checks.
    assert.equal(passes({ matches: '/^ad/gi' }, 'Ada'), true);
    assert.equal(passes({ matches: '/^ad/gi' }, 'Ada'), true);
    assert.equal(passes({ matches: '^\\d+$' }, 123), true);
    assert.equal(passes({ matches: '"a"' }, { a: 1 }), true);
    assert.equal(passes({ matches: '.*' }, undefined), false);
  });

  it('checks existence and types', () => {
    assert.equal(passes({ exists: true }, null), true);
    assert.equal(passes({ exists: false }, undefined), true);
    for (const [type, value] of [
      ['string', ''],
      ['number', 1.5],
      ['integer', 3],
      ['boolean', false],
      ['object', {}],
      ['array', []],
      ['null', null],
    ] as const) {
      assert.equal(passes({ type }, value), true, type);
    }
    assert.equal(passes({ type: 'object' }, null), false);
    assert.equal(passes({ type: 'integer' }, '3'), false);
  });

  it('checks lengths, with a number or a nested matcher', () => {
    assert.equal(passes({ length: 3 }, 'abc'), true);
    const nested = evaluateMatcher({ length: { gt: 0, lte: 2 } }, [1, 2, 3], '$.items');
    assert.deepEqual(
      nested.map((o) => [o.matcher, o.passed, o.actual, o.message]),
      [
        ['length.gt', true, 3, 'expected the length of $.items to be greater than 0, got 3'],
        ['length.lte', false, 3, 'expected the length of $.items to be less than or equal to 2, got 3'],
      ],
    );
  });

  it('checks membership with deep equality', () => {
    assert.equal(passes({ in: [{ a: 1 }, 2] }, { a: 1 }), true);
    assert.equal(passes({ in: [] }, 1), false);
    assert.equal(passes({ in: 'abc' }, 'a'), false);
  });
});

describe('evaluateMatcher properties', () => {
  const keyword = fc.constantFrom(
    'equals',
    'notEquals',
    'lt',
    'lte',
    'gt',
    'gte',
    'contains',
    'notContains',
    'matches',
    'exists',
    'type',
    'length',
    'in',
    'other',
  );
  const value = fc.oneof(fc.anything(), fc.jsonValue(), fc.string(), fc.constant(undefined));
  const matcher = fc.oneof(value, fc.dictionary(keyword, value, { minKeys: 1 }));

  it('never throws, and returns well-formed outcomes', () => {
    fc.assert(
      fc.property(matcher, value, fc.boolean(), (m, actual, coerceToString) => {
        const outcomes = evaluateMatcher(m as Matcher, actual, 'x', { coerceToString });
        return outcomes.every((o) => typeof o.passed === 'boolean' && typeof o.message === 'string');
      }),
      { numRuns: 2000 },
    );
  });

  it('has negations that are exact negations', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.oneof(fc.jsonValue(), fc.constant(undefined)),
        fc.boolean(),
        (e, a, c) => {
          const options = { coerceToString: c };
          const [eq] = evaluateMatcher({ equals: e }, a, 'x', options);
          const [ne] = evaluateMatcher({ notEquals: e }, a, 'x', options);
          const [has] = evaluateMatcher({ contains: e }, a, 'x', options);
          const [hasNot] = evaluateMatcher({ notContains: e }, a, 'x', options);
          const [exists] = evaluateMatcher({ exists: true }, a, 'x', options);
          const [absent] = evaluateMatcher({ exists: false }, a, 'x', options);
          return (
            eq?.passed !== ne?.passed && has?.passed !== hasNot?.passed && exists?.passed !== absent?.passed
          );
        },
      ),
    );
  });

  it('orders numbers consistently: lt is not gte, gt is not lte', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (e, a) => {
        const [lt, gte, gt, lte] = evaluateMatcher({ lt: e, gte: e, gt: e, lte: e }, a, 'x');
        return lt?.passed !== gte?.passed && gt?.passed !== lte?.passed;
      }),
    );
  });

  it('equals every value with itself', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => evaluateMatcher({ equals: v }, structuredClone(v), 'x')[0]?.passed),
    );
  });
});
