import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnprocessableError } from '../platform/errors.ts';
import { readPostmanEnvironment } from './postman-environments.ts';
import { isCollectionSource, validateSource } from './suites-postman.ts';
import { SuiteInvalidError } from './suites-validation.ts';

const limits = { maxSourceBytes: 100_000, maxSteps: 3 };
const SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

function collection(requests: number, name = 'Shop'): string {
  const item = Array.from({ length: requests }, (_, i) => ({
    name: `r${i}`,
    request: { method: 'get', url: 'http://example.test/' },
  }));
  return JSON.stringify({ info: { name, schema: SCHEMA }, item: [{ name: 'folder', item }] });
}

describe('suites from Postman collections', () => {
  it('detects collections, wrapped or not, and only them', () => {
    assert.equal(isCollectionSource(collection(1)), true);
    assert.equal(
      isCollectionSource(`\uFEFF  ${JSON.stringify({ collection: JSON.parse(collection(1)) })}`),
      true,
    );
    assert.equal(
      isCollectionSource(
        '{"version": 1, "name": "x", "steps": [{"name": "s", "request": {"url": "http://a.test"}}]}',
      ),
      false,
    );
    assert.equal(isCollectionSource('{"info": {"schema": "https://example.test/other"}}'), false);
    assert.equal(isCollectionSource('{ not json'), false);
    assert.equal(isCollectionSource('info: { schema: collection }'), false);
  });

  it('keeps the source as written and names the suite after the collection', () => {
    const source = `${collection(2)}\n`;
    const checked = validateSource({ source }, limits);
    assert.equal(checked.format, 'postman');
    assert.equal(checked.source, source);
    assert.equal(checked.name, 'Shop');
    assert.equal((checked.parsed as { document?: unknown }).document, undefined);
    assert.equal(validateSource({ source: collection(1, '  ') }, limits).name, 'Postman collection');
  });

  it('counts requests in folders against the step limit, and reports located errors', () => {
    assert.throws(() => validateSource({ source: collection(4) }, limits), {
      code: 'suite_too_many_steps',
    });
    assert.throws(
      () =>
        validateSource(
          { source: '{"info": {"name": "x", "schema": 1}, "item": []}', format: 'postman' },
          limits,
        ),
      (error: unknown) => {
        assert.ok(error instanceof SuiteInvalidError);
        assert.equal(error.errors[0]?.path, 'info.schema');
        assert.equal(error.errors[0]?.line, 1);
        return true;
      },
    );
  });

  it('still validates native suites, JSON and YAML', () => {
    assert.equal(
      validateSource(
        {
          source:
            '{"version": 1, "name": "J", "steps": [{"name": "s", "request": {"url": "http://a.test"}}]}',
        },
        limits,
      ).format,
      'json',
    );
    assert.equal(
      validateSource(
        { source: 'version: 1\nname: Y\nsteps:\n  - name: s\n    request: { url: "http://a.test" }\n' },
        limits,
      ).name,
      'Y',
    );
  });
});

describe('Postman environment exports', () => {
  it('splits values and secrets, leaves disabled ones out, and lets the last duplicate win', () => {
    const content = readPostmanEnvironment(
      JSON.stringify({
        name: ' Staging ',
        values: [
          { key: 'base', value: 'http://a.test', enabled: true },
          { key: 'token', value: 'first', type: 'secret' },
          { key: 'token', value: 42, type: 'secret' },
          { key: 'off', value: 'x', enabled: false },
          { key: 'mode', value: 'secret-now', type: 'secret' },
          { key: 'mode', value: 'plain' },
        ],
      }),
    );
    assert.equal(content.name, 'Staging');
    assert.deepEqual(content.variables, { base: 'http://a.test', mode: 'plain' });
    assert.deepEqual(content.secrets, { token: '42' });
  });

  it('lists every problem: unreadable entries and names Assay cannot keep', () => {
    assert.throws(
      () => readPostmanEnvironment(JSON.stringify({ values: [{ key: 'a b', value: 1 }, { key: 'a.b' }] })),
      (error: unknown) => {
        assert.ok(error instanceof UnprocessableError);
        assert.equal(error.code, 'environment_invalid');
        assert.equal(error.problems.length, 2);
        return true;
      },
    );
    assert.throws(() => readPostmanEnvironment('{"values": 3}'), { code: 'environment_invalid' });
    assert.throws(() => readPostmanEnvironment('[1,'), { code: 'environment_invalid' });
  });
});
