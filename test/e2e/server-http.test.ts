/**
 * The HTTP conventions every route shares, over the real listening server: problem+json errors,
 * request ids, validation listing every problem, unknown fields rejected, probes, the OpenAPI document
 * and its reference page.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { renderOpenApi } from '../../src/http/openapi.ts';
import { API_ROUTES } from '../../src/http/routes/index.ts';
import { apiVersion } from '../../src/http/version.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: TestClient;

before(async () => {
  server = await startTestServer();
  admin = await server.login('admin');
});
after(() => server.close());

function assertProblem(
  response: { status: number; headers: Headers; body: Record<string, unknown> },
  status: number,
  code: string,
) {
  assert.equal(response.status, status);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(response.body.status, status);
  assert.equal(response.body.code, code);
  assert.equal(response.body.type, `/api/docs#problem-${code}`);
  assert.equal(typeof response.body.title, 'string');
  assert.equal(typeof response.body.detail, 'string');
  assert.equal(typeof response.body.instance, 'string');
  assert.equal(response.body.request_id, response.headers.get('x-request-id'));
}

describe('problem details', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const response = await admin.get('/api/v1/nothing-here');
    assertProblem(response, 404, 'not_found');
    assert.equal(response.body.instance, '/api/v1/nothing-here');
    assert.equal(response.body.detail, 'no route for GET /api/v1/nothing-here');
  });

  it('answers 401 with a problem and a WWW-Authenticate challenge', async () => {
    const response = await server.anonymous.get('/api/v1/organisations/current');
    assertProblem(response, 401, 'unauthorized');
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="assay"');
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    const response = await admin.request('PATCH', '/api/v1/organisations/current', undefined, {
      raw: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    assertProblem(response, 400, 'malformed_json');
  });

  it('answers a body that is not JSON with 415', async () => {
    const response = await admin.request('PATCH', '/api/v1/organisations/current', undefined, {
      raw: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assertProblem(response, 415, 'unsupported_media_type');
  });

  it('answers an oversized body with 413', async () => {
    const response = await admin.patch('/api/v1/organisations/current', {
      name: 'x',
      settings: { big: 'y'.repeat(1_100_000) },
    });
    assertProblem(response, 413, 'payload_too_large');
  });

  it('sends nosniff on every response, errors included', async () => {
    const response = await admin.get('/api/v1/nothing-here');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  });
});

describe('request ids', () => {
  it('echoes a well-formed X-Request-Id and puts it on the log lines of the request', async () => {
    const response = await admin.get('/api/v1/organisations/current', {
      headers: { 'x-request-id': 'trace-abc.123' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-request-id'), 'trace-abc.123');
    const line = server.logs.find((l) => l.reqId === 'trace-abc.123' && l.msg === 'request');
    assert.ok(line, 'request log line');
    assert.equal(line.path, '/api/v1/organisations/current');
    assert.equal(line.status, 200);
    assert.equal(line.orgId, server.organisation.id);
  });

  it('replaces a malformed one with a UUIDv7', async () => {
    const response = await admin.get('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
  });

  it('generates one when none is sent, and never logs credentials', async () => {
    const response = await admin.get('/api/v1/auth/me');
    const id = response.headers.get('x-request-id');
    assert.ok(id);
    const text = JSON.stringify(server.logs);
    assert.ok(!text.includes(admin.cookie?.split('=')[1] ?? 'x'), 'session cookie in the log');
  });
});

describe('validation', () => {
  it('lists every problem of the query and the body at once', async () => {
    const response = await admin.post('/api/v1/members?surprise=1', {
      email: 'not-an-email',
      role: 'emperor',
      nickname: 'x',
      extra: true,
    });
    assertProblem(response, 400, 'validation_failed');
    const problems = response.body.errors as { path: string; code: string; message: string }[];
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.code]));
    assert.deepEqual(byPath, {
      'query.surprise': 'unknown_field',
      'body.email': 'invalid_format',
      'body.role': 'invalid_value',
      'body.nickname': 'unknown_field',
      'body.extra': 'unknown_field',
    });
    assert.equal(response.body.detail, '5 problems in the request');
    for (const problem of problems) assert.equal(typeof problem.message, 'string');
  });

  it('names missing fields as required', async () => {
    const response = await admin.post('/api/v1/api-keys', {});
    assertProblem(response, 400, 'validation_failed');
    assert.deepEqual(
      response.body.errors.map((p: { path: string; code: string; message: string }) => [
        p.path,
        p.code,
        p.message,
      ]),
      [
        ['body.name', 'required', 'is required'],
        ['body.scopes', 'required', 'is required'],
      ],
    );
  });

  it('validates query parameters (limit out of range)', async () => {
    const response = await admin.get('/api/v1/members?limit=0&cursor=');
    assertProblem(response, 400, 'validation_failed');
    assert.deepEqual(
      response.body.errors.map((p: { path: string }) => p.path),
      ['query.limit', 'query.cursor'],
    );
  });

  it('treats a malformed id in the path as not found', async () => {
    const response = await admin.get('/api/v1/api-keys/not-a-uuid');
    assertProblem(response, 404, 'not_found');
  });

  it('refuses a body on a route that takes none', async () => {
    const response = await admin.request('DELETE', `/api/v1/api-keys/${admin.userId}`, { force: true });
    assertProblem(response, 400, 'validation_failed');
    assert.equal(response.body.errors[0].code, 'unexpected_body');
  });
});

describe('probes', () => {
  it('/healthz says alive', async () => {
    const response = await server.anonymous.get('/healthz');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ok' });
  });

  it('/readyz details the database and migrations', async () => {
    const response = await server.anonymous.get('/readyz');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {
      status: 'ready',
      checks: {
        database: { status: 'ok', kind: 'pglite' },
        migrations: { status: 'ok', pending: [] },
      },
    });
  });
});

describe('OpenAPI', () => {
  it('docs/openapi.json is current (run npm run openapi after changing a route)', async () => {
    const checkedIn = await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
    assert.equal(checkedIn, renderOpenApi(API_ROUTES, { version: apiVersion() }));
  });

  it('is served at /api/openapi.json as OpenAPI 3.1 with every route', async () => {
    const response = await server.anonymous.get('/api/openapi.json');
    assert.equal(response.status, 200);
    assert.equal(response.body.openapi, '3.1.0');
    const operations = Object.values(response.body.paths as Record<string, object>).flatMap((item) =>
      Object.keys(item),
    );
    assert.equal(operations.length, API_ROUTES.flatMap((group) => group.routes).length);
    const create = response.body.paths['/api/v1/api-keys'].post;
    assert.equal(create['x-assay-role'], 'admin');
    assert.equal(create['x-assay-scope'], 'admin');
    assert.deepEqual(create.requestBody.content['application/json'].schema.required, ['name', 'scopes']);
    assert.equal(create.requestBody.content['application/json'].schema.additionalProperties, false);
    assert.ok(create.responses['400'] && create.responses['401'] && create.responses['403']);
  });

  it('has a self-contained reference page at /api/docs (no external resources)', async () => {
    const page = await server.anonymous.get('/api/docs');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.ok(!/https?:\/\//.test(page.text), 'no absolute URLs in the page');
    assert.ok(!/<script>[^<]/.test(page.text), 'no inline script');
    const script = await server.anonymous.get('/api/docs/docs.js');
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.ok(!script.text.includes('innerHTML'), 'the renderer never injects markup');
  });
});
