import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { generateSuiteJsonSchema, renderSuiteJsonSchema, SUITE_SCHEMA_ID } from './json-schema.ts';

const checkedIn = join(import.meta.dirname, '..', '..', '..', 'schema', 'suite-v1.json');

describe('suite JSON Schema', () => {
  it('the checked-in file equals a fresh generation (run npm run schema after changing schema.ts)', () => {
    assert.equal(readFileSync(checkedIn, 'utf8'), renderSuiteJsonSchema());
  });

  it('is draft 2020-12 with an $id, a title and descriptions', () => {
    const schema = generateSuiteJsonSchema();
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.$id, SUITE_SCHEMA_ID);
    assert.equal(schema.title, 'Assay suite (format version 1)');
    assert.equal(schema.additionalProperties, false);
    assert.match(JSON.stringify(schema), /"description":"Re-run the step while it fails."/);
  });

  it('compiles under ajv in strict mode', () => {
    // strictRequired would object to `not: { anyOf: [{ required: [json, body] }] }`, the usual way to
    // say "not both", because those keys are declared in the parent schema rather than beside `required`.
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, strictRequired: false });
    assert.equal(typeof ajv.compile(generateSuiteJsonSchema()), 'function');
  });

  it('expresses the refinements too: at most one body, non-empty matchers', () => {
    const validate = new Ajv2020({ strict: false }).compile(generateSuiteJsonSchema());
    const suite = (request: object, expect: object = {}) => ({
      version: 1,
      name: 'x',
      steps: [{ name: 'a', request: { url: 'u', ...request }, expect }],
    });
    assert.equal(validate(suite({ json: {} })), true);
    assert.equal(validate(suite({ json: {}, body: 'x' })), false);
    assert.equal(validate(suite({}, { json: { '$.a': { equals: 1 } } })), true);
    assert.equal(validate(suite({}, { json: { '$.a': {} } })), false);
  });
});
