/**
 * The organisation and its members over the real server: settings by admins, adding people (with a
 * temporary password), role changes, removal, the owner rules (only owners make owners, the last owner
 * stays), audit entries, every route × role, and another organisation's members → 404.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Role } from '../../src/ports/organisation-store.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let owner: TestClient;
let admin: TestClient;

before(async () => {
  server = await startTestServer();
  owner = await server.login('owner');
  admin = await server.login('admin');
});
after(() => server.close());

function email(): string {
  return `person-${Math.random().toString(36).slice(2)}@example.test`;
}

describe('organisation', () => {
  it('is readable by every role, with its settings', async () => {
    const viewer = await server.login('viewer');
    const response = await viewer.get('/api/v1/organisations/current');
    assert.equal(response.status, 200);
    assert.equal(response.body.id, server.organisation.id);
    assert.equal(response.body.slug, server.organisation.slug);
    assert.deepEqual(Object.keys(response.body).sort(), [
      'created_at',
      'id',
      'name',
      'settings',
      'slug',
      'updated_at',
    ]);
  });

  it('is renamed and configured by admins; settings merge and null removes', async () => {
    const first = await admin.patch('/api/v1/organisations/current', { settings: { a: 1, b: 'two' } });
    assert.equal(first.status, 200);
    const second = await admin.patch('/api/v1/organisations/current', {
      name: 'Renamed',
      settings: { a: null, c: true },
    });
    assert.equal(second.body.name, 'Renamed');
    assert.deepEqual(second.body.settings, { b: 'two', c: true });
    const empty = await admin.patch('/api/v1/organisations/current', {});
    assert.equal(empty.status, 400);
    assert.equal(empty.body.errors[0].message, 'name or settings is required');
    const entries = await admin.get('/api/v1/audit-log?action=organisation.updated');
    assert.ok(entries.body.items.length >= 2);
  });

  it('is not changed by members or viewers', async () => {
    for (const role of ['member', 'viewer'] as const) {
      const person = await server.login(role);
      const response = await person.patch('/api/v1/organisations/current', { name: 'Mine now' });
      assert.equal(response.status, 403, role);
      assert.equal(response.body.code, 'forbidden');
    }
  });
});

describe('adding members', () => {
  it('creates an account with a temporary password, shown once, that signs in', async () => {
    const address = email();
    const response = await admin.post('/api/v1/members', {
      email: address,
      name: 'New Person',
      role: 'member',
    });
    assert.equal(response.status, 201);
    assert.equal(response.body.member.email, address);
    assert.equal(response.body.member.role, 'member');
    assert.equal(typeof response.body.temporary_password, 'string');
    const person = await server.loginAs(address, response.body.temporary_password);
    assert.equal((await person.get('/api/v1/auth/me')).body.role, 'member');
    const changed = await person.post('/api/v1/auth/password', {
      current_password: response.body.temporary_password,
      new_password: 'my own passphrase',
    });
    assert.equal(changed.status, 204);
    const audit = await admin.get('/api/v1/audit-log?action=member.added');
    const entry = audit.body.items.find(
      (e: { target: { id: string } }) => e.target.id === response.body.member.user_id,
    );
    assert.equal(entry.actor.id, admin.userId);
    assert.equal(entry.data.role, 'member');
  });

  it('adds someone who already has an account without touching their password', async () => {
    const other = await server.otherOrganisation();
    const response = await admin.post('/api/v1/members', { email: other.owner.email, role: 'viewer' });
    assert.equal(response.status, 201);
    assert.equal(response.body.temporary_password, null);
    const again = await admin.post('/api/v1/members', { email: other.owner.email, role: 'viewer' });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'already_member');
  });

  it('lets only owners add owners', async () => {
    const byAdmin = await admin.post('/api/v1/members', { email: email(), role: 'owner' });
    assert.equal(byAdmin.status, 403);
    assert.equal(byAdmin.body.detail, 'only an owner can make an owner');
    const byOwner = await owner.post('/api/v1/members', { email: email(), role: 'owner' });
    assert.equal(byOwner.status, 201);
  });

  it('lists members with pagination', async () => {
    const page = await admin.get('/api/v1/members?limit=2');
    assert.equal(page.status, 200);
    assert.equal(page.body.items.length, 2);
    assert.ok(page.body.next_cursor);
    const all = await admin.get('/api/v1/members?limit=200');
    assert.ok(
      all.body.items.some(
        (m: { user_id: string; role: Role }) => m.user_id === owner.userId && m.role === 'owner',
      ),
    );
  });
});

describe('changing roles and removing', () => {
  it('changes a role and audits it', async () => {
    const person = await server.login('viewer');
    const response = await admin.patch(`/api/v1/members/${person.userId}`, { role: 'member' });
    assert.equal(response.status, 200);
    assert.equal(response.body.role, 'member');
    assert.equal((await person.get('/api/v1/auth/me')).body.role, 'member', 'effective on the next request');
    const audit = await admin.get('/api/v1/audit-log?action=member.role_changed');
    const entry = audit.body.items.find((e: { target: { id: string } }) => e.target.id === person.userId);
    assert.deepEqual(entry.data, { from: 'viewer', to: 'member' });
  });

  it('keeps admins from promoting to owner or touching an owner', async () => {
    const person = await server.login('member');
    assert.equal((await admin.patch(`/api/v1/members/${person.userId}`, { role: 'owner' })).status, 403);
    assert.equal((await admin.patch(`/api/v1/members/${owner.userId}`, { role: 'viewer' })).status, 403);
    assert.equal((await admin.delete(`/api/v1/members/${owner.userId}`)).status, 403);
  });

  it('never leaves an organisation without an owner', async () => {
    const solo = await startTestServer();
    try {
      const only = await solo.login('owner');
      const demote = await only.patch(`/api/v1/members/${only.userId}`, { role: 'admin' });
      assert.equal(demote.status, 409);
      assert.equal(demote.body.code, 'last_owner');
      const remove = await only.delete(`/api/v1/members/${only.userId}`);
      assert.equal(remove.status, 409);
      assert.equal(remove.body.code, 'last_owner');
      const second = await solo.login('owner');
      assert.equal((await second.patch(`/api/v1/members/${only.userId}`, { role: 'admin' })).status, 200);
      assert.equal((await second.delete(`/api/v1/members/${second.userId}`)).status, 409, 'now the last one');
    } finally {
      await solo.close();
    }
  });

  it('removes a member, who then has no access, and audits it', async () => {
    const person = await server.login('member');
    const response = await admin.delete(`/api/v1/members/${person.userId}`);
    assert.equal(response.status, 204);
    const after = await person.get('/api/v1/organisations/current');
    assert.equal(after.status, 403);
    assert.equal((await admin.delete(`/api/v1/members/${person.userId}`)).status, 404);
    const audit = await admin.get('/api/v1/audit-log?action=member.removed');
    assert.ok(audit.body.items.some((e: { target: { id: string } }) => e.target.id === person.userId));
  });
});

describe('roles on every route of this area', () => {
  const routes: { method: string; path: () => string; body?: () => unknown; minimum: Role }[] = [
    { method: 'GET', path: () => '/api/v1/organisations/current', minimum: 'viewer' },
    {
      method: 'PATCH',
      path: () => '/api/v1/organisations/current',
      body: () => ({ settings: { x: 1 } }),
      minimum: 'admin',
    },
    { method: 'GET', path: () => '/api/v1/audit-log', minimum: 'admin' },
    { method: 'GET', path: () => '/api/v1/members', minimum: 'viewer' },
    {
      method: 'POST',
      path: () => '/api/v1/members',
      body: () => ({ email: email(), role: 'viewer' }),
      minimum: 'admin',
    },
    {
      method: 'PATCH',
      path: () => `/api/v1/members/${target}`,
      body: () => ({ role: 'viewer' }),
      minimum: 'admin',
    },
    { method: 'GET', path: () => '/api/v1/api-keys', minimum: 'admin' },
    {
      method: 'POST',
      path: () => '/api/v1/api-keys',
      body: () => ({ name: 'k', scopes: ['runs:read'] }),
      minimum: 'admin',
    },
    { method: 'GET', path: () => '/api/v1/auth/me', minimum: 'viewer' },
  ];
  const rank: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };
  let target = '';

  for (const role of ['viewer', 'member', 'admin', 'owner'] as const) {
    it(`${role}: allowed at or above each route's minimum, 403 below`, async () => {
      const person = await server.login(role);
      target = (await server.login('viewer')).userId ?? '';
      for (const route of routes) {
        const response = await person.request(route.method, route.path(), route.body?.());
        const allowed = rank[role] >= rank[route.minimum];
        if (allowed)
          assert.ok(
            response.status < 300,
            `${role} ${route.method} ${route.path()}: ${response.status} ${response.text}`,
          );
        else assert.equal(response.status, 403, `${role} ${route.method} ${route.path()}`);
      }
    });
  }

  it('anonymous: 401 everywhere', async () => {
    for (const route of routes) {
      const response = await server.anonymous.request(route.method, route.path(), route.body?.());
      assert.equal(response.status, 401, `${route.method} ${route.path()}`);
    }
  });
});

describe('tenancy', () => {
  it("answers 404 for another organisation's member, whatever the verb", async () => {
    const other = await server.otherOrganisation();
    const theirs = other.owner.userId;
    assert.equal((await admin.patch(`/api/v1/members/${theirs}`, { role: 'viewer' })).status, 404);
    assert.equal((await admin.delete(`/api/v1/members/${theirs}`)).status, 404);
    const list = await admin.get('/api/v1/members?limit=200');
    assert.ok(!list.body.items.some((m: { user_id: string }) => m.user_id === theirs));
    assert.equal((await other.owner.get('/api/v1/auth/me')).body.role, 'owner', 'untouched');
  });

  it("never shows another organisation's audit entries", async () => {
    const other = await server.otherOrganisation();
    await other.owner.post('/api/v1/api-keys', { name: 'theirs', scopes: ['admin'] });
    const ours = await admin.get('/api/v1/audit-log?limit=200');
    assert.ok(ours.body.items.every((e: { actor: { id: string } }) => e.actor.id !== other.owner.userId));
  });
});
