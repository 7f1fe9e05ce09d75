import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScriptSandbox } from './index.ts';
import { prerequestInput, testInput } from './test-support.ts';
import type { ScriptOutput, ScriptSandbox } from './types.ts';

let sandbox: ScriptSandbox;

before(async () => {
  sandbox = await createScriptSandbox({ timeoutMs: 2000 });
});
after(() => sandbox.dispose());

function failures(out: ScriptOutput): unknown[] {
  return [...out.tests.filter((t) => !t.passed).map((t) => [t.name, t.error?.message]), ...out.scriptErrors];
}

describe('variables', () => {
  test('pm.variables reads local → iteration data → environment → collection → globals', async () => {
    const out = await sandbox.execute(
      testInput(
        `
        pm.test('precedence', () => {
          pm.expect(pm.variables.get('a')).to.equal('local');
          pm.expect(pm.variables.get('b')).to.equal('data');
          pm.expect(pm.variables.get('c')).to.equal('env');
          pm.expect(pm.variables.get('d')).to.equal('collection');
          pm.expect(pm.variables.get('e')).to.equal('global');
          pm.expect(pm.variables.get('missing')).to.equal(undefined);
          pm.expect(pm.variables.has('e')).to.equal(true);
          pm.expect(pm.variables.toObject()).to.eql({ a: 'local', b: 'data', c: 'env', d: 'collection', e: 'global' });
        });
        pm.variables.set('b', 'now local');
        pm.test('set writes local', () => pm.expect(pm.variables.get('b')).to.equal('now local'));
      `,
        {
          variables: {
            local: { a: 'local' },
            iterationData: { a: 'data', b: 'data' },
            environment: { a: 'env', b: 'env', c: 'env' },
            collectionVariables: { a: 'collection', b: 'collection', c: 'collection', d: 'collection' },
            globals: { a: 'global', b: 'global', c: 'global', d: 'global', e: 'global' },
          },
        },
      ),
    );
    assert.deepEqual(failures(out), []);
    assert.deepEqual(out.variables.local, { a: 'local', b: 'now local' });
    assert.deepEqual(out.variables.iterationData, { a: 'data', b: 'data' });
  });

  test('each scope: get, set, unset, has, clear, toObject, replaceIn', async () => {
    const out = await sandbox.execute(
      prerequestInput(
        `
        for (const name of ['globals', 'environment', 'collectionVariables', 'iterationData']) {
          const scope = pm[name];
          scope.set('n', 1);
          scope.set('s', 'text');
          scope.set('o', { deep: [1] });
          pm.test(name, () => {
            pm.expect(scope.get('n')).to.equal(1);
            pm.expect(scope.has('s')).to.equal(true);
            pm.expect(scope.get('o')).to.eql({ deep: [1] });
            pm.expect(scope.replaceIn('{{s}}-{{n}}-{{unknown}}')).to.equal('text-1-{{unknown}}');
            scope.unset('s');
            pm.expect(scope.has('s')).to.equal(false);
            pm.expect(scope.toObject()).to.include.keys('n', 'o', 'old');
          });
        }
        pm.globals.clear();
      `,
        {
          variables: {
            globals: { old: 1 },
            environment: { old: 1 },
            collectionVariables: { old: 1 },
            iterationData: { old: 1 },
          },
        },
      ),
    );
    assert.deepEqual(failures(out), []);
    assert.deepEqual(out.variables.globals, {});
    assert.deepEqual(out.variables.environment, { old: 1, n: 1, o: { deep: [1] } });
    assert.deepEqual(out.variables.iterationData, { old: 1, n: 1, o: { deep: [1] } });
  });

  test('replaceIn resolves nested references and dynamic variables', async () => {
    const out = await sandbox.execute(
      prerequestInput(
        `
        pm.test('nested', () => pm.expect(pm.variables.replaceIn('{{url}}/x')).to.equal('http://h:1/x'));
        pm.test('objects', () => pm.expect(pm.variables.replaceIn({ a: ['{{host}}'] })).to.eql({ a: ['h'] }));
        pm.test('dynamic', () => {
          pm.expect(pm.variables.replaceIn('{{$guid}}')).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
          pm.expect(Number(pm.variables.replaceIn('{{$timestamp}}'))).to.be.closeTo(Date.now() / 1000, 60);
          pm.expect(pm.variables.replaceIn('{{$isoTimestamp}}')).to.match(/^\\d{4}-\\d{2}-\\d{2}T/);
          pm.expect(Number(pm.variables.replaceIn('{{$randomInt}}'))).to.be.within(0, 1000);
          pm.expect(pm.variables.replaceIn('{{$randomEmail}}')).to.match(/@/);
          pm.expect(pm.variables.replaceIn('{{$randomFirstName}} {{$randomUUID}}')).to.not.include('{{');
          pm.expect(pm.variables.replaceIn('{{$notDynamic}}')).to.equal('{{$notDynamic}}');
        });
        pm.test('user variables win over dynamic ones', () =>
          pm.expect(pm.variables.replaceIn('{{$guid}}')).to.not.equal('mine'));
      `,
        { variables: { environment: { url: 'http://{{host}}:{{port}}', host: 'h', port: 1 } } },
      ),
    );
    assert.deepEqual(failures(out), []);
  });
});

