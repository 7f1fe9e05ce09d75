/**
 * Attack suite — hostile input: oversized and deeply nested bodies, unknown fields (mass
 * assignment), prototype pollution, out-of-range and duplicated query parameters, path traversal, and
 * injection strings (SQL, HTML/script, CRLF, traversal, `__proto__`) in every free-text field, which
 * must be stored as given and returned as inert JSON strings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestClient, type TestServer } from '../support/server.ts';
import { rawRequest, SUITE_SOURCE, unique } from './attack-fixtures.ts';

const INJECTIONS = [
  "x'); DROP TABLE projects; --",
  "' OR '1'='1",
  '<script>alert(document.cookie)</script>',
  '<img src=x onerror=alert(1)>',
  'line one\r\nSet-Cookie: evil=1',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '__proto__',
  '{"__proto__":{"polluted":true}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally.
  '${process.env.ASSAY_SECRET_KEY}',
  '{{ secrets.TOKEN }}',
  '\u001b[31mred\u001b[0m \u0000 nul',
];

let server: TestServer;
let admin: TestClient;

before(async () => {
  server = await startTestServer({
    background: [],
    env: { ASSAY_SUITE_MAX_STEPS: '3', ASSAY_RATE_LIMIT: '100000' },
  });
  admin = await server.login('admin');
});
after(() => server.close());

function assertInertJson(response: { headers: Headers }, what: string): void {
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, what);
}

describe('attack: injection strings in every text field', () => {
  it('stores and returns project names and descriptions verbatim', async () => {
    for (const text of INJECTIONS) {
      const name = `${text} ${unique('')}`.replace(/\u0000/g, '');
      const created = await admin.post('/api/v1/projects', {
        name,
        description: text.replace(/\u0000/g, ''),
      });
      assert.equal(created.status, 201, `${JSON.stringify(text)}: ${created.text}`);
      const read = await admin.get(`/api/v1/projects/${created.body.id}`);
      assertInertJson(read, text);
      assert.equal(read.body.name, name);
      assert.equal(read.body.description, text.replace(/\u0000/g, ''));
      assert.equal(read.headers.get('set-cookie'), null);
    }
    const list = await admin.get('/api/v1/projects?limit=200');
    assert.equal(list.status, 200, 'the table is still there');
  });

  it('stores environment names, variable names and values, API key names and organisation settings verbatim', async () => {
    const project = await admin.post('/api/v1/projects', { name: unique('inj') });
    for (const text of INJECTIONS.filter((t) => !t.includes('\u0000'))) {
      const env = await admin.post(`/api/v1/projects/${project.body.id}/environments`, {
        name: `${text} ${unique('')}`,
        variables: { [`k${unique('')}`]: text, nested: { value: text } },
      });
      assert.equal(env.status, 201, `${JSON.stringify(text)}: ${env.text}`);
      const read = await admin.get(`/api/v1/environments/${env.body.id}`);
      assertInertJson(read, text);
      assert.ok(Object.values(read.body.variables).includes(text));
      assert.deepEqual(read.body.variables.nested, { value: text });

      const key = await admin.post('/api/v1/api-keys', { name: text, scopes: ['runs:read'] });
      assert.equal(key.status, 201, key.text);
      assert.equal((await admin.get(`/api/v1/api-keys/${key.body.id}`)).body.name, text.trim());
    }
    const settings = await admin.patch('/api/v1/organisations/current', {
      settings: Object.fromEntries(INJECTIONS.slice(0, 8).map((t, i) => [`s${i}`, t])),
    });
    assert.equal(settings.status, 200, settings.text);
    const org = await admin.get('/api/v1/organisations/current');
    for (const [i, t] of INJECTIONS.slice(0, 8).entries()) assert.equal(org.body.settings[`s${i}`], t);
  });

  it('stores suite names from the document verbatim and returns them as JSON', async () => {
    const project = await admin.post('/api/v1/projects', { name: unique('suites') });
    const text = "<script>alert(1)</script> '; DROP TABLE suites; --";
    const source = SUITE_SOURCE.replace('name: attack', `name: ${JSON.stringify(text)}`);
    const suite = await admin.post(`/api/v1/projects/${project.body.id}/suites`, { source });
    assert.equal(suite.status, 201, suite.text);
    const read = await admin.get(`/api/v1/suites/${suite.body.id}`);
    assertInertJson(read, 'suite');
    assert.equal(read.body.name, text);
  });
});

describe('attack: mass assignment and prototype pollution', () => {
  it('refuses unknown fields on every kind of write, naming each', async () => {
    const project = await admin.post('/api/v1/projects', { name: unique('mass') });
    const writes = [
      admin.post('/api/v1/projects', {
        name: unique('P'),
        organisation_id: server.organisation.id,
        id: project.body.id,
      }),
      admin.patch(`/api/v1/projects/${project.body.id}`, { created_at: '2000-01-01T00:00:00Z' }),
      admin.post('/api/v1/api-keys', { name: 'k', scopes: ['runs:read'], key_hash: 'x', revoked_at: null }),
      admin.post(`/api/v1/projects/${project.body.id}/environments`, { name: 'e', organisation_id: 'x' }),
      admin.post('/api/v1/members', { email: `${unique('m')}@example.test`, role: 'viewer', is_admin: true }),
      admin.patch('/api/v1/organisations/current', { name: 'x', plan: 'enterprise' }),
      admin.request('PUT', '/api/v1/organisations/current/ip-allowlist', {
        ranges: [],
        organisation_id: 'x',
      }),
    ];
    for (const response of await Promise.all(writes)) {
      assert.equal(response.status, 400, response.text);
      assert.equal(response.body.code, 'validation_failed');
      assert.ok(
        response.body.errors.some((e: { code: string }) => e.code === 'unknown_field'),
        response.text,
      );
    }
  });

  it('does not pollute prototypes through __proto__ or constructor keys', async () => {
    const bodies = [
      '{"name":"p1","__proto__":{"polluted":"yes"}}',
      '{"name":"p2","constructor":{"prototype":{"polluted":"yes"}}}',
    ];
    for (const body of bodies) {
      const response = await rawRequest(server.url, {
        method: 'POST',
        path: '/api/v1/projects',
        headers: {
          'content-type': 'application/json',
          cookie: admin.cookie ?? '',
          'x-csrf-token': admin.csrfToken ?? '',
        },
        body,
      });
      assert.equal(response.status, 400, response.text);
    }
    const settings = await rawRequest(server.url, {
      method: 'PATCH',
      path: '/api/v1/organisations/current',
      headers: {
        'content-type': 'application/json',
        cookie: admin.cookie ?? '',
        'x-csrf-token': admin.csrfToken ?? '',
      },
      body: '{"settings":{"__proto__":{"polluted":"yes"},"ok":{"__proto__":{"polluted":"yes"}}}}',
    });
    assert.ok([200, 400].includes(settings.status), settings.text);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
    const org = await admin.get('/api/v1/organisations/current');
    assert.equal(org.body.polluted, undefined);
    assert.equal(org.body.settings.polluted, undefined);
  });
});

describe('attack: sizes and shapes', () => {
  it('refuses bodies over the limit with 413 problem details', async () => {
    const response = await rawRequest(server.url, {
      method: 'POST',
      path: '/api/v1/projects',
      headers: {
        'content-type': 'application/json',
        cookie: admin.cookie ?? '',
        'x-csrf-token': admin.csrfToken ?? '',
      },
      body: JSON.stringify({ name: 'x', description: 'y'.repeat(2 * 1024 * 1024) }),
    });
    assert.equal(response.status, 413);
    assert.equal(JSON.parse(response.text).code, 'payload_too_large');
  });

  it('refuses deeply nested JSON and a suite over the step cap', async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const nested = await rawRequest(server.url, {
      method: 'POST',
      path: '/api/v1/projects',
      headers: {
        'content-type': 'application/json',
        cookie: admin.cookie ?? '',
        'x-csrf-token': admin.csrfToken ?? '',
      },
      body: deep,
    });
    assert.equal(nested.status, 400);
    const project = await admin.post('/api/v1/projects', { name: unique('steps') });
    const step = '  - name: s\n    request: { method: GET, url: "http://127.0.0.1:9/" }\n';
    const source = `version: 1\nname: big\nsteps:\n${step.repeat(4)}`;
    const suite = await admin.post(`/api/v1/projects/${project.body.id}/suites`, { source });
    assert.ok(suite.status === 400 || suite.status === 422, suite.text);
    assert.match(suite.text, /step/i);
  });

  it('refuses out-of-range, negative and duplicated query parameters', async () => {
    for (const query of ['limit=1000000', 'limit=-1', 'limit=1&limit=2', 'cursor=', 'unknown=1']) {
      const response = await admin.get(`/api/v1/projects?${query}`);
      assert.equal(response.status, 400, `${query}: ${response.text}`);
    }
  });

  it('answers path traversal and odd ids with 404', async () => {
    for (const path of [
      '/api/v1/projects/..%2f..%2fetc%2fpasswd',
      '/api/v1/projects/../../etc/passwd',
      "/api/v1/projects/1'%20OR%20'1'='1",
      '/api/v1/projects/%00',
    ]) {
      const response = await rawRequest(server.url, {
        method: 'GET',
        path,
        headers: { cookie: admin.cookie ?? '' },
      });
      assert.equal(response.status, 404, `${path}: ${response.text}`);
      assert.doesNotMatch(response.text, /root:/);
    }
  });

  it('does not echo a request id carrying header-breaking characters', async () => {
    const response = await rawRequest(server.url, {
      method: 'GET',
      path: '/healthz',
      headers: { 'x-request-id': 'abc%0d%0aSet-Cookie:%20evil=1' },
    });
    assert.notEqual(response.headers['x-request-id'], 'abc%0d%0aSet-Cookie:%20evil=1');
    assert.equal(response.headers['set-cookie'], undefined);
  });
});
