/** Projects over the real listening server: CRUD, slugs, pagination, audit, tenancy. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestClient, type TestServer } from '../../../test/support/server.ts';

let server: TestServer;
let member: TestClient;
let admin: TestClient;

before(async () => {
  server = await startTestServer();
  member = await server.login('member');
  admin = await server.login('admin');
});
after(() => server.close());

describe('projects', () => {
  it('creates with a slug made from the name, reads, and changes', async () => {
    const created = await member.post('/api/v1/projects', {
      name: 'Payments API (v2) — Café',
      description: 'money',
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), `/api/v1/projects/${created.body.id}`);
    assert.equal(created.body.slug, 'payments-api-v2-cafe');
    assert.equal(created.body.description, 'money');

    const read = await member.get(`/api/v1/projects/${created.body.id}`);
    assert.deepEqual(read.body, created.body);

    const changed = await member.patch(`/api/v1/projects/${created.body.id}`, {
      name: 'Payments',
      slug: 'payments',
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.name, 'Payments');
    assert.equal(changed.body.slug, 'payments');
    assert.equal(changed.body.description, 'money');
  });

  it('answers 409 slug_taken, and 422 when no slug can be made from the name', async () => {
    await member.post('/api/v1/projects', { name: 'Dup', slug: 'dup' });
    const again = await member.post('/api/v1/projects', { name: 'Dup 2', slug: 'dup' });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'slug_taken');

    const symbols = await member.post('/api/v1/projects', { name: '!!!' });
    assert.equal(symbols.status, 422);
    assert.deepEqual(symbols.body.errors, [
      { path: 'body.slug', message: 'cannot be made from this name: give a slug', code: 'required' },
    ]);

    const badSlug = await member.post('/api/v1/projects', { name: 'x', slug: 'Not A Slug' });
    assert.equal(badSlug.status, 400);
    assert.equal(badSlug.body.errors[0].path, 'body.slug');
  });

  it('lists newest first with cursors', async () => {
    const { owner } = await server.otherOrganisation();
    for (const name of ['p1', 'p2', 'p3']) await owner.post('/api/v1/projects', { name });
    const page1 = await owner.get('/api/v1/projects?limit=2');
    assert.deepEqual(
      page1.body.items.map((p: { name: string }) => p.name),
      ['p3', 'p2'],
    );
    const page2 = await owner.get(
      `/api/v1/projects?limit=2&cursor=${encodeURIComponent(page1.body.next_cursor)}`,
    );
    assert.deepEqual(
      page2.body.items.map((p: { name: string }) => p.name),
      ['p1'],
    );
    assert.equal(page2.body.next_cursor, null);
    const bad = await owner.get('/api/v1/projects?cursor=garbage');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].code, 'invalid_cursor');
  });

  it('deletes (admins) with everything in it, and audits', async () => {
    const project = (await member.post('/api/v1/projects', { name: 'Doomed' })).body;
    const suite = await member.post(`/api/v1/projects/${project.id}/suites`, {
      source:
        'version: 1\nname: s\nsteps:\n  - name: a\n    request: { method: GET, url: "http://127.0.0.1:9/" }\n',
    });
    const forbidden = await member.delete(`/api/v1/projects/${project.id}`);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.code, 'forbidden');

    assert.equal((await admin.delete(`/api/v1/projects/${project.id}`)).status, 204);
    assert.equal((await member.get(`/api/v1/projects/${project.id}`)).status, 404);
    assert.equal((await member.get(`/api/v1/suites/${suite.body.id}`)).status, 404);

    const { items } = await server.container.stores.audit.list(server.organisation.id, {});
    const actions = items.filter((e) => e.target?.id === project.id).map((e) => e.action);
    assert.deepEqual(actions, ['project.deleted', 'project.created']);
  });

  it("answers 404 for another organisation's project", async () => {
    const project = (await member.post('/api/v1/projects', { name: 'Mine' })).body;
    const { owner } = await server.otherOrganisation();
    for (const response of [
      await owner.get(`/api/v1/projects/${project.id}`),
      await owner.patch(`/api/v1/projects/${project.id}`, { name: 'Theirs' }),
      await owner.delete(`/api/v1/projects/${project.id}`),
    ]) {
      assert.equal(response.status, 404);
      assert.equal(response.body.code, 'not_found');
    }
    assert.ok(
      !(await owner.get('/api/v1/projects')).body.items.some((p: { id: string }) => p.id === project.id),
    );
    assert.equal((await member.get(`/api/v1/projects/${project.id}`)).body.name, 'Mine');
  });
});
