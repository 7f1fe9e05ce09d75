import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkJsonSyntax } from './json-syntax.ts';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('checkJsonSyntax', () => {
  it('accepts what JSON.parse accepts, serialised any way', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2, '\t'), (value, indent) => {
        assert.equal(checkJsonSyntax(JSON.stringify(value, null, indent)), undefined);
      }),
    );
  });

  it('agrees with JSON.parse on arbitrary and near-JSON text', () => {
    const nearJson = fc
      .tuple(
        fc.jsonValue(),
        fc.nat(),
        fc.constantFrom(',', '}', ']', '"', "'", ' ', '0', '-', '\\', 'x', '\n'),
      )
      .map(([value, at, insert]) => {
        const text = JSON.stringify(value);
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i);
      });
    fc.assert(
      fc.property(fc.oneof(fc.string(), nearJson), (text) => {
        const error = checkJsonSyntax(text);
        const trimmed = text.trim() === '';
        assert.equal(error === undefined, parses(text) && !trimmed, text);
        if (error !== undefined) assert.ok(error.offset >= 0 && error.offset <= text.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('skips a byte order mark and limits nesting', () => {
    assert.equal(checkJsonSyntax('\ufeff{"a": [1]}'), undefined);
    assert.deepEqual(checkJsonSyntax('['.repeat(600)), {
      offset: 513,
      message: 'nested deeper than 512 levels',
    });
  });
});