describe('pm.request', () => {
  test('reads the request: url parts, method, headers, body', async () => {
    const out = await sandbox.execute(
      prerequestInput(
        `
        const url = pm.request.url;
        pm.test('url', () => {
          pm.expect(url.toString()).to.equal('https://{{host}}:8443/v1/users/:id?page=2&flag#top');
          pm.expect(url.protocol).to.equal('https');
          pm.expect(url.getHost()).to.equal('{{host}}');
          pm.expect(url.port).to.equal('8443');
          pm.expect(url.path).to.eql(['v1', 'users', ':id']);
          pm.expect(url.getPath()).to.equal('/v1/users/42');
          pm.expect(url.getPath(true)).to.equal('/v1/users/:id');
          pm.expect(url.getQueryString()).to.equal('page=2&flag');
          pm.expect(url.query.get('page')).to.equal('2');
          pm.expect(url.query.toObject()).to.eql({ page: '2', flag: null });
          pm.expect(url.hash).to.equal('top');
        });
        pm.test('method and headers', () => {
          pm.expect(pm.request.method).to.equal('POST');
          pm.expect(pm.request.headers.get('content-type')).to.equal('application/json');
          pm.expect(pm.request.headers.has('X-Trace')).to.equal(true);
          pm.expect(pm.request.getHeaders()).to.eql({ 'Content-Type': 'application/json', 'X-Trace': 't1' });
          pm.request.to.have.header('X-Trace', 't1');
        });
        pm.test('body', () => {
          pm.expect(pm.request.body.mode).to.equal('raw');
          pm.expect(JSON.parse(pm.request.body.raw)).to.eql({ name: 'Ada' });
          pm.expect(pm.request.body.toString()).to.equal(pm.request.body.raw);
        });
      `,
        {
          request: {
            url: 'https://{{host}}:8443/v1/users/:id?page=2&flag#top',
            method: 'post',
            headers: [
              { key: 'Content-Type', value: 'application/json' },
              { key: 'X-Trace', value: 't1' },
            ],
            body: { mode: 'raw', raw: '{"name":"Ada"}' },
            urlVariables: [{ key: 'id', value: '42' }],
          },
        },
      ),
    );
    assert.deepEqual(failures(out), []);
  });

  test('pre-request scripts change url, query, headers, method and body', async () => {
    const out = await sandbox.execute(
      prerequestInput(
        [
          `
        pm.request.url.query.add({ key: 'added', value: '1' });
        pm.request.url.query.remove('page');
        pm.request.headers.add({ key: 'X-Added', value: 'a' });
        pm.request.headers.upsert({ key: 'x-trace', value: 'replaced' });
        pm.request.removeHeader('X-Gone');
        pm.request.addHeader({ key: 'Authorization', value: 'Bearer ' + pm.environment.get('token') });
        pm.request.method = 'PUT';
        pm.request.body.raw = JSON.stringify({ signed: true });
      `,
          `pm.request.url.update(pm.request.url.toString().replace('http://', 'https://'));`,
        ],
        {
          request: {
            url: 'http://api.test/items?page=1',
            method: 'GET',
            headers: [
              { key: 'X-Trace', value: 'old' },
              { key: 'X-Gone', value: 'bye' },
            ],
            body: { mode: 'raw', raw: '{}' },
          },
          variables: { environment: { token: 'tok' } },
        },
      ),
    );
    assert.deepEqual(failures(out), []);
    assert.deepEqual(out.request, {
      url: 'https://api.test/items?added=1',
      method: 'PUT',
      headers: [
        // upsert takes the key as given, like postman-collection's Header#update
        { key: 'x-trace', value: 'replaced' },
        { key: 'X-Added', value: 'a' },
        { key: 'Authorization', value: 'Bearer tok' },
      ],
      body: { mode: 'raw', raw: '{"signed":true}' },
    });
  });

  test('assigning a url string or a new body replaces them', async () => {
    const out = await sandbox.execute(
      prerequestInput(
        `pm.request.url = 'http://other.test/a?b=c';
         pm.request.body = { mode: 'urlencoded', urlencoded: [{ key: 'k', value: 'v' }] };`,
      ),
    );
    assert.equal(out.request.url, 'http://other.test/a?b=c');
    assert.deepEqual(out.request.body, { mode: 'urlencoded', urlencoded: [{ key: 'k', value: 'v' }] });
  });
});

