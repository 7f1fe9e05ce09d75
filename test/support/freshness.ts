/**
 * "A write is never followed by a stale read": each check warms the cache with a read on replica B,
 * makes a write on replica A, then reads on B again. With one server, A and B are the same process
 * (embedded mode, in-process cache); with two, they are two API processes sharing Redis and
 * PostgreSQL (distributed mode). The clients are real HTTP clients; fixtures go straight to the stores.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Container } from '../../src/container.ts';
import type { Role } from '../../src/ports/organisation-store.ts';
import type { Scope } from '../../src/services/access.ts';
import { createApiKey } from '../../src/services/api-keys.ts';
import { hashPassword } from '../../src/services/passwords.ts';
import { createClient, sessionCookieOf, TEST_PASSWORD, type TestClient } from './server.ts';

export interface Replica {
  url: string;
  container: Container;
}

export interface Person {
  email: string;
  userId: string;
  /** The same session, as seen through each replica. */
  on(replica: Replica): TestClient;
}

let hash: Promise<string> | undefined;

function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export async function newOrganisation(replica: Replica): Promise<string> {
  const organisation = await replica.container.stores.organisations.create({
    name: 'Freshness',
    slug: unique('fresh'),
  });
  return organisation.id;
}

/** A person with `role` in the organisation, signed in through `via`. */
export async function signIn(via: Replica, organisationId: string, role: Role): Promise<Person> {
  hash ??= hashPassword(TEST_PASSWORD);
  const email = `${unique(role)}@example.test`;
  const { stores } = via.container;
  const user = await stores.users.create({ email, name: role, passwordHash: await hash });
  await stores.organisations.setMember({ organisationId, userId: user.id, role });
  return signInAs(via, email, user.id);
}

export async function signInAs(via: Replica, email: string, userId: string): Promise<Person> {
  const response = await createClient(via.url).post('/api/v1/auth/login', { email, password: TEST_PASSWORD });
  assert.equal(response.status, 200, response.text);
  const credentials = {
    userId,
    email,
    organisationId: response.body.organisation?.id ?? null,
    csrfToken: response.body.csrf_token as string,
    cookie: sessionCookieOf(response),
  };
  return { email, userId, on: (replica) => createClient(replica.url, credentials) };
}

export async function keyClient(via: Replica, organisationId: string, scopes: Scope[]) {
  const { apiKey, key } = await createApiKey(
    { apiKeys: via.container.stores.apiKeys, audit: via.container.stores.audit },
    { organisationId, actor: { type: 'system', id: null }, ip: null },
    { name: unique('key'), scopes },
  );
  return { id: apiKey.id, on: (replica: Replica) => createClient(replica.url, { key, organisationId }) };
}

