/**
 * Sign-in, sessions and CSRF over the real server: cookie attributes, session fixation, idle and
 * absolute expiry (manual clock), same answer for unknown accounts, CSRF token and origin checks,
 * API keys exempt from CSRF, password change signing out other sessions, audit of sign-ins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ManualClock } from '../../src/platform/clock.ts';
import {
  createClient,
  sessionCookieOf,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
} from '../support/server.ts';

let server: TestServer;
let clock: ManualClock;

before(async () => {
  server = await startTestServer({
    env: { ASSAY_SESSION_IDLE_TTL: '30m', ASSAY_SESSION_ABSOLUTE_TTL: '2h' },
  });
  clock = server.clock as ManualClock;
});
after(() => server.close());

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie and returns the CSRF token', async () => {
    const person = await server.login('member');
    const response = await createClient(server.url).post('/api/v1/auth/login', {
      email: person.email,
      password: TEST_PASSWORD,
    });
    assert.equal(response.status, 200);
    const [cookie] = response.headers.getSetCookie();
    assert.match(
      cookie ?? '',
      /^assay_session=[A-Za-z0-9_-]{43}; Max-Age=7200; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );
    assert.ok(!/Secure/.test(cookie ?? ''), 'not Secure over plain HTTP');
    assert.equal(typeof response.body.csrf_token, 'string');
    assert.equal(response.body.organisation.id, server.organisation.id);
    assert.equal(response.body.organisation.role, 'member');
    assert.equal(response.body.user.email, person.email);
  });

  it('marks the cookie Secure behind a trusted TLS proxy only', async () => {
    const person = await server.login('viewer');
    const direct = await createClient(server.url).post(
      '/api/v1/auth/login',
      { email: person.email, password: TEST_PASSWORD },
      { headers: { 'x-forwarded-proto': 'https' } },
    );
    // ASSAY_TRUST_PROXY is off: a direct client cannot claim HTTPS.
    assert.ok(!/Secure/.test(direct.headers.getSetCookie()[0] ?? ''));
    const proxied = await startTestServer({ env: { ASSAY_TRUST_PROXY: 'loopback' } });
    try {
      const viewer = await proxied.login('viewer');
      const response = await createClient(proxied.url).post(
        '/api/v1/auth/login',
        { email: viewer.email, password: TEST_PASSWORD },
        { headers: { 'x-forwarded-proto': 'https' } },
      );
      assert.match(response.headers.getSetCookie()[0] ?? '', /; Secure/);
    } finally {
      await proxied.close();
    }
  });

  it('answers the same for an unknown email and a wrong password', async () => {
    const person = await server.login('member');
    const unknown = await server.anonymous.post('/api/v1/auth/login', {
      email: 'nobody@example.test',
      password: 'whatever it is',
    });
    const wrong = await server.anonymous.post('/api/v1/auth/login', {
      email: person.email,
      password: 'wrong password!',
    });
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    const strip = (body: Record<string, unknown>) => ({ ...body, request_id: undefined });
    assert.deepEqual(strip(unknown.body), strip(wrong.body));
    assert.equal(unknown.body.detail, 'the email or password is incorrect');
    assert.equal(unknown.headers.getSetCookie().length, 0);
  });

  it('audits successful and failed sign-ins in the organisation', async () => {
    const person = await server.login('member');
    await server.anonymous.post('/api/v1/auth/login', { email: person.email, password: 'not the password' });
    const admin = await server.login('admin');
    const failed = await admin.get('/api/v1/audit-log?action=auth.login_failed');
    assert.ok(failed.body.items.some((e: { actor: { id: string } }) => e.actor.id === person.userId));
    const ok = await admin.get('/api/v1/audit-log?action=auth.login');
    const entry = ok.body.items.find((e: { actor: { id: string } }) => e.actor.id === person.userId);
    assert.ok(entry);
    assert.equal(entry.ip, '127.0.0.1');
  });

  it('issues a new session id at sign-in and forgets the one the browser had (fixation)', async () => {
    const person = await server.login('member');
    const planted = person.cookie;
    assert.ok(planted);
    const response = await createClient(server.url, { cookie: planted }).post('/api/v1/auth/login', {
      email: person.email,
      password: TEST_PASSWORD,
    });
    const fresh = sessionCookieOf(response);
    assert.ok(fresh);
    assert.notEqual(fresh, planted);
    const old = await createClient(server.url, { cookie: planted }).get('/api/v1/auth/me');
    assert.equal(old.status, 401);
    const now = await createClient(server.url, { cookie: fresh }).get('/api/v1/auth/me');
    assert.equal(now.status, 200);
  });

  it('/auth/me describes the person and returns the CSRF token', async () => {
    const person = await server.login('viewer');
    const me = await person.get('/api/v1/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.kind, 'user');
    assert.equal(me.body.role, 'viewer');
    assert.equal(me.body.csrf_token, person.csrfToken);
    assert.equal(me.body.organisation.id, server.organisation.id);
    assert.equal(me.body.scopes, null);
  });

  it('/auth/me describes an API key', async () => {
    const key = await server.apiKey(['runs:read']);
    const me = await key.get('/api/v1/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.kind, 'api_key');
    assert.deepEqual(me.body.scopes, ['runs:read']);
    assert.equal(me.body.csrf_token, null);
  });

  it('picks another organisation of the person with X-Assay-Organisation, and refuses a foreign one', async () => {
    const person = await server.login('member');
    const other = await server.otherOrganisation();
    await server.container.stores.organisations.setMember({
      organisationId: other.organisation.id,
      userId: person.userId ?? '',
      role: 'viewer',
    });
    const me = await person.get('/api/v1/auth/me', {
      headers: { 'x-assay-organisation': other.organisation.id },
    });
    assert.equal(me.body.organisation.id, other.organisation.id);
    assert.equal(me.body.role, 'viewer');
    const third = await server.otherOrganisation();
    const refused = await person.get('/api/v1/auth/me', {
      headers: { 'x-assay-organisation': third.organisation.id },
    });
    assert.equal(refused.status, 403);
  });
});

describe('sign-out and expiry', () => {
  it('sign-out ends the session and clears the cookie', async () => {
    const person = await server.login('member');
    const out = await person.post('/api/v1/auth/logout');
    assert.equal(out.status, 204);
    assert.match(out.headers.getSetCookie()[0] ?? '', /^assay_session=; .*Expires=Thu, 01 Jan 1970/);
    const after = await person.get('/api/v1/auth/me');
    assert.equal(after.status, 401);
    assert.equal(after.body.detail, 'the session has expired; sign in again');
  });

  it('sign-out of a live session needs the CSRF token', async () => {
    const person = await server.login('member');
    const forged = await person.post('/api/v1/auth/logout', undefined, { csrf: false });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.code, 'csrf_failed');
    assert.equal((await person.get('/api/v1/auth/me')).status, 200);
  });

  it('expires after the idle time without requests, and activity slides it', async () => {
    const person = await server.login('member');
    clock.advance(20 * 60_000);
    assert.equal((await person.get('/api/v1/auth/me')).status, 200);
    clock.advance(20 * 60_000);
    assert.equal((await person.get('/api/v1/auth/me')).status, 200, 'the request 20 min ago slid the expiry');
    clock.advance(31 * 60_000);
    const expired = await person.get('/api/v1/auth/me');
    assert.equal(expired.status, 401);
    assert.equal(expired.body.code, 'unauthorized');
  });

  it('expires at the absolute limit however active', async () => {
    const person = await server.login('member');
    for (let i = 0; i < 4; i++) {
      clock.advance(25 * 60_000);
      assert.equal((await person.get('/api/v1/auth/me')).status, 200);
    }
    clock.advance(21 * 60_000); // 2 h 1 min after sign-in
    assert.equal((await person.get('/api/v1/auth/me')).status, 401);
  });
});

describe('CSRF', () => {
  it('refuses a cookie request that changes state without the token', async () => {
    const admin = await server.login('admin');
    const response = await admin.patch('/api/v1/organisations/current', { name: 'Renamed' }, { csrf: false });
    assert.equal(response.status, 403);
    assert.equal(response.body.code, 'csrf_failed');
    assert.equal(response.body.detail, 'the x-csrf-token header is required with a session cookie');
  });

  it('refuses a wrong token, and the token of another session', async () => {
    const admin = await server.login('admin');
    const other = await server.login('admin');
    const wrong = await admin.patch(
      '/api/v1/organisations/current',
      { name: 'Renamed' },
      {
        csrf: false,
        headers: { 'x-csrf-token': 'x'.repeat(43) },
      },
    );
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.code, 'csrf_failed');
    const borrowed = await admin.patch(
      '/api/v1/organisations/current',
      { name: 'Renamed' },
      {
        csrf: false,
        headers: { 'x-csrf-token': other.csrfToken ?? '' },
      },
    );
    assert.equal(borrowed.status, 403);
  });

  it('refuses a foreign Origin or a cross-site fetch even with the token', async () => {
    const admin = await server.login('admin');
    const origin = await admin.patch(
      '/api/v1/organisations/current',
      { name: 'Renamed' },
      {
        headers: { origin: 'https://evil.example' },
      },
    );
    assert.equal(origin.status, 403);
    assert.equal(origin.body.code, 'csrf_failed');
    const site = await admin.patch(
      '/api/v1/organisations/current',
      { name: 'Renamed' },
      {
        headers: { 'sec-fetch-site': 'cross-site' },
      },
    );
    assert.equal(site.status, 403);
    const same = await admin.patch(
      '/api/v1/organisations/current',
      { name: 'Same origin' },
      {
        headers: { origin: server.url, 'sec-fetch-site': 'same-origin' },
      },
    );
    assert.equal(same.status, 200);
  });

  it('refuses a cross-site sign-in (login CSRF)', async () => {
    const person = await server.login('member');
    const response = await server.anonymous.post(
      '/api/v1/auth/login',
      { email: person.email, password: TEST_PASSWORD },
      { headers: { origin: 'https://evil.example' } },
    );
    assert.equal(response.status, 403);
    assert.equal(response.body.code, 'csrf_failed');
  });

  it('lets safe methods through without the token', async () => {
    const admin = await server.login('admin');
    assert.equal((await admin.get('/api/v1/organisations/current', { csrf: false })).status, 200);
  });

  it('exempts API keys, which carry no ambient credential', async () => {
    const key = await server.apiKey(['admin']);
    const response = await key.patch('/api/v1/organisations/current', { settings: { theme: 'dark' } });
    assert.equal(response.status, 200);
    assert.equal(response.body.settings.theme, 'dark');
  });
});

describe('password change', () => {
  it('needs the current password, and signs out the other sessions', async () => {
    const person = await server.login('member');
    const elsewhere = await server.loginAs(person.email ?? '');
    const wrong = await person.post('/api/v1/auth/password', {
      current_password: 'not it at all',
      new_password: 'a brand new passphrase',
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.errors[0].path, 'body.current_password');
    const short = await person.post('/api/v1/auth/password', {
      current_password: TEST_PASSWORD,
      new_password: 'short',
    });
    assert.equal(short.status, 400);
    assert.equal(short.body.errors[0].path, 'body.new_password');
    const ok = await person.post('/api/v1/auth/password', {
      current_password: TEST_PASSWORD,
      new_password: 'a brand new passphrase',
    });
    assert.equal(ok.status, 204);
    assert.equal((await person.get('/api/v1/auth/me')).status, 200, 'this session stays');
    assert.equal((await elsewhere.get('/api/v1/auth/me')).status, 401, 'the other is signed out');
    await server.loginAs(person.email ?? '', 'a brand new passphrase');
  });

  it('is for people only', async () => {
    const key = await server.apiKey(['admin']);
    const response = await key.post('/api/v1/auth/password', {
      current_password: 'x',
      new_password: 'y'.repeat(12),
    });
    assert.equal(response.status, 403);
  });
});