describe('pm.response', () => {
  test('code, status, headers, body, timing, size, cookies', async () => {
    const out = await sandbox.execute(
      testInput(
        `
        pm.test('fields', () => {
          pm.expect(pm.response.code).to.equal(201);
          pm.expect(pm.response.status).to.equal('Created');
          pm.expect(pm.response.reason()).to.equal('Created');
          pm.expect(pm.response.responseTime).to.equal(12);
          pm.expect(pm.response.responseSize).to.equal(pm.response.text().length);
          pm.expect(pm.response.json()).to.eql({ id: 7 });
          pm.expect(pm.response.text()).to.equal('{"id":7}');
        });
        pm.test('headers', () => {
          pm.expect(pm.response.headers.get('content-type')).to.include('application/json');
          pm.expect(pm.response.headers.has('Location')).to.equal(true);
          pm.expect(pm.response.headers.toObject()).to.have.property('location', '/users/7');
          const keys = [];
          pm.response.headers.each((h) => keys.push(h.key));
          pm.expect(keys).to.eql(['Content-Type', 'Location']);
          pm.expect(pm.response.headers.count()).to.equal(2);
        });
        pm.test('cookies', () => {
          pm.expect(pm.response.cookies.get('session')).to.equal('abc');
          pm.expect(pm.response.cookies.has('session')).to.equal(true);
          pm.expect(pm.cookies.get('jar')).to.equal('j');
          pm.expect(pm.cookies.toObject()).to.eql({ jar: 'j' });
        });
        pm.test('json errors are JSONError', () => {
          pm.expect(() => JSON.parse('{')).to.throw();
        });
      `,
        {
          response: {
            code: 201,
            headers: [
              { key: 'Content-Type', value: 'application/json' },
              { key: 'Location', value: '/users/7' },
            ],
            body: '{"id":7}',
            responseTime: 12,
            cookies: [{ name: 'session', value: 'abc' }],
          },
          cookies: [{ name: 'jar', value: 'j', domain: '127.0.0.1' }],
        },
      ),
    );
    assert.deepEqual(failures(out), []);
  });

  test('json() on a non-JSON body throws a JSONError', async () => {
    const out = await sandbox.execute(
      testInput(`pm.test('parse', () => pm.response.json())`, {
        response: { code: 200, headers: [], body: '<html>', responseTime: 1 },
      }),
    );
    assert.equal(out.tests[0]?.error?.name, 'JSONError');
  });

  test('pm.response is absent in pre-request scripts', async () => {
    const out = await sandbox.execute(
      prerequestInput(`pm.test('absent', () => pm.expect(pm.response).to.equal(undefined))`),
    );
    assert.deepEqual(failures(out), []);
  });
});

describe('pm.info and pm.execution', () => {
  test('pm.info describes the execution', async () => {
    const out = await sandbox.execute(
      testInput(
        `pm.test('info', () => pm.expect(pm.info).to.eql({
           eventName: 'test', iteration: 2, iterationCount: 5, requestName: 'Get user', requestId: 'req-1' }));
         pm.test('location', () => pm.expect(Array.from(pm.execution.location)).to.eql(['Users', 'Get user']));`,
        {
          info: {
            requestName: 'Get user',
            requestId: 'req-1',
            iteration: 2,
            iterationCount: 5,
            location: ['Users', 'Get user'],
          },
        },
      ),
    );
    assert.deepEqual(failures(out), []);
  });

  test('setNextRequest: absent, a name, or null to stop', async () => {
    const none = await sandbox.execute(testInput(`1`));
    assert.equal('nextRequest' in none, false);
    const named = await sandbox.execute(testInput(`pm.execution.setNextRequest('Poll status')`));
    assert.equal(named.nextRequest, 'Poll status');
    const legacy = await sandbox.execute(
      testInput([`postman.setNextRequest('A')`, `postman.setNextRequest(null)`]),
    );
    assert.equal(legacy.nextRequest, null);
  });

  test('skipRequest in a pre-request script skips the remaining scripts and their async work', async () => {
    const out = await sandbox.execute(
      prerequestInput([
        `setTimeout(() => pm.environment.set('timer', 1), 1);
         pm.execution.skipRequest();
         pm.environment.set('sameScript', 1);`,
        `pm.environment.set('nextScript', 1);`,
      ]),
    );
    assert.equal(out.skipRequest, true);
    assert.deepEqual(out.variables.environment, { sameScript: 1 });
  });

  test('skipRequest is not available in test scripts', async () => {
    const out = await sandbox.execute(testInput(`pm.execution.skipRequest()`));
    assert.equal(out.skipRequest, false);
    assert.equal(out.scriptErrors[0]?.name, 'TypeError');
  });

  test('pm.require and pm.visualizer exist but do nothing harmful', async () => {
    const out = await sandbox.execute(
      testInput(`pm.visualizer.set('<p>{{x}}</p>', { x: 1 });
       pm.test('require', () => pm.expect(() => pm.require('npm:left-pad')).to.throw(/not supported/));`),
    );
    assert.deepEqual(failures(out), []);
  });
});
