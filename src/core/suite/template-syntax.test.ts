import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkTemplate } from './template-syntax.ts';

describe('checkTemplate', () => {
  it('accepts text without templates, single braces and a stray "}}" (raw JSON bodies end so)', () => {
    for (const text of ['', 'plain', '{"a": {"b": 1}}', 'a } b { c', '{{ x }}}}']) {
      assert.deepEqual(checkTemplate(text), [], text);
    }
  });

  it('accepts every expression form of the runner', () => {
    for (const text of [
      '{{x}}',
      '{{ user.id }}',
      '{{ items.0.name }}',
      '{{ first-name }}',
      '{{ $uuid }}',
      '{{ secrets.API_KEY }}',
      '{{ env.HOME }}',
    ]) {
      assert.deepEqual(checkTemplate(text), [], text);
    }
  });

  it('reports each problem with the offset of its "{{"', () => {
    assert.deepEqual(checkTemplate('a {{ $uid }} b {{ }} c {{ open'), [
      {
        offset: 2,
        message: 'unknown dynamic value $uid; available: $uuid, $timestamp, $isoTimestamp, $randomInt',
        suggestion: '$uuid',
      },
      { offset: 15, message: 'empty template "{{ }}": put a variable name between the braces' },
      { offset: 23, message: 'unclosed template "{{ open": add the closing "}}"' },
    ]);
  });

  it('never throws, and finds nothing in text without "{{"', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const problems = checkTemplate(text);
        if (!text.includes('{{')) assert.deepEqual(problems, []);
        for (const p of problems) assert.ok(p.offset >= 0 && p.offset < text.length);
      }),
    );
  });
});
