import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScriptSandbox } from './index.ts';
import { jsonResponse, testInput } from './test-support.ts';
import type { PmResponseData, ScriptSandbox } from './types.ts';

let sandbox: ScriptSandbox;

before(async () => {
  sandbox = await createScriptSandbox({ timeoutMs: 2000 });
});
after(() => sandbox.dispose());

/** Runs each expression as its own test; returns the names of those that passed. */
async function passing(expressions: string[], response?: PmResponseData): Promise<string[]> {
  const script = expressions.map(
    (expression) => `pm.test(${JSON.stringify(expression)}, () => { ${expression}; });`,
  );
  const out = await sandbox.execute(testInput(script.join('\n'), response ? { response } : {}));
  assert.deepEqual(out.scriptErrors, []);
  return out.tests.filter((t) => t.passed).map((t) => t.name);
}

async function expectOutcomes(pass: string[], fail: string[], response?: PmResponseData): Promise<void> {
  assert.deepEqual(await passing([...pass, ...fail], response), pass);
}

const user = jsonResponse({ id: 7, name: 'Ada', tags: ['a', 'b'], address: { city: 'Lisbon' } }, 200, [
  ['X-Request-Id', 'r-1'],
]);

describe('pm.expect (chai BDD)', () => {
  test('common chains', async () => {
    await expectOutcomes(
      [
        `pm.expect(pm.response.code).to.equal(200)`,
        `pm.expect(pm.response.code).to.be.oneOf([200, 201])`,
        `pm.expect(pm.response.json()).to.have.property('name', 'Ada')`,
        `pm.expect(pm.response.json().tags).to.include('b').and.have.lengthOf(2)`,
        `pm.expect(pm.response.json()).to.deep.include({ address: { city: 'Lisbon' } })`,
        `pm.expect(pm.response.json()).to.not.have.property('password')`,
        `pm.expect(pm.response.responseTime).to.be.below(200)`,
        `pm.expect(pm.response.text()).to.be.a('string').that.matches(/Ada/)`,
        `pm.expect([]).to.be.an('array').that.is.empty`,
        `pm.expect(1).to.be.ok`,
      ],
      [
        `pm.expect(pm.response.code).to.equal(404)`,
        `pm.expect.fail('explicit failure')`,
        `pm.expect(0).to.be.ok`,
        `pm.expect(pm.response.json()).to.have.property('password')`,
      ],
      user,
    );
  });

  test('assertion errors carry chai messages', async () => {
    const out = await sandbox.execute(testInput(`pm.test('m', () => pm.expect({ a: 1 }).to.eql({ a: 2 }))`));
    assert.deepEqual(out.tests[0]?.error, {
      name: 'AssertionError',
      message: 'expected { a: 1 } to deeply equal { a: 2 }',
    });
  });
});

describe('Postman response assertions', () => {
  test('status, reason and status classes', async () => {
    await expectOutcomes(
      [
        `pm.response.to.have.status(200)`,
        `pm.response.to.have.status('OK')`,
        `pm.response.to.be.ok`,
        `pm.response.to.be.success`,
        `pm.response.to.not.be.error`,
        `pm.response.to.not.be.clientError`,
        `pm.response.to.have.statusCode(200)`,
        `pm.response.to.have.statusCodeClass(2)`,
        `pm.expect(pm.response).to.have.status(200)`,
        `pm.response.to.not.have.status(404)`,
      ],
      [`pm.response.to.have.status(201)`, `pm.response.to.be.error`, `pm.response.to.not.be.ok`],
      user,
    );
  });

  test('4xx and 5xx', async () => {
    await expectOutcomes(
      [`pm.response.to.be.notFound`, `pm.response.to.be.clientError`, `pm.response.to.be.error`],
      [`pm.response.to.be.ok`, `pm.response.to.be.success`, `pm.response.to.be.serverError`],
      jsonResponse({ error: 'nope' }, 404),
    );
    await expectOutcomes(
      [
        `pm.response.to.be.serverError`,
        `pm.response.to.be.error`,
        `pm.response.to.have.status('Service Unavailable')`,
      ],
      [`pm.response.to.be.clientError`],
      jsonResponse({}, 503),
    );
  });

  test('ok means status 200, as in chai-postman: 201 is success but not ok', async () => {
    await expectOutcomes([`pm.response.to.be.success`], [`pm.response.to.be.ok`], jsonResponse({}, 201));
  });

  test('headers', async () => {
    await expectOutcomes(
      [
        `pm.response.to.have.header('x-request-id')`,
        `pm.response.to.have.header('X-Request-Id', 'r-1')`,
        `pm.response.to.not.have.header('X-Missing')`,
      ],
      [`pm.response.to.have.header('X-Request-Id', 'other')`, `pm.response.to.have.header('X-Missing')`],
      user,
    );
  });

  test('body, json, jsonBody', async () => {
    await expectOutcomes(
      [
        `pm.response.to.be.json`,
        `pm.response.to.be.withBody`,
        `pm.response.to.have.body()`,
        `pm.response.to.have.body(/"name":"Ada"/)`,
        `pm.response.to.have.jsonBody()`,
        `pm.response.to.have.jsonBody('address.city')`,
        `pm.response.to.have.jsonBody('address.city', 'Lisbon')`,
        `pm.response.to.have.jsonBody('tags[1]', 'b')`,
        `pm.response.to.not.have.jsonBody('password')`,
      ],
      [`pm.response.to.have.body('nope')`, `pm.response.to.have.jsonBody('name', 'Grace')`],
      user,
    );
    await expectOutcomes(
      [`pm.response.to.have.body('plain text')`, `pm.response.to.not.be.json`],
      [`pm.response.to.be.json`],
      { code: 200, headers: [], body: 'plain text', responseTime: 1 },
    );
  });

  test('jsonSchema on the response and on values', async () => {
    const schema = JSON.stringify({
      type: 'object',
      required: ['id', 'name'],
      properties: { id: { type: 'integer' }, name: { type: 'string' } },
    });
    await expectOutcomes(
      [
        `pm.response.to.have.jsonSchema(${schema})`,
        `pm.expect(pm.response.json()).to.have.jsonSchema(${schema})`,
        `pm.expect({ id: 'x' }).to.not.have.jsonSchema(${schema})`,
        `pm.expect('a@b.test').to.have.jsonSchema({ type: 'string', format: 'email' })`,
        `pm.expect(1).to.have.jsonSchema({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'number' })`,
      ],
      [`pm.expect({ id: 'x' }).to.have.jsonSchema(${schema})`],
      user,
    );
  });

  test('responseTime and responseSize chains', async () => {
    await expectOutcomes(
      [`pm.response.to.have.responseTime.below(100)`, `pm.response.to.have.responseSize.above(10)`],
      [`pm.response.to.have.responseTime.above(100)`],
      user,
    );
  });

  test('Postman assertions reject non-response objects', async () => {
    await expectOutcomes([], [`pm.expect({ code: 200 }).to.have.status(200)`], user);
  });
});
