import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSchemaCompiler } from './schema-validator.ts';

const userSchema = {
  type: 'object',
  required: ['id', 'name'],
  properties: {
    id: { type: 'integer', minimum: 1 },
    name: { type: 'string' },
    email: { type: 'string', format: 'email' },
    items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
  },
};

describe('createSchemaCompiler', () => {
  it('passes valid data', () => {
    const compile = createSchemaCompiler();
    assert.deepEqual(compile(userSchema)({ id: 1, name: 'Ada', email: 'ada@example.test' }), {
      passed: true,
      errors: [],
    });
  });

  it('lists every error with its location', () => {
    const compile = createSchemaCompiler();
    const result = compile(userSchema)({ id: 0, email: 'nope', items: [{ name: 3 }] });
    assert.equal(result.passed, false);
    assert.deepEqual(result.errors, [
      "(root) must have required property 'name'",
      '/id must be >= 1',
      '/email must match format "email"',
      '/items/0/name must be string',
    ]);
  });

  it('names additional properties and allowed values', () => {
    const compile = createSchemaCompiler();
    const validate = compile({
      type: 'object',
      additionalProperties: false,
      properties: { role: { enum: ['admin', 'member'] } },
    });
    assert.deepEqual(validate({ role: 'x', extra: 1 }).errors, [
      '(root) must NOT have additional properties: "extra"',
      '/role must be equal to one of the allowed values: ["admin","member"]',
    ]);
  });

  it('compiles each schema once, by identity and by text', () => {
    const compile = createSchemaCompiler();
    const first = compile(userSchema);
    assert.equal(compile(userSchema), first);
    assert.equal(compile(structuredClone(userSchema)), first);
    assert.notEqual(compile({ type: 'string' }), first);
  });

  it('reports an invalid schema as a failure', () => {
    const compile = createSchemaCompiler();
    const result = compile({ type: 'nonsense' })({});
    assert.equal(result.passed, false);
    assert.match(result.errors[0] ?? '', /^invalid JSON Schema: /);
  });

  it('accepts two different schemas with the same $id', () => {
    const compile = createSchemaCompiler();
    assert.equal(compile({ $id: 'https://x.test/s', type: 'string' })('a').passed, true);
    assert.equal(compile({ $id: 'https://x.test/s', type: 'number' })(1).passed, true);
  });

  it('understands 2020-12 keywords and draft-07 schemas', () => {
    const compile = createSchemaCompiler();
    const tuple = compile({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] });
    assert.equal(tuple(['a', 1]).passed, true);
    assert.equal(tuple([1, 'a']).passed, false);
    const draft07 = compile({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'array',
      items: [{ type: 'string' }],
    });
    assert.equal(draft07(['a']).passed, true);
    assert.equal(draft07([1]).passed, false);
    const unknown = compile({ $schema: 'https://example.test/dialect', type: 'string' });
    assert.equal(unknown('a').passed, true);
  });
});
