/**
 * Attack suite — the browser surface: security headers on every kind of answer, CORS from foreign
 * origins, cross-site writes without the CSRF token, session fixation, account enumeration through
 * sign-in, and sign-in brute force.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, startTestServer, TEST_PASSWORD, type TestServer } from '../support/server.ts';
import { type RawResponse, rawRequest, unique } from './attack-fixtures.ts';

const LISTED = 'https://dash.example.com';
let server: TestServer;

before(async () => {
  server = await startTestServer({
    background: [],
    env: { ASSAY_CORS_ORIGINS: LISTED, ASSAY_LOGIN_FAILURES_ACCOUNT: '3', ASSAY_LOGIN_FAILURES_IP: '1000' },
  });
});
after(() => server.close());

function assertSecurityHeaders(response: RawResponse, what: string): void {
  const h = response.headers;
  const csp = String(h['content-security-policy'] ?? '');
  assert.match(csp, /default-src 'self'/, `${what}: CSP`);
  assert.match(csp, /script-src 'self'(;|$)/, `${what}: no inline script`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: framing`);
  assert.match(csp, /object-src 'none'/, `${what}: plugins`);
  assert.equal(h['x-content-type-options'], 'nosniff', what);
  assert.equal(h['x-frame-options'], 'DENY', what);
  assert.equal(h['referrer-policy'], 'no-referrer', what);
  assert.equal(h['cross-origin-opener-policy'], 'same-origin', what);
  assert.equal(h['x-powered-by'], undefined, what);
}

describe('attack: headers', () => {
  it('sends the security headers on success, 401, 404, 405-ish, 413, malformed JSON, the docs page and probes', async () => {
    const owner = await server.login('owner');
    const cases: [string, Promise<RawResponse>][] = [
      [
        '200',
        rawRequest(server.url, {
          method: 'GET',
          path: '/api/v1/auth/me',
          headers: { cookie: owner.cookie ?? '' },
        }),
      ],
      ['401', rawRequest(server.url, { method: 'GET', path: '/api/v1/projects' })],
      ['404', rawRequest(server.url, { method: 'GET', path: '/nothing/here' })],
      ['TRACE', rawRequest(server.url, { method: 'TRACE', path: '/api/v1/projects' })],
      [
        '413',
        rawRequest(server.url, {
          method: 'POST',
          path: '/api/v1/auth/login',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(3 * 1024 * 1024) }),
        }),
      ],
      [
        '400 malformed JSON',
        rawRequest(server.url, {
          method: 'POST',
          path: '/api/v1/auth/login',
          headers: { 'content-type': 'application/json' },
          body: '{"email":',
        }),
      ],
      ['docs', rawRequest(server.url, { method: 'GET', path: '/api/docs' })],
      ['healthz', rawRequest(server.url, { method: 'GET', path: '/healthz' })],
    ];
    for (const [what, pending] of cases) {
      const response = await pending;
      assertSecurityHeaders(response, what);
      if (response.status >= 400) {
        assert.match(String(response.headers['content-type']), /application\/problem\+json/, what);
        assert.doesNotMatch(response.text, /at .*\.ts:\d+/, `${what}: no stack trace`);
      }
    }
    assert.equal((await cases[3]?.[1])?.status, 404, 'TRACE is not served');
    assert.equal((await cases[4]?.[1])?.status, 413);
    assert.equal((await cases[0]?.[1])?.headers['cache-control'], 'no-store');
  });

  it('sends HSTS and upgrade-insecure-requests only over TLS (here: X-Forwarded-Proto from a trusted proxy)', async () => {
    const plain = await rawRequest(server.url, {
      method: 'GET',
      path: '/healthz',
      headers: { 'x-forwarded-proto': 'https' },
    });
    assert.equal(plain.headers['strict-transport-security'], undefined, 'a direct client cannot claim TLS');
    const proxied = await startTestServer({ background: [], env: { ASSAY_TRUST_PROXY: 'loopback' } });
    try {
      const tls = await rawRequest(proxied.url, {
        method: 'GET',
        path: '/healthz',
        headers: { 'x-forwarded-proto': 'https' },
      });
      assert.equal(tls.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
      assert.match(String(tls.headers['content-security-policy']), /upgrade-insecure-requests/);
    } finally {
      await proxied.close();
    }
  });
});

describe('attack: CORS', () => {
  it('never echoes a foreign origin, null or *, and refuses its preflight', async () => {
    for (const origin of [
      'https://evil.example',
      'null',
      'https://dash.example.com.evil.example',
      'http://dash.example.com',
    ]) {
      const simple = await rawRequest(server.url, {
        method: 'GET',
        path: '/api/v1/setup',
        headers: { origin },
      });
      assert.equal(simple.headers['access-control-allow-origin'], undefined, origin);
      assert.equal(simple.headers['access-control-allow-credentials'], undefined, origin);
      assert.match(String(simple.headers.vary), /Origin/);
      const preflight = await rawRequest(server.url, {
        method: 'OPTIONS',
        path: '/api/v1/projects',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-csrf-token',
        },
      });
      assert.equal(preflight.status, 403, origin);
      assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    }
  });

  it('allows a listed origin with credentials, echoing that origin only', async () => {
    const preflight = await rawRequest(server.url, {
      method: 'OPTIONS',
      path: '/api/v1/projects',
      headers: { origin: LISTED, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], LISTED);
    assert.equal(preflight.headers['access-control-allow-credentials'], 'true');
    assert.match(String(preflight.headers['access-control-allow-headers']), /X-CSRF-Token/);
  });
});

describe('attack: CSRF and sessions', () => {
  it('refuses cookie-authenticated writes without the CSRF token or from a foreign origin, and changes nothing', async () => {
    const member = await server.login('member');
    const name = unique('csrf');
    const noToken = await member.post('/api/v1/projects', { name }, { csrf: false });
    assert.equal(noToken.status, 403);
    assert.equal(noToken.body.code, 'csrf_failed');
    const wrongToken = await member.post(
      '/api/v1/projects',
      { name },
      { csrf: false, headers: { 'x-csrf-token': 'guess' } },
    );
    assert.equal(wrongToken.status, 403);
    const crossSite = await member.post(
      '/api/v1/projects',
      { name },
      { headers: { origin: 'https://evil.example' } },
    );
    assert.equal(crossSite.status, 403);
    const fetchSite = await member.post(
      '/api/v1/projects',
      { name },
      { headers: { 'sec-fetch-site': 'cross-site' } },
    );
    assert.equal(fetchSite.status, 403);
    const form = await rawRequest(server.url, {
      method: 'POST',
      path: '/api/v1/projects',
      headers: {
        cookie: member.cookie ?? '',
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
      },
      body: `name=${name}`,
    });
    assert.equal(form.status, 403);
    const projects = await member.get('/api/v1/projects?limit=200');
    assert.ok(!projects.body.items.some((p: { name: string }) => p.name === name));
  });

  it('issues a new session id at sign-in: a planted cookie never becomes authenticated', async () => {
    const person = await server.login('viewer');
    const planted = 'assay_session=attacker-chosen-value';
    const response = await rawRequest(server.url, {
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json', cookie: planted },
      body: JSON.stringify({ email: person.email, password: TEST_PASSWORD }),
    });
    assert.equal(response.status, 200);
    const setCookie = String(response.headers['set-cookie'] ?? '');
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    assert.doesNotMatch(setCookie, /attacker-chosen-value/);
    const withPlanted = await createClient(server.url, { cookie: planted }).get('/api/v1/auth/me');
    assert.equal(withPlanted.status, 401);
    // And the session signed in before is gone after sign-out.
    assert.equal((await person.post('/api/v1/auth/logout')).status, 204);
    assert.equal((await person.get('/api/v1/auth/me')).status, 401);
  });
});

describe('attack: sign-in', () => {
  it('answers an unknown email and a wrong password with the same status and body', async () => {
    const person = await server.login('viewer');
    const anon = createClient(server.url);
    const unknown = await anon.post('/api/v1/auth/login', {
      email: `${unique('nobody')}@example.test`,
      password: 'wrong password',
    });
    const wrong = await anon.post('/api/v1/auth/login', { email: person.email, password: 'wrong password' });
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, unknown.status);
    const strip = (body: Record<string, unknown>) => ({ ...body, request_id: undefined });
    assert.deepEqual(strip(wrong.body), strip(unknown.body));
    assert.deepEqual([...wrong.headers.keys()].sort(), [...unknown.headers.keys()].sort());
  });

  it('throttles guessing on one account with 429 and Retry-After, known or unknown, then refuses even the right password', async () => {
    for (const email of [(await server.login('member')).email ?? '', `${unique('ghost')}@example.test`]) {
      const anon = createClient(server.url);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await anon.post('/api/v1/auth/login', { email, password: `guess ${i}` })).status);
      assert.deepEqual(statuses, [401, 401, 401, 429, 429], email);
      const locked = await anon.post('/api/v1/auth/login', { email, password: TEST_PASSWORD });
      assert.equal(locked.status, 429);
      assert.equal(locked.body.code, 'rate_limited');
      assert.ok(Number(locked.headers.get('retry-after')) >= 1);
    }
  });

  it('lets people who sign in correctly sign in as often as they like', async () => {
    const person = await server.login('viewer');
    for (let i = 0; i < 6; i++) await server.loginAs(person.email ?? '');
  });

  it('throttles one address spraying many accounts', async () => {
    const sprayed = await startTestServer({ background: [], env: { ASSAY_LOGIN_FAILURES_IP: '5' } });
    try {
      const anon = createClient(sprayed.url);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        statuses.push(
          (await anon.post('/api/v1/auth/login', { email: `${unique('u')}@example.test`, password: 'x' }))
            .status,
        );
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
    } finally {
      await sprayed.close();
    }
  });
});
