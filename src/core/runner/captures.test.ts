import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractCaptures } from './captures.ts';
import { fakeResponse } from './test-response.ts';

const noCookies = () => undefined;

describe('extractCaptures', () => {
  const response = fakeResponse({
    status: 201,
    headers: { location: '/users/7', 'set-cookie': ['a=1', 'b=2'] },
    body: { id: 7, tags: ['a', 'b'], token: 'tok-123' },
  });

  it('captures JSONPaths, shorthand or explicit', () => {
    const result = extractCaptures(
      { userId: '$.id', tags: { json: '$.tags[*]' }, first: { json: '$.tags[0]' } },
      response,
      noCookies,
    );
    assert.deepEqual(result, { values: { userId: 7, tags: ['a', 'b'], first: 'a' }, errors: [] });
  });

  it('captures headers by any case, the status, and cookies', () => {
    const jar = new Map([['session', 'abc']]);
    const result = extractCaptures(
      { location: { header: 'Location' }, status: { status: true }, session: { cookie: 'session' } },
      response,
      (name) => jar.get(name),
    );
    assert.deepEqual(result, { values: { location: '/users/7', status: 201, session: 'abc' }, errors: [] });
  });

  it('captures the first regex group, or the whole match', () => {
    const text = fakeResponse({ body: 'token=abc123; expires=soon' });
    const result = extractCaptures(
      {
        token: { regex: 'token=(\\w+)' },
        whole: { regex: '/EXPIRES=\\w+/i' },
        optional: { regex: 'x(y)?|token' },
      },
      text,
      noCookies,
    );
    assert.deepEqual(result.values, { token: 'abc123', whole: 'expires=soon', optional: '' });
  });

  it('reports what found nothing and keeps the rest', () => {
    const result = extractCaptures(
      {
        userId: '$.missing',
        location: { header: 'x-nope' },
        token: { regex: 'nope=(\\d+)' },
        session: { cookie: 'sid' },
        bad: { regex: '(' },
        id: '$.id',
      },
      response,
      noCookies,
    );
    assert.deepEqual(result.values, { id: 7 });
    assert.deepEqual(result.errors, [
      { code: 'CAPTURE', message: 'capture userId: $.missing matched nothing' },
      { code: 'CAPTURE', message: 'capture location: the response has no header x-nope' },
      { code: 'CAPTURE', message: 'capture token: /nope=(\\d+)/ matched nothing in the body' },
      { code: 'CAPTURE', message: 'capture session: no cookie sid in the jar' },
      { code: 'CAPTURE', message: 'capture bad: invalid regular expression /(/: Unterminated group' },
    ]);
  });

  it('reports a body that is not JSON', () => {
    const result = extractCaptures({ userId: '$.id' }, fakeResponse({ body: 'oops' }), noCookies);
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0]?.message ?? '', /^capture userId: response body is not JSON: /);
  });
});
