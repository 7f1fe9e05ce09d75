import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createMasker } from './masking.ts';

describe('createMasker', () => {
  it('leaves text untouched when there are no secrets', () => {
    const masker = createMasker();
    const value = { a: ['x'] };
    assert.equal(masker.size, 0);
    assert.equal(masker.mask('anything'), 'anything');
    assert.equal(masker.maskDeep(value), value);
  });

  it('masks every occurrence, longest first', () => {
    const masker = createMasker();
    masker.add('abc');
    masker.add('abcdef');
    masker.add('');
    masker.add('abc');
    assert.equal(masker.size, 2);
    assert.equal(masker.mask('x abcdef y abc z'), 'x *** y *** z');
  });

  it('masks encoded forms of a secret', () => {
    const masker = createMasker();
    masker.add('p@ss w"rd/é');
    assert.equal(masker.mask('{"password":"p@ss w\\"rd/é"}'), '{"password":"***"}');
    assert.equal(masker.mask('/login?pw=p%40ss%20w%22rd%2F%C3%A9'), '/login?pw=***');
    assert.equal(masker.mask('pw=p%40ss+w%22rd%2F%C3%A9'), 'pw=***');
    assert.equal(masker.mask('/p@ss%20w%22rd/%C3%A9'), '/***');
  });

  it('treats regex characters literally', () => {
    const masker = createMasker();
    masker.add('a.b*c(d)[e]$^|\\');
    assert.equal(masker.mask('<a.b*c(d)[e]$^|\\> axbbc'), '<***> axbbc');
  });

  it('masks nested strings and keys, copying only what changed', () => {
    const masker = createMasker();
    masker.add('tok');
    const untouched = { n: 1, list: ['a'] };
    const input = { headers: { authorization: 'Bearer tok' }, list: ['tok', 2, null], untouched, tok: true };
    const output = masker.maskDeep(input);
    assert.deepEqual(output, {
      headers: { authorization: 'Bearer ***' },
      list: ['***', 2, null],
      untouched: { n: 1, list: ['a'] },
      '***': true,
    });
    assert.equal(output.untouched, untouched);
    assert.deepEqual(input.headers, { authorization: 'Bearer tok' });
    assert.equal(masker.maskDeep('tok tok'), '*** ***');
  });

  it('removes every added secret from any text containing it', () => {
    const secret = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('*'));
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 4 }),
        fc.string(),
        fc.string(),
        (secrets, before, after) => {
          const masker = createMasker();
          for (const s of secrets) masker.add(s);
          const text = before + secrets.join(before) + after;
          const masked = masker.mask(text);
          return secrets.every((s) => !masked.includes(s));
        },
      ),
      { numRuns: 500 },
    );
  });
});
