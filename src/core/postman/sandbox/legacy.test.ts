import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScriptSandbox } from './index.ts';
import { jsonResponse, prerequestInput, testInput } from './test-support.ts';
import type { ScriptSandbox } from './types.ts';

let sandbox: ScriptSandbox;

before(async () => {
  sandbox = await createScriptSandbox({ timeoutMs: 2000 });
});
after(() => sandbox.dispose());

describe('legacy interface', () => {
  test('tests[…] entries are recorded after the pm.test ones of the same script', async () => {
    const out = await sandbox.execute(
      testInput([
        `tests['Status code is 200'] = responseCode.code === 200;
         tests['Body has name'] = responseBody.has('Grace');
         tests['Body has id'] = responseBody.has('"id":7') && responseBody.has(/Ada/);
         pm.test('pm test', () => {});`,
        `tests['second script'] = 1;`,
      ]),
    );
    assert.deepEqual(
      out.tests.map((t) => [t.name, t.passed, t.scriptIndex]),
      [
        ['pm test', true, 0],
        ['Status code is 200', true, 0],
        ['Body has name', false, 0],
        ['Body has id', true, 0],
        ['second script', true, 1],
      ],
    );
    assert.deepEqual(out.tests[2]?.error, {
      name: 'AssertionFailure',
      message: 'expected false to be truthy',
    });
    assert.deepEqual(out.scriptErrors, []);
  });

  test('legacy tests set before a throw are still recorded', async () => {
    const out = await sandbox.execute(testInput(`tests['before'] = true; throw new Error('x');`));
    assert.equal(out.tests[0]?.name, 'before');
    assert.equal(out.scriptErrors.length, 1);
  });

  test('response globals: responseBody, responseCode, responseHeaders, responseTime, responseCookies', async () => {
    const out = await sandbox.execute(
      testInput(
        `
        const body = JSON.parse(responseBody);
        tests['body'] = body.id === 7;
        tests['code'] = responseCode.code === 404 && responseCode.name === 'Not Found';
        tests['headers keep their case'] = responseHeaders['X-Trace'] === 't';
        tests['getResponseHeader ignores case'] = postman.getResponseHeader('x-trace') === 't';
        tests['responseTime'] = responseTime === 12;
        tests['cookies'] = Array.isArray(responseCookies);
        tests['iteration'] = iteration === 3;
        tests['data'] = data.user === 'ada';
        tests['request'] = request.method === 'GET' && request.url.endsWith('/users?page=2') && request.name === 'Get user';
      `,
        {
          response: jsonResponse({ id: 7 }, 404, [['X-Trace', 't']]),
          info: { requestName: 'Get user', requestId: 'r', iteration: 3, iterationCount: 4 },
          variables: { iterationData: { user: 'ada' } },
        },
      ),
    );
    assert.deepEqual(
      out.tests.filter((t) => !t.passed),
      [],
    );
  });

  test('postman.* variable functions, and the globals/environment snapshots', async () => {
    const out = await sandbox.execute(
      prerequestInput(
        `
        postman.setEnvironmentVariable('count', 5);
        postman.setGlobalVariable('flag', false);
        tests['stored as text'] = postman.getEnvironmentVariable('count') === '5' && postman.getGlobalVariable('flag') === 'false';
        tests['snapshot follows'] = environment.count === '5' && globals.flag === 'false' && environment.old === 'x';
        postman.clearEnvironmentVariable('old');
        postman.clearGlobalVariable('gone');
        tests['cleared'] = environment.old === undefined && postman.getEnvironmentVariable('old') === undefined;
        tests['no response in pre-request'] = typeof responseBody === 'undefined' && typeof postman.getResponseHeader === 'undefined';
      `,
        { variables: { environment: { old: 'x' }, globals: { gone: 1, kept: 2 } } },
      ),
    );
    assert.deepEqual(
      out.tests.filter((t) => !t.passed),
      [],
    );
    assert.deepEqual(out.variables.environment, { count: '5' });
    assert.deepEqual(out.variables.globals, { kept: 2, flag: 'false' });
  });

  test('clearEnvironmentVariables and clearGlobalVariables empty the scopes', async () => {
    const out = await sandbox.execute(
      prerequestInput(`postman.clearEnvironmentVariables(); postman.clearGlobalVariables();`, {
        variables: { environment: { a: 1 }, globals: { b: 2 } },
      }),
    );
    assert.deepEqual(out.variables.environment, {});
    assert.deepEqual(out.variables.globals, {});
  });
});