/** Every check, in order; `a` writes, `b` reads. */
export async function checkWritesAreSeen(a: Replica, b: Replica): Promise<void> {
  const org = await newOrganisation(a);
  const admin = await signIn(a, org, 'admin');

  // Logout.
  const leaving = await signIn(a, org, 'viewer');
  assert.equal((await leaving.on(b).get('/api/v1/auth/me')).status, 200);
  assert.equal((await leaving.on(b).get('/api/v1/auth/me')).status, 200);
  assert.equal((await leaving.on(a).post('/api/v1/auth/logout')).status, 204);
  assert.equal((await leaving.on(b).get('/api/v1/auth/me')).status, 401, 'logout is seen by every replica');

  // Password change: the other sessions of the account end, the one that changed it stays.
  const first = await signIn(a, org, 'member');
  const second = await signInAs(b, first.email, first.userId);
  assert.equal((await second.on(b).get('/api/v1/auth/me')).status, 200);
  const changed = await first.on(a).post('/api/v1/auth/password', {
    current_password: TEST_PASSWORD,
    new_password: 'another long passphrase',
  });
  assert.equal(changed.status, 204, changed.text);
  assert.equal(
    (await second.on(b).get('/api/v1/auth/me')).status,
    401,
    'password change ends other sessions',
  );
  assert.equal((await second.on(a).get('/api/v1/auth/me')).status, 401);
  assert.equal((await first.on(b).get('/api/v1/auth/me')).status, 200);

  // API key revocation and rotation.
  const revoked = await keyClient(a, org, ['runs:read']);
  // Twice: the first use records the use (a write), the second leaves the key cached.
  for (let i = 0; i < 2; i++) assert.equal((await revoked.on(b).get('/api/v1/runs')).status, 200);
  assert.equal((await admin.on(a).delete(`/api/v1/api-keys/${revoked.id}`)).status, 204);
  assert.equal((await revoked.on(b).get('/api/v1/runs')).status, 401, 'revocation is seen at once');
  const rotated = await keyClient(a, org, ['runs:read']);
  for (let i = 0; i < 2; i++) assert.equal((await rotated.on(b).get('/api/v1/runs')).status, 200);
  const rotation = await admin.on(a).post(`/api/v1/api-keys/${rotated.id}/rotate`, { overlap: 0 });
  assert.equal(rotation.status, 201, rotation.text);
  assert.equal(
    (await rotated.on(b).get('/api/v1/runs')).status,
    401,
    'rotation without overlap ends the old key',
  );

  // Role change and removal.
  const member = await signIn(a, org, 'member');
  assert.equal((await member.on(b).post('/api/v1/projects', { name: unique('P') })).status, 201);
  const demoted = await admin.on(a).patch(`/api/v1/members/${member.userId}`, { role: 'viewer' });
  assert.equal(demoted.status, 200, demoted.text);
  assert.equal((await member.on(b).post('/api/v1/projects', { name: unique('P') })).status, 403);
  assert.equal((await admin.on(a).delete(`/api/v1/members/${member.userId}`)).status, 204);
  assert.equal((await member.on(b).get('/api/v1/projects')).status, 403, 'a removed member is out at once');

  // Organisation settings.
  await admin.on(b).get('/api/v1/organisations/current');
  const patched = await admin.on(a).patch('/api/v1/organisations/current', { settings: { freshness: 1 } });
  assert.equal(patched.status, 200, patched.text);
  assert.equal((await admin.on(b).get('/api/v1/organisations/current')).body.settings.freshness, 1);

  // Suite save.
  const project = await admin.on(a).post('/api/v1/projects', { name: unique('Suites') });
  const source =
    'version: 1\nname: fresh\nsteps:\n  - name: ping\n    request: { method: GET, url: "http://127.0.0.1:9/" }\n';
  const suite = await admin.on(a).post(`/api/v1/projects/${project.body.id}/suites`, { source });
  assert.equal(suite.status, 201, suite.text);
  assert.equal((await admin.on(b).get(`/api/v1/suites/${suite.body.id}`)).body.latest_version, 1);
  const saved = await admin.on(a).post(`/api/v1/suites/${suite.body.id}/versions`, { source });
  assert.equal(saved.status, 201, saved.text);
  assert.equal((await admin.on(b).get(`/api/v1/suites/${suite.body.id}`)).body.latest_version, 2);

  // A finished run, changed by the deletion of its environment.
  const environment = await admin
    .on(a)
    .post(`/api/v1/projects/${project.body.id}/environments`, { name: 'e' });
  const { stores } = a.container;
  const { run } = await stores.runs.create({
    organisationId: org,
    projectId: project.body.id,
    suiteId: suite.body.id,
    suiteVersion: 1,
    environmentId: environment.body.id,
    trigger: 'manual',
    queuedAt: new Date(),
  });
  const claimed = await stores.runs.claim(org, run.id, new Date());
  await stores.runs.finish(org, run.id, { attempt: claimed?.attempt ?? 1, status: 'failed', at: new Date() });
  const read = await admin.on(b).get(`/api/v1/runs/${run.id}`);
  assert.equal(read.body.environment_id, environment.body.id);
  assert.equal((await admin.on(a).delete(`/api/v1/environments/${environment.body.id}`)).status, 204);
  const reread = await admin.on(b).get(`/api/v1/runs/${run.id}`, {
    headers: { 'if-none-match': read.headers.get('etag') ?? '' },
  });
  assert.equal(reread.status, 200, 'the representation changed, so its ETag did');
  assert.equal(reread.body.environment_id, null);
}
