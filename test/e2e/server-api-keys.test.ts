/**
 * API keys over the real server: the format (prefix, id, checksum), shown once and stored hashed, list
 * and read without the secret, revocation effective at once, expiry, malformed keys and typos refused
 * before any lookup, scopes enforced, last use recorded, audit entries, other organisation → 404.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ManualClock } from '../../src/platform/clock.ts';
import { generateApiKey, hashApiKey, parseApiKey } from '../../src/services/api-key-format.ts';
import { createClient, startTestServer, type TestClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: TestClient;

before(async () => {
  server = await startTestServer();
  admin = await server.login('admin');
});
after(() => server.close());

async function create(body: Record<string, unknown> = { name: 'CI', scopes: ['runs:write'] }) {
  const response = await admin.post('/api/v1/api-keys', body);
  assert.equal(response.status, 201, response.text);
  return response.body;
}

describe('creating', () => {
  it('returns the key once, in the assay_<id>_<secret><checksum> format, and stores only its hash', async () => {
    const created = await create({ name: 'CI', scopes: ['runs:write', 'suites:read'] });
    assert.match(created.key, /^assay_[0-9A-Za-z]{12}_[0-9A-Za-z]{30}$/);
    assert.equal(created.prefix, created.key.slice(0, 18));
    assert.deepEqual(created.scopes, ['runs:write', 'suites:read']);
    assert.equal(created.created_by, admin.userId);
    assert.equal(created.last_used_at, null);
    assert.ok(parseApiKey(created.key));
    const stored = await server.container.stores.apiKeys.get(server.organisation.id, created.id);
    assert.equal(stored?.secretHash, hashApiKey(created.key));
    assert.ok(!JSON.stringify(stored).includes(created.key.slice(19)), 'no secret at rest');

    const read = await admin.get(`/api/v1/api-keys/${created.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.key, undefined);
    assert.equal(read.body.prefix, created.prefix);
  });

  it('lists keys without secrets, newest first, with cursor pagination', async () => {
    const keys = [
      await create({ name: 'a', scopes: ['admin'] }),
      await create({ name: 'b', scopes: ['admin'] }),
    ];
    const first = await admin.get('/api/v1/api-keys?limit=1');
    assert.equal(first.status, 200);
    assert.equal(first.body.items.length, 1);
    assert.equal(first.body.items[0].id, keys[1].id);
    assert.equal(typeof first.body.next_cursor, 'string');
    const second = await admin.get(
      `/api/v1/api-keys?limit=1&cursor=${encodeURIComponent(first.body.next_cursor)}`,
    );
    assert.equal(second.body.items[0].id, keys[0].id);
    assert.ok(!first.text.includes('key"'), 'no key field in lists');
    const bad = await admin.get('/api/v1/api-keys?cursor=garbage');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].code, 'invalid_cursor');
  });

  it('rejects unknown scopes, duplicates, past expiry and unknown fields, listing each', async () => {
    const response = await admin.post('/api/v1/api-keys', {
      name: '',
      scopes: ['runs:write', 'root'],
      expires_at: '2000-01-01T00:00:00Z',
      ip: '1.2.3.4',
    });
    assert.equal(response.status, 400);
    assert.deepEqual(
      response.body.errors.map((p: { path: string }) => p.path),
      ['body.name', 'body.scopes[1]', 'body.expires_at', 'body.ip'],
    );
    const dup = await admin.post('/api/v1/api-keys', { name: 'x', scopes: ['admin', 'admin'] });
    assert.equal(dup.status, 400);
    assert.equal(dup.body.errors[0].message, 'lists a scope twice');
  });

  it('audits creation and revocation', async () => {
    const created = await create();
    await admin.delete(`/api/v1/api-keys/${created.id}`);
    const log = await admin.get('/api/v1/audit-log?limit=10');
    const actions = log.body.items.filter(
      (e: { target: { id: string } | null }) => e.target?.id === created.id,
    );
    assert.deepEqual(
      actions.map((e: { action: string }) => e.action),
      ['api_key.revoked', 'api_key.created'],
    );
    assert.equal(actions[1].actor.id, admin.userId);
    assert.equal(actions[1].data.prefix, created.prefix);
  });
});

describe('authenticating', () => {
  it('authenticates with Authorization: Bearer and records the last use', async () => {
    const created = await create({ name: 'reader', scopes: ['admin'] });
    const key = createClient(server.url, { key: created.key });
    const me = await key.get('/api/v1/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.kind, 'api_key');
    const read = await admin.get(`/api/v1/api-keys/${created.id}`);
    assert.equal(read.body.last_used_ip, '127.0.0.1');
    assert.equal(typeof read.body.last_used_at, 'string');
  });

  it('refuses a typo by its checksum, before any lookup (malformed, not unknown)', async () => {
    const created = await create();
    const last = created.key.at(-1) === 'a' ? 'b' : 'a';
    const typo = `${created.key.slice(0, -1)}${last}`;
    const response = await createClient(server.url, { key: typo }).get('/api/v1/auth/me');
    assert.equal(response.status, 401);
    assert.equal(response.body.code, 'unauthorized');
    assert.match(response.body.detail, /malformed/);
    for (const bad of ['assay_short', 'ghp_0123456789', `${created.key}x`]) {
      const r = await createClient(server.url, { key: bad }).get('/api/v1/auth/me');
      assert.equal(r.status, 401, bad);
    }
  });

  it('refuses a well-formed key that does not exist', async () => {
    const { key } = generateApiKey();
    const response = await createClient(server.url, { key }).get('/api/v1/auth/me');
    assert.equal(response.status, 401);
    assert.equal(response.body.detail, 'the API key is unknown, revoked or expired');
  });

  it('refuses a revoked key on the very next request', async () => {
    const created = await create({ name: 'soon revoked', scopes: ['admin'] });
    const key = createClient(server.url, { key: created.key });
    assert.equal((await key.get('/api/v1/auth/me')).status, 200);
    const revoke = await admin.delete(`/api/v1/api-keys/${created.id}`);
    assert.equal(revoke.status, 204);
    const after = await key.get('/api/v1/auth/me');
    assert.equal(after.status, 401);
    assert.equal(after.body.detail, 'the API key is unknown, revoked or expired');
    const read = await admin.get(`/api/v1/api-keys/${created.id}`);
    assert.equal(typeof read.body.revoked_at, 'string');
    assert.equal(
      (await admin.delete(`/api/v1/api-keys/${created.id}`)).status,
      204,
      'revoking twice is harmless',
    );
  });

  it('refuses an expired key', async () => {
    const expiresAt = new Date(server.clock.now().getTime() + 3_600_000);
    const created = await create({
      name: 'short-lived',
      scopes: ['admin'],
      expires_at: expiresAt.toISOString(),
    });
    const key = createClient(server.url, { key: created.key });
    assert.equal((await key.get('/api/v1/auth/me')).status, 200);
    (server.clock as ManualClock).advance(3_600_000);
    assert.equal((await key.get('/api/v1/auth/me')).status, 401);
    (server.clock as ManualClock).advance(-3_600_000);
  });

  it('refuses another authorization scheme', async () => {
    const response = await server.anonymous.get('/api/v1/auth/me', {
      headers: { authorization: 'Basic YTpi' },
    });
    assert.equal(response.status, 401);
  });
});

describe('scopes and roles', () => {
  it('needs the admin scope to manage keys, members and settings', async () => {
    const runner = await server.apiKey(['runs:write', 'suites:write']);
    for (const [method, path, body] of [
      ['GET', '/api/v1/api-keys', undefined],
      ['POST', '/api/v1/api-keys', { name: 'x', scopes: ['admin'] }],
      ['GET', '/api/v1/members', undefined],
      ['PATCH', '/api/v1/organisations/current', { name: 'x' }],
      ['GET', '/api/v1/audit-log', undefined],
    ] as const) {
      const response = await runner.request(method, path, body);
      assert.equal(response.status, 403, `${method} ${path}`);
      assert.equal(response.body.detail, 'the API key lacks the admin scope');
    }
    assert.equal(
      (await runner.get('/api/v1/organisations/current')).status,
      200,
      'any key reads its organisation',
    );
  });

  it('lets an admin-scoped key manage keys', async () => {
    const key = await server.apiKey(['admin']);
    const response = await key.post('/api/v1/api-keys', { name: 'made by a key', scopes: ['runs:read'] });
    assert.equal(response.status, 201);
    assert.equal(response.body.created_by, null);
  });

  it('needs the admin role for people', async () => {
    for (const role of ['viewer', 'member'] as const) {
      const person = await server.login(role);
      assert.equal((await person.get('/api/v1/api-keys')).status, 403, role);
      const create = await person.post('/api/v1/api-keys', { name: 'x', scopes: ['admin'] });
      assert.equal(create.status, 403, role);
      assert.equal(create.body.detail, `this needs the admin role or higher; you are ${role}`);
    }
    const owner = await server.login('owner');
    assert.equal((await owner.get('/api/v1/api-keys')).status, 200);
  });
});

describe('tenancy', () => {
  it("answers 404 for another organisation's key, and lists only one's own", async () => {
    const other = await server.otherOrganisation();
    const theirs = await other.owner.post('/api/v1/api-keys', { name: 'theirs', scopes: ['admin'] });
    assert.equal(theirs.status, 201);
    const read = await admin.get(`/api/v1/api-keys/${theirs.body.id}`);
    assert.equal(read.status, 404);
    assert.equal(read.body.code, 'not_found');
    const revoke = await admin.delete(`/api/v1/api-keys/${theirs.body.id}`);
    assert.equal(revoke.status, 404);
    const list = await admin.get('/api/v1/api-keys?limit=200');
    assert.ok(!list.body.items.some((k: { id: string }) => k.id === theirs.body.id));
    // Their key still works: nothing of ours touched it.
    const theirKey = createClient(server.url, { key: theirs.body.key });
    const me = await theirKey.get('/api/v1/auth/me');
    assert.equal(me.body.organisation.id, other.organisation.id);
  });
});
