import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expect } from '../suite/schema.ts';
import { checkExpectations } from './assertions.ts';
import type { AssertionResult } from './model.ts';
import { createSchemaCompiler } from './schema-validator.ts';
import { fakeResponse } from './test-response.ts';

const user = { id: 7, name: 'Ada', tags: ['a', 'b'], items: [{ name: 'x' }, { name: 'y' }] };

function run(expect: Expect, response = fakeResponse({ body: user })): AssertionResult[] {
  return checkExpectations(expect, response, { compileSchema: createSchemaCompiler() });
}

function messages(results: AssertionResult[]): string[] {
  return results.map((r) => `${r.passed ? 'PASS' : 'FAIL'} ${r.message}`);
}

describe('checkExpectations', () => {
  it('checks a status code, a class or a list', () => {
    const response = fakeResponse({ status: 404 });
    assert.deepEqual(run({ status: 201 }, response), [
      {
        kind: 'status',
        matcher: 'status',
        expected: 201,
        actual: 404,
        passed: false,
        message: 'expected status 201, got 404',
      },
    ]);
    assert.deepEqual(messages(run({ status: '4xx' }, response)), ['PASS expected status 4xx, got 404']);
    assert.deepEqual(messages(run({ status: [200, '2xx', 404] }, response)), [
      'PASS expected status 200, 2xx or 404, got 404',
    ]);
    assert.deepEqual(messages(run({ status: [200, 201] }, response)), [
      'FAIL expected status 200 or 201, got 404',
    ]);
  });

  it('checks headers by any case, as text, joined when repeated', () => {
    const response = fakeResponse({
      headers: { 'content-type': 'text/html', 'content-length': '42', vary: ['accept', 'origin'] },
    });
    const results = run(
      {
        headers: {
          'Content-Type': { contains: 'json' },
          'content-length': 42,
          Vary: 'accept, origin',
          'x-missing': { exists: false },
        },
      },
      response,
    );
    assert.deepEqual(messages(results), [
      'FAIL expected header Content-Type to contain "json", got "text/html"',
      'PASS expected header content-length to equal 42, got "42"',
      'PASS expected header Vary to equal "accept, origin", got "accept, origin"',
      'PASS expected header x-missing not to exist, got nothing',
    ]);
    assert.equal(results[0]?.kind, 'header');
    assert.equal(results[0]?.target, 'Content-Type');
  });

  it('checks JSONPaths: no match, one match, several matches', () => {
    const results = run({
      json: {
        '$.name': 'Bob',
        '$.id': { type: 'number', gt: 0 },
        '$.items[*].name': ['x', 'y'],
        '$.missing': { exists: true },
      },
    });
    assert.deepEqual(messages(results), [
      'FAIL expected $.name to equal "Bob", got "Ada"',
      'PASS expected $.id to be a number, got 7 (a number)',
      'PASS expected $.id to be greater than 0, got 7',
      'PASS expected $.items[*].name to equal ["x","y"], got ["x","y"]',
      'FAIL expected $.missing to exist, got nothing',
    ]);
    assert.deepEqual(results[0], {
      kind: 'json',
      target: '$.name',
      matcher: 'equals',
      expected: 'Bob',
      actual: 'Ada',
      passed: false,
      message: 'expected $.name to equal "Bob", got "Ada"',
    });
  });

  it('fails JSON and schema assertions on a body that is not JSON', () => {
    const response = fakeResponse({ body: '<html>' });
    const results = run(
      { json: { '$.id': { type: 'number', gt: 0 } }, schema: { type: 'object' } },
      response,
    );
    assert.equal(results.length, 3);
    assert.ok(results.every((r) => !r.passed && r.message.startsWith('response body is not JSON: ')));
    assert.deepEqual(
      results.map((r) => r.matcher),
      ['type', 'gt', 'schema'],
    );
    const empty = run({ json: { '$.id': 1 } }, fakeResponse({ body: '' }));
    assert.equal(empty[0]?.message, 'response body is not JSON: the body is empty');
  });

  it('fails an invalid JSONPath rather than throwing', () => {
    const [result] = run({ json: { '$[': 1 } });
    assert.equal(result?.passed, false);
    assert.match(result?.message ?? '', /^invalid JSONPath "\$\["/);
  });

  it('checks the body as text', () => {
    const response = fakeResponse({ body: 'pong 42' });
    assert.deepEqual(messages(run({ body: { matches: '^pong', contains: 42 } }, response)), [
      'PASS expected body to match /^pong/, got "pong 42"',
      'PASS expected body to contain 42, got "pong 42"',
    ]);
    assert.deepEqual(messages(run({ body: 'ping' }, response)), [
      'FAIL expected body to equal "ping", got "pong 42"',
    ]);
  });

  it('keeps large actual values truncated', () => {
    const big = 'x'.repeat(10_000);
    const [result] = run({ body: 'y' }, fakeResponse({ body: big }));
    const actual = result?.actual;
    assert.ok(typeof actual === 'string' && actual.length <= 4096);
    assert.ok((result?.message.length ?? 0) < 200);
  });

  it('checks the schema of the body', () => {
    const schema = { type: 'object', required: ['id', 'email'], properties: { id: { type: 'string' } } };
    const [result] = run({ schema });
    assert.deepEqual(result, {
      kind: 'schema',
      matcher: 'schema',
      expected: schema,
      actual: ["(root) must have required property 'email'", '/id must be string'],
      passed: false,
      message:
        "body does not match the schema: (root) must have required property 'email'; /id must be string",
    });
    assert.deepEqual(messages(run({ schema: { type: 'object' } })), ['PASS body matches the schema']);
  });

  it('checks latency and size', () => {
    const response = fakeResponse({ body: 'héllo', totalMs: 612 });
    assert.deepEqual(messages(run({ latency: { lt: 500 }, size: 6 }, response)), [
      'FAIL expected latency to be less than 500, got 612',
      'PASS expected size to equal 6, got 6',
    ]);
    const [latency] = run({ latency: { lt: 500 } }, response);
    assert.equal(latency?.kind, 'latency');
    assert.equal('target' in (latency ?? {}), false);
  });

  it('keeps the order status, headers, json, body, schema, latency, size', () => {
    const results = run({
      size: { gt: 0 },
      latency: { gte: 0 },
      schema: {},
      body: { contains: 'Ada' },
      json: { '$.id': 7 },
      headers: { 'x-a': { exists: false } },
      status: 200,
    });
    assert.deepEqual(
      results.map((r) => r.kind),
      ['status', 'header', 'json', 'body', 'schema', 'latency', 'size'],
    );
    assert.ok(results.every((r) => r.passed));
  });

  it('parses the body once', () => {
    let parses = 0;
    const response = fakeResponse({ body: user });
    const json = response.json.bind(response);
    const original = JSON.parse;
    JSON.parse = (...args: Parameters<typeof JSON.parse>) => {
      parses++;
      return original(...args);
    };
    try {
      run({ json: { '$.id': 7, '$.name': 'Ada' }, schema: {} }, { ...response, json });
    } finally {
      JSON.parse = original;
    }
    assert.equal(parses, 1);
  });
});
