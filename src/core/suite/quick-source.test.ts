import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { readQuickly } from './quick-source.ts';
import { readSource } from './source.ts';

const VALID = join(import.meta.dirname, '../../../test/fixtures/suites/valid');

function positioned(text: string, format: 'yaml' | 'json'): unknown {
  const source = readSource(text, format);
  return source.ok ? source.data : undefined;
}

describe('the quick reader', () => {
  it('reads every valid sample exactly as the positioned reader does', () => {
    const files = readdirSync(VALID);
    assert.ok(files.length > 5);
    for (const name of files.filter((file) => /\.(ya?ml|json)$/.test(file))) {
      const format = name.endsWith('.json') ? 'json' : 'yaml';
      const text = readFileSync(join(VALID, name), 'utf8');
      const quick = readQuickly(text, format);
      if (name.startsWith('anchors')) assert.equal(quick, undefined, name);
      else assert.deepEqual(quick, positioned(text, format), name);
    }
  });

  it('defers to the positioned reader for aliases, duplicate keys, null keys, several documents and loose JSON', () => {
    const deferred: [string, 'yaml' | 'json'][] = [
      ['a: &x { b: 1 }\nc: *x\n', 'yaml'],
      ['a: 1\na: 2\n', 'yaml'],
      ['? ~\n: 1\n', 'yaml'],
      ['a: 1\n---\nb: 2\n', 'yaml'],
      ['{ "a": 1, }', 'json'],
      ["{ 'a': 1 }", 'json'],
      ['', 'yaml'],
      ['a: !custom 1\n', 'yaml'],
      ['a: !!binary aGk=\n', 'yaml'],
    ];
    for (const [text, format] of deferred) assert.equal(readQuickly(text, format), undefined, text);
  });

  it('never disagrees with the positioned reader on generated documents', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.double({ noNaN: true }),
        fc.boolean(),
        fc.constant(null),
        fc.constantFrom(
          'yes',
          'no',
          'on',
          'off',
          '0x1F',
          '0o17',
          '012',
          '1e3',
          '.inf',
          '-.Inf',
          '.nan',
          '~',
          'Null',
          'TRUE',
          '2001-12-14',
          '1_000',
          '+12',
          '0b101',
          '1_0.5',
          '-0',
          '+.5',
          '1.',
          '0x_1',
        ),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.boolean(), (data, flow) => {
        const text = stringify({ root: data }, { collectionStyle: flow ? 'flow' : 'block' });
        const quick = readQuickly(text, 'yaml');
        if (quick !== undefined) assert.deepEqual(quick, positioned(text, 'yaml'), text);
      }),
      { numRuns: 400 },
    );
  });
});
