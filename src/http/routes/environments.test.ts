/** Environments over the real listening server: variables, write-only secrets, audit, tenancy. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestClient, type TestServer } from '../../../test/support/server.ts';

let server: TestServer;
let member: TestClient;
let viewer: TestClient;
let projectId: string;

before(async () => {
  server = await startTestServer();
  member = await server.login('member');
  viewer = await server.login('viewer');
  projectId = (await member.post('/api/v1/projects', { name: 'Environments project' })).body.id;
});
after(() => server.close());

const base = () => `/api/v1/projects/${projectId}/environments`;

describe('environments', () => {
  it('creates with variables and secrets; reads give secret names, never values', async () => {
    const created = await member.post(base(), {
      name: 'staging',
      variables: { baseUrl: 'https://staging.example.test', user: { id: 7 } },
      secrets: { API_TOKEN: 'tok-very-secret' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), `/api/v1/environments/${created.body.id}`);
    assert.deepEqual(created.body.variables, { baseUrl: 'https://staging.example.test', user: { id: 7 } });
    assert.deepEqual(
      created.body.secrets.map((s: { name: string }) => s.name),
      ['API_TOKEN'],
    );
    assert.ok(!created.text.includes('tok-very-secret'));

    const read = await viewer.get(`/api/v1/environments/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.name, 'staging');
    assert.deepEqual(Object.keys(read.body.secrets[0]).sort(), ['name', 'updated_at']);
    assert.ok(!read.text.includes('tok-very-secret'));

    const secrets = await viewer.get(`/api/v1/environments/${created.body.id}/secrets`);
    assert.deepEqual(secrets.body.items, read.body.secrets);
    assert.ok(!secrets.text.includes('tok-very-secret'));
    assert.ok(!JSON.stringify(server.logs).includes('tok-very-secret'), 'no log line carries the value');
  });

  it('sets (201 new, 200 replaced) and deletes secrets; the run executor gets them decrypted', async () => {
    const env = (await member.post(base(), { name: 'secret-ops' })).body;
    const path = `/api/v1/environments/${env.id}/secrets/DB_PASSWORD`;
    const first = await member.request('PUT', path, { value: 'one' });
    assert.equal(first.status, 201);
    assert.equal(first.body.name, 'DB_PASSWORD');
    const second = await member.request('PUT', path, { value: 'two' });
    assert.equal(second.status, 200);
    assert.ok(!second.text.includes('two"'));

    const { createEnvironmentService } = await import('../../services/environments.ts');
    const { createSecretCipher } = await import('../../services/secrets-crypto.ts');
    const service = createEnvironmentService({
      stores: server.container.stores,
      transaction: server.container.transaction,
      cipher: createSecretCipher({ key: server.container.secretKey }),
    });
    assert.deepEqual(await service.resolveEnvironmentForRun(server.organisation.id, env.id), {
      variables: {},
      secrets: { DB_PASSWORD: 'two' },
    });

    assert.equal((await member.delete(path)).status, 204);
    const gone = await member.delete(path);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.detail, 'secret not found');
    assert.deepEqual((await viewer.get(`/api/v1/environments/${env.id}/secrets`)).body.items, []);
  });

  it('refuses bad secret names, oversized values and bad variable names, naming each field', async () => {
    const env = (await member.post(base(), { name: 'checks' })).body;
    const badName = await member.request('PUT', `/api/v1/environments/${env.id}/secrets/has%20space`, {
      value: 'x',
    });
    assert.equal(badName.status, 422);
    assert.equal(badName.body.code, 'invalid_secret');
    assert.deepEqual(badName.body.errors, [
      {
        path: 'params.name',
        message: 'a secret name is 1 to 128 letters, digits, underscores or hyphens',
        code: 'invalid_name',
      },
    ]);
    const big = await member.request('PUT', `/api/v1/environments/${env.id}/secrets/BIG`, {
      value: 'x'.repeat(70_000),
    });
    assert.equal(big.status, 400);
    assert.deepEqual(big.body.errors, [
      { path: 'body.value', message: 'is longer than 65536 bytes', code: 'custom' },
    ]);

    const badCreate = await member.post(base(), {
      name: 'bad',
      variables: { 'not ok': 1 },
      secrets: { 'bad name': 'x' },
    });
    assert.equal(badCreate.status, 400);
    assert.deepEqual(
      badCreate.body.errors.map((e: { path: string }) => e.path),
      ['body.variables.not ok', 'body.secrets.bad name'],
    );
  });

  it('replaces variables and renames; a name used in the project is a 409', async () => {
    const env = (await member.post(base(), { name: 'dev', variables: { a: 1, b: 2 } })).body;
    const patched = await member.patch(`/api/v1/environments/${env.id}`, {
      name: 'development',
      variables: { c: 3 },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.name, 'development');
    assert.deepEqual(patched.body.variables, { c: 3 });

    await member.post(base(), { name: 'taken' });
    const conflict = await member.patch(`/api/v1/environments/${env.id}`, { name: 'taken' });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.code, 'name_taken');
  });

  it('lists newest first with cursors and deletes with its secrets', async () => {
    const project = (await member.post('/api/v1/projects', { name: 'Env listing' })).body;
    const listBase = `/api/v1/projects/${project.id}/environments`;
    for (const name of ['a', 'b', 'c']) await member.post(listBase, { name, secrets: { S: name } });
    const page1 = await viewer.get(`${listBase}?limit=2`);
    assert.deepEqual(
      page1.body.items.map((e: { name: string }) => e.name),
      ['c', 'b'],
    );
    const page2 = await viewer.get(`${listBase}?limit=2&cursor=${page1.body.next_cursor}`);
    assert.deepEqual(
      page2.body.items.map((e: { name: string }) => e.name),
      ['a'],
    );
    const id = page2.body.items[0].id;
    assert.equal((await member.delete(`/api/v1/environments/${id}`)).status, 204);
    assert.equal((await viewer.get(`/api/v1/environments/${id}`)).status, 404);
    assert.deepEqual(await server.container.stores.environments.getSecrets(server.organisation.id, id), []);
  });

  it('audits environment and secret changes by name, without values', async () => {
    const env = (
      await member.post(base(), { name: 'audited', variables: { host: 'h' }, secrets: { K: 'audit-me' } })
    ).body;
    await member.request('PUT', `/api/v1/environments/${env.id}/secrets/K`, { value: 'audit-me-2' });
    await member.patch(`/api/v1/environments/${env.id}`, { variables: { host: 'h2' } });
    await member.delete(`/api/v1/environments/${env.id}/secrets/K`);
    await member.delete(`/api/v1/environments/${env.id}`);
    const { items } = await server.container.stores.audit.list(server.organisation.id, {});
    const entries = items.filter((e) => e.target?.id === env.id);
    assert.deepEqual(
      entries.map((e) => e.action),
      [
        'environment.deleted',
        'environment.secret_deleted',
        'environment.updated',
        'environment.secret_updated',
        'environment.created',
      ],
    );
    assert.ok(!JSON.stringify(entries).includes('audit-me'));
  });

  it("answers 404 for another organisation's environments", async () => {
    const env = (await member.post(base(), { name: 'private', secrets: { S: 'x' } })).body;
    const { owner } = await server.otherOrganisation();
    for (const response of [
      await owner.get(`/api/v1/environments/${env.id}`),
      await owner.get(`/api/v1/environments/${env.id}/secrets`),
      await owner.request('PUT', `/api/v1/environments/${env.id}/secrets/S`, { value: 'stolen' }),
      await owner.delete(`/api/v1/environments/${env.id}/secrets/S`),
      await owner.patch(`/api/v1/environments/${env.id}`, { name: 'mine' }),
      await owner.delete(`/api/v1/environments/${env.id}`),
      await owner.get(`/api/v1/projects/${projectId}/environments`),
      await owner.post(`/api/v1/projects/${projectId}/environments`, { name: 'intruder' }),
    ]) {
      assert.equal(response.status, 404);
      assert.equal(response.body.code, 'not_found');
    }
    const still = await viewer.get(`/api/v1/environments/${env.id}`);
    assert.equal(still.body.name, 'private');
    assert.equal(still.body.secrets.length, 1);
  });
});
