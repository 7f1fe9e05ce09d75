import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isTruthyCondition, renderValue, TemplateError, type TemplateScope } from './template.ts';

function scope(overrides: Partial<TemplateScope> = {}): TemplateScope {
  return {
    variables: new Map<string, unknown>([
      ['baseUrl', 'http://api.test'],
      ['userId', 42],
      ['user', { id: 7, name: 'Ada', tags: ['a', 'b'] }],
      ['token', 'derived'],
      ['a.b', 'dotted'],
      ['nothing', null],
    ]),
    secrets: { API_KEY: 's3cr3t' },
    tainted: new Set(['token']),
    now: () => 1_700_000_000_123,
    ...overrides,
  };
}

function render(value: unknown, s: TemplateScope = scope()): unknown {
  return renderValue(value, s).value;
}

function errorOf(value: unknown, s: TemplateScope = scope()): string {
  try {
    renderValue(value, s);
  } catch (error) {
    assert.ok(error instanceof TemplateError);
    assert.equal(error.code, 'TEMPLATE');
    return error.message;
  }
  assert.fail('expected a TemplateError');
}

describe('renderValue', () => {
  it('interpolates variables with or without spaces', () => {
    assert.equal(render('{{ baseUrl }}/users/{{userId}}'), 'http://api.test/users/42');
  });

  it('keeps the type of a lone expression', () => {
    assert.equal(render('{{ userId }}'), 42);
    assert.deepEqual(render('{{user}}'), { id: 7, name: 'Ada', tags: ['a', 'b'] });
    assert.equal(render('{{ nothing }}'), null);
  });

  it('stringifies objects as JSON and null as null inside text', () => {
    assert.equal(render('u={{ user.tags }} n={{ nothing }}'), 'u=["a","b"] n=null');
  });

  it('walks into objects and arrays with dots', () => {
    assert.equal(render('{{ user.id }}'), 7);
    assert.equal(render('{{ user.tags.1 }}'), 'b');
  });

  it('prefers a variable whose name contains dots', () => {
    assert.equal(render('{{ a.b }}'), 'dotted');
  });

  it('renders values deeply, not keys, and leaves non-strings alone', () => {
    const input = { '{{ userId }}': ['{{ userId }}', 1, true, null, { x: 'id-{{ userId }}' }] };
    assert.deepEqual(render(input), { '{{ userId }}': [42, 1, true, null, { x: 'id-42' }] });
  });

  it('returns the same object when nothing needed rendering', () => {
    const input = { a: ['x', { b: 1 }] };
    assert.equal(render(input), input);
  });

  it('does not render template syntax found inside variable values', () => {
    const s = scope({ variables: new Map([['v', '{{ secrets.API_KEY }}']]) });
    assert.deepEqual(renderValue('x {{ v }}', s), { value: 'x {{ secrets.API_KEY }}', tainted: false });
  });

  it('leaves an unclosed {{ as literal text', () => {
    assert.equal(render('a {{ b'), 'a {{ b');
  });

  it('resolves secrets and marks the result tainted', () => {
    assert.deepEqual(renderValue('Bearer {{ secrets.API_KEY }}', scope()), {
      value: 'Bearer s3cr3t',
      tainted: true,
    });
    assert.deepEqual(renderValue({ h: ['{{ token }}'] }, scope()), {
      value: { h: ['derived'] },
      tainted: true,
    });
    assert.equal(renderValue('{{ userId }}', scope()).tainted, false);
  });

  it('resolves dynamic values', () => {
    assert.equal(render('{{ $timestamp }}'), 1_700_000_000);
    assert.equal(render('{{ $isoTimestamp }}'), '2023-11-14T22:13:20.123Z');
    assert.match(
      String(render('{{ $uuid }}')),
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.notEqual(render('{{ $uuid }}'), render('{{ $uuid }}'));
    for (let i = 0; i < 50; i++) {
      const n = render('{{ $randomInt }}');
      assert.ok(Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 1000);
    }
  });

  it('reads env.* only when the environment is provided', () => {
    assert.equal(render('{{ env.HOME }}', scope({ env: { HOME: '/home/ada' } })), '/home/ada');
    assert.equal(errorOf('{{ env.HOME }}'), 'env.* is only available when running from the command line');
    assert.equal(errorOf('{{ env.NOPE }}', scope({ env: {} })), 'environment variable NOPE is not set');
  });

  it('names unknown variables and suggests a close one', () => {
    assert.equal(errorOf('/users/{{ userID }}'), 'unknown variable userID (did you mean userId?)');
    assert.equal(errorOf('{{ zzzzzz }}'), 'unknown variable zzzzzz');
    assert.equal(errorOf('{{ user.nmae }}'), 'user has no property nmae (did you mean user.name?)');
    assert.equal(errorOf('{{ user.id.x }}'), 'cannot read x of user.id: it is a number');
  });

  it('names unknown secrets, dynamic values and invalid expressions', () => {
    assert.equal(errorOf('{{ secrets.API_KY }}'), 'unknown secret API_KY (did you mean secrets.API_KEY?)');
    assert.equal(
      errorOf('{{ $uuuid }}'),
      'unknown dynamic value $uuuid (did you mean $uuid?); available: $uuid, $timestamp, $isoTimestamp, $randomInt',
    );
    assert.equal(errorOf('{{ a b }}'), 'invalid template expression {{ a b }}');
    assert.equal(errorOf('{{}}'), 'invalid template expression {{  }}');
  });

  it('reuses the parsed template across renders', () => {
    const s = scope();
    for (let i = 0; i < 3; i++) assert.equal(render('{{ userId }}-{{ userId }}', s), '42-42');
  });

  it('is the identity on strings without {{', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('{{')),
        (s) => {
          const result = renderValue(s, scope());
          return result.value === s && result.tainted === false;
        },
      ),
    );
  });

  it('is the identity on JSON values without {{', () => {
    fc.assert(
      fc.property(
        fc.jsonValue().filter((v) => !JSON.stringify(v).includes('{{')),
        (v) => renderValue(v, scope()).value === v,
      ),
    );
  });
});

describe('isTruthyCondition', () => {
  it('treats the usual falsy spellings as false', () => {
    for (const value of [
      false,
      '',
      'false',
      ' FALSE ',
      '0',
      'no',
      'Off',
      'null',
      'undefined',
      null,
      undefined,
      0,
    ]) {
      assert.equal(isTruthyCondition(value), false, JSON.stringify(value));
    }
  });

  it('treats everything else as true', () => {
    for (const value of [true, 'true', 'yes', '1', 'x', 1, -1, {}, []]) {
      assert.equal(isTruthyCondition(value), true, JSON.stringify(value));
    }
  });
});
