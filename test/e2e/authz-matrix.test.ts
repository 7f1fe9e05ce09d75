/**
 * Authorisation of every route of the API, read from the route registry: each route × anonymous, each
 * role, API keys with and without the route's scope, and another organisation (404, never 403). A route
 * without an entry in MATRIX fails the test, so a new route cannot ship without being checked here.
 *
 * Each call acts on fresh resources made directly in the stores, so a DELETE by one caller cannot turn
 * the next caller's answer into a 404. One server (PGlite, no background components: runs stay queued).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RouteDefinition } from '../../src/http/route.ts';
import { API_ROUTES } from '../../src/http/routes/index.ts';
import { newId } from '../../src/platform/ids.ts';
import { ROLES, type Role } from '../../src/ports/organisation-store.ts';
import { roleAtLeast, SCOPES, type Scope, scopeGrants } from '../../src/services/access.ts';
import { createApiKey } from '../../src/services/api-keys.ts';
import { hashPassword } from '../../src/services/passwords.ts';
import { startTestServer, TEST_PASSWORD, type TestClient, type TestServer } from '../support/server.ts';

type Params = Record<string, string>;

interface Target {
  params?: Params;
  body?: unknown;
}

interface Entry {
  /** What one call acts on, made fresh for each call in organisation `org`. */
  target?: (org: string) => Promise<Target>;
  /** Status of an allowed call; the route's success status when absent. */
  allowed?: number;
  /** `skip` for routes that act on the caller's own organisation or account (no id to leak). */
  otherOrganisation?: 'not_found' | 'skip';
  /** The call changes the caller's own credentials: each role gets a newly signed-in person. */
  freshCaller?: boolean;
}

let server: TestServer;
const people = new Map<Role, TestClient>();
const keys = new Map<string, TestClient>();
let other: { owner: TestClient; key: TestClient };

const SUITE_SOURCE =
  'version: 1\nname: authz\nsteps:\n  - name: ping\n    request: { method: GET, url: "http://127.0.0.1:9/" }\n';

function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

// Fixtures, written straight to the stores: fast, and independent of the routes under test.
async function project(org: string) {
  return server.container.stores.projects.create({ organisationId: org, name: 'P', slug: unique('p') });
}
async function suite(org: string) {
  const p = await project(org);
  const { suite: s } = await server.container.stores.suites.create({
    organisationId: org,
    projectId: p.id,
    name: unique('s'),
    version: { source: SUITE_SOURCE, format: 'yaml', parsed: { version: 1, name: 'authz', steps: [] } },
  });
  return s;
}
async function environment(org: string) {
  const p = await project(org);
  return server.container.stores.environments.create({
    organisationId: org,
    projectId: p.id,
    name: unique('e'),
  });
}
async function environmentWithSecret(org: string) {
  const e = await environment(org);
  await server.container.stores.environments.putSecret(org, e.id, {
    name: 'TOKEN',
    ciphertext: Buffer.from('x'),
    iv: Buffer.alloc(12),
    tag: Buffer.alloc(16),
    keyId: 'test',
  });
  return e;
}
async function schedule(org: string) {
  const s = await suite(org);
  return server.container.stores.schedules.create({
    organisationId: org,
    projectId: s.projectId,
    suiteId: s.id,
    cron: '@daily',
    timezone: 'UTC',
    nextFireAt: null,
  });
}
async function run(org: string) {
  const s = await suite(org);
  const { run: r } = await server.container.stores.runs.create({
    organisationId: org,
    projectId: s.projectId,
    suiteId: s.id,
    suiteVersion: 1,
    trigger: 'manual',
    queuedAt: new Date(),
  });
  return r;
}
let memberHash: Promise<string> | undefined;
async function member(org: string, role: Role = 'member') {
  memberHash ??= hashPassword(TEST_PASSWORD);
  const user = await server.container.stores.users.create({
    email: `${unique('m')}@example.test`,
    passwordHash: await memberHash,
  });
  await server.container.stores.organisations.setMember({ organisationId: org, userId: user.id, role });
  return user;
}
async function apiKeyId(org: string) {
  const { apiKey } = await createApiKey(
    { apiKeys: server.container.stores.apiKeys, audit: server.container.stores.audit },
    { organisationId: org, actor: { type: 'system', id: null }, ip: null },
    { name: unique('k'), scopes: ['runs:read'] },
  );
  return apiKey.id;
}

async function channel(org: string) {
  const p = await project(org);
  return server.container.stores.notifications.createChannel({
    id: newId(),
    organisationId: org,
    projectId: p.id,
    name: 'hooks',
    url: 'https://hooks.example.com/authz',
    events: ['run.failed'],
    secret: { ciphertext: Buffer.from('x'), iv: Buffer.alloc(12), tag: Buffer.alloc(16), keyId: 'test' },
  });
}
async function delivery(org: string) {
  const c = await channel(org);
  const { delivery: d } = await server.container.stores.notifications.createDelivery({
    organisationId: org,
    channelId: c.id,
    runId: null,
    event: 'run.failed',
    dedupeKey: unique('d'),
    payload: {},
  });
  return { projectId: c.projectId, channelId: c.id, deliveryId: d.id };
}
const channelParams = async (org: string) => {
  const c = await channel(org);
  return { projectId: c.projectId, channelId: c.id };
};

const MATRIX: Record<string, Entry> = {
  // Setup and authentication
  'GET /setup': {},
  'POST /setup': {
    target: async () => ({
      body: {
        token: 'not-a-token',
        email: 'x@example.test',
        password: TEST_PASSWORD,
        organisation_name: 'X',
      },
    }),
    // The shared database has people already; what matters is that no credentials are asked for.
    allowed: 409,
  },
  'POST /auth/login': {
    target: async (org) => ({ body: { email: (await member(org)).email, password: TEST_PASSWORD } }),
    allowed: 200,
  },
  'POST /auth/logout': {},
  'GET /auth/me': { otherOrganisation: 'skip' },
  'POST /auth/password': {
    target: async () => ({
      body: { current_password: TEST_PASSWORD, new_password: 'another long passphrase' },
    }),
    otherOrganisation: 'skip',
    freshCaller: true,
  },

  // Organisation, members, API keys
  'GET /organisations/current': { otherOrganisation: 'skip' },
  'PATCH /organisations/current': {
    target: async () => ({ body: { settings: { authz: true } } }),
    otherOrganisation: 'skip',
  },
  'GET /audit-log': { otherOrganisation: 'skip' },
  'GET /members': { otherOrganisation: 'skip' },
  'POST /members': {
    target: async () => ({ body: { email: `${unique('new')}@example.test`, role: 'viewer' } }),
    otherOrganisation: 'skip',
  },
  'PATCH /members/:userId': {
    target: async (org) => ({ params: { userId: (await member(org)).id }, body: { role: 'viewer' } }),
  },
  'DELETE /members/:userId': { target: async (org) => ({ params: { userId: (await member(org)).id } }) },
  'GET /api-keys': { otherOrganisation: 'skip' },
  'POST /api-keys': {
    target: async () => ({ body: { name: unique('key'), scopes: ['runs:read'] } }),
    otherOrganisation: 'skip',
  },
  'GET /api-keys/:apiKeyId': { target: async (org) => ({ params: { apiKeyId: await apiKeyId(org) } }) },
  'DELETE /api-keys/:apiKeyId': { target: async (org) => ({ params: { apiKeyId: await apiKeyId(org) } }) },
  'PATCH /api-keys/:apiKeyId': {
    target: async (org) => ({ params: { apiKeyId: await apiKeyId(org) }, body: { name: unique('renamed') } }),
  },
  'POST /api-keys/:apiKeyId/rotate': {
    target: async (org) => ({ params: { apiKeyId: await apiKeyId(org) }, body: { overlap: 60 } }),
  },
  'GET /organisations/current/ip-allowlist': { otherOrganisation: 'skip' },
  'PUT /organisations/current/ip-allowlist': {
    target: async () => ({ body: { ranges: [] } }),
    otherOrganisation: 'skip',
  },

  // Projects
  'GET /projects': { otherOrganisation: 'skip' },
  'POST /projects': {
    target: async () => ({ body: { name: unique('Project') } }),
    otherOrganisation: 'skip',
  },
  'GET /projects/:projectId': { target: async (org) => ({ params: { projectId: (await project(org)).id } }) },
  'PATCH /projects/:projectId': {
    target: async (org) => ({ params: { projectId: (await project(org)).id }, body: { description: 'd' } }),
  },
  'DELETE /projects/:projectId': {
    target: async (org) => ({ params: { projectId: (await project(org)).id } }),
  },

  // Suites
  'GET /projects/:projectId/suites': {
    target: async (org) => ({ params: { projectId: (await project(org)).id } }),
  },
  'POST /projects/:projectId/suites': {
    target: async (org) => ({
      params: { projectId: (await project(org)).id },
      body: { source: SUITE_SOURCE },
    }),
  },
  'GET /suites/:suiteId': { target: async (org) => ({ params: { suiteId: (await suite(org)).id } }) },
  'PATCH /suites/:suiteId': {
    target: async (org) => ({
      params: { suiteId: (await suite(org)).id },
      body: { name: unique('renamed') },
    }),
  },
  'DELETE /suites/:suiteId': { target: async (org) => ({ params: { suiteId: (await suite(org)).id } }) },
  'GET /suites/:suiteId/versions': {
    target: async (org) => ({ params: { suiteId: (await suite(org)).id } }),
  },
  'POST /suites/:suiteId/versions': {
    target: async (org) => ({ params: { suiteId: (await suite(org)).id }, body: { source: SUITE_SOURCE } }),
  },
  'GET /suites/:suiteId/versions/:version': {
    target: async (org) => ({ params: { suiteId: (await suite(org)).id, version: '1' } }),
  },

  // Environments
  'GET /projects/:projectId/environments': {
    target: async (org) => ({ params: { projectId: (await project(org)).id } }),
  },
  'POST /projects/:projectId/environments': {
    target: async (org) => ({ params: { projectId: (await project(org)).id }, body: { name: 'env' } }),
  },
  'POST /projects/:projectId/environments/import': {
    target: async (org) => ({
      params: { projectId: (await project(org)).id },
      body: { source: JSON.stringify({ name: 'env', values: [{ key: 'a', value: '1' }] }) },
    }),
  },
  'GET /environments/:environmentId': {
    target: async (org) => ({ params: { environmentId: (await environment(org)).id } }),
  },
  'PATCH /environments/:environmentId': {
    target: async (org) => ({
      params: { environmentId: (await environment(org)).id },
      body: { variables: { a: 1 } },
    }),
  },
  'DELETE /environments/:environmentId': {
    target: async (org) => ({ params: { environmentId: (await environment(org)).id } }),
  },
  'GET /environments/:environmentId/secrets': {
    target: async (org) => ({ params: { environmentId: (await environment(org)).id } }),
  },
  'PUT /environments/:environmentId/secrets/:name': {
    target: async (org) => ({
      params: { environmentId: (await environment(org)).id, name: 'TOKEN' },
      body: { value: 's3cr3t' },
    }),
    allowed: 201,
  },
  'DELETE /environments/:environmentId/secrets/:name': {
    target: async (org) => ({
      params: { environmentId: (await environmentWithSecret(org)).id, name: 'TOKEN' },
    }),
  },

  // Schedules
  'GET /suites/:suiteId/schedules': {
    target: async (org) => ({ params: { suiteId: (await suite(org)).id } }),
  },
  'POST /suites/:suiteId/schedules': {
    target: async (org) => ({ params: { suiteId: (await suite(org)).id }, body: { cron: '@daily' } }),
  },
  'GET /projects/:projectId/schedules': {
    target: async (org) => ({ params: { projectId: (await project(org)).id } }),
  },
  'GET /schedules/:scheduleId': {
    target: async (org) => ({ params: { scheduleId: (await schedule(org)).id } }),
  },
  'PATCH /schedules/:scheduleId': {
    target: async (org) => ({ params: { scheduleId: (await schedule(org)).id }, body: { enabled: false } }),
  },
  'DELETE /schedules/:scheduleId': {
    target: async (org) => ({ params: { scheduleId: (await schedule(org)).id } }),
  },

  // Runs
  'POST /suites/:suiteId/runs': {
    target: async (org) => ({ params: { suiteId: (await suite(org)).id }, body: {} }),
  },
  'GET /runs': { otherOrganisation: 'skip' },
  'GET /runs/:runId': { target: async (org) => ({ params: { runId: (await run(org)).id } }) },
  'POST /runs/:runId/cancel': { target: async (org) => ({ params: { runId: (await run(org)).id } }) },
  'GET /runs/:runId/events': {
    target: async (org) => ({ params: { runId: (await run(org)).id } }),
    allowed: 200,
  },

  // Administration
  'GET /admin/cache-stats': { otherOrganisation: 'skip' },

  // Notification channels
  'POST /projects/:projectId/notification-channels': {
    target: async (org) => ({
      params: { projectId: (await project(org)).id },
      body: { name: 'hooks', url: 'https://hooks.example.com/new', events: ['run.finished'] },
    }),
  },
  'GET /projects/:projectId/notification-channels': {
    target: async (org) => ({ params: { projectId: (await project(org)).id } }),
  },
  'GET /projects/:projectId/notification-channels/:channelId': {
    target: async (org) => ({ params: await channelParams(org) }),
  },
  'PATCH /projects/:projectId/notification-channels/:channelId': {
    target: async (org) => ({ params: await channelParams(org), body: { name: unique('renamed') } }),
  },
  'DELETE /projects/:projectId/notification-channels/:channelId': {
    target: async (org) => ({ params: await channelParams(org) }),
  },
  'GET /projects/:projectId/notification-channels/:channelId/deliveries': {
    target: async (org) => ({ params: await channelParams(org) }),
  },
  'POST /projects/:projectId/notification-channels/:channelId/deliveries/:deliveryId/redeliver': {
    target: async (org) => ({ params: await delivery(org) }),
  },
};

const routes = API_ROUTES.flatMap((group) => group.routes);
const keyOf = (route: RouteDefinition) => `${route.method.toUpperCase()} ${route.path}`;

function urlOf(route: RouteDefinition, params: Params = {}): string {
  const path = route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${keyOf(route)}: the matrix entry gives no :${name}`);
    return encodeURIComponent(value);
  });
  return `/api/v1${path}`;
}

/** Status and parsed body; a stream is not read past its headers. */
async function call(client: TestClient, route: RouteDefinition, target: Target) {
  const url = urlOf(route, target.params);
  if (!route.produces) {
    const response = await client.request(route.method.toUpperCase(), url, target.body);
    return { status: response.status, body: response.body };
  }
  const headers: Record<string, string> = {};
  if (client.cookie) headers.cookie = client.cookie;
  if (client.key) headers.authorization = `Bearer ${client.key}`;
  const controller = new AbortController();
  const response = await fetch(`${server.url}${url}`, { headers, signal: controller.signal });
  const isStream = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const body = isStream ? null : await response.json();
  controller.abort();
  return { status: response.status, body };
}

async function keyWith(scopes: Scope[]): Promise<TestClient> {
  const name = scopes.join(',');
  let client = keys.get(name);
  if (!client) {
    client = await server.apiKey(scopes);
    keys.set(name, client);
  }
  return client;
}

/** A scope that does not grant `needed`, for the "key without the scope" case. */
function scopeWithout(needed: Scope): Scope {
  const scope = SCOPES.find((candidate) => !scopeGrants([candidate], needed));
  if (!scope) throw new Error(`every scope grants ${needed}`);
  return scope;
}

before(async () => {
  server = await startTestServer({ background: [] });
  for (const role of ROLES) people.set(role, await server.login(role));
  const { organisation, owner } = await server.otherOrganisation();
  other = { owner, key: await server.apiKey(['admin'], { organisationId: organisation.id }) };
});
after(() => server?.close());

describe('authorisation matrix', () => {
  it('has an entry for every route, and none for routes that do not exist', () => {
    const registered = new Set(routes.map(keyOf));
    const missing = [...registered].filter((key) => !(key in MATRIX));
    const stale = Object.keys(MATRIX).filter((key) => !registered.has(key));
    assert.deepEqual(missing, [], `add these routes to MATRIX in ${import.meta.filename}`);
    assert.deepEqual(stale, [], 'these MATRIX entries name no route');
  });

  for (const route of routes) {
    const entry = MATRIX[keyOf(route)];
    if (!entry) continue;
    const target = (org: string) => entry.target?.(org) ?? Promise.resolve({});
    const allowedStatus = entry.allowed ?? route.status;

    async function expectAllowed(client: TestClient, who: string) {
      const response = await call(client, route, await target(server.organisation.id));
      assert.equal(response.status, allowedStatus, `${who}: ${JSON.stringify(response.body)}`);
    }

    async function expectForbidden(client: TestClient, who: string, detail: string) {
      const response = await call(client, route, await target(server.organisation.id));
      assert.equal(response.status, 403, `${who}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.code, 'forbidden', who);
      assert.equal(response.body.detail, detail, who);
    }

    it(`${keyOf(route)} (${route.auth}${route.role ? `, ${route.role}` : ''}${route.scope ? `, ${route.scope}` : ''})`, async () => {
      if (route.auth === 'public') {
        await expectAllowed(server.anonymous, 'anonymous');
        return;
      }

      const anonymous = await call(server.anonymous, route, await target(server.organisation.id));
      assert.equal(anonymous.status, 401, `anonymous: ${JSON.stringify(anonymous.body)}`);
      assert.equal(anonymous.body.code, 'unauthorized');

      const minimum = route.role as Role;
      for (const role of ROLES) {
        const client = entry.freshCaller ? await server.login(role) : people.get(role);
        assert.ok(client);
        if (roleAtLeast(role, minimum)) await expectAllowed(client, role);
        else await expectForbidden(client, role, `this needs the ${minimum} role or higher; you are ${role}`);
      }

      if (route.auth === 'session') {
        await expectForbidden(
          await keyWith(['admin']),
          'admin key',
          'this route is for people signed in, not API keys',
        );
      } else if (route.scope === null || route.scope === undefined) {
        await expectAllowed(await keyWith(['runs:read']), 'any key');
      } else {
        const scope = route.scope;
        await expectAllowed(await keyWith([scope]), `key with ${scope}`);
        if (scope !== 'admin') await expectAllowed(await keyWith(['admin']), 'admin key');
        const lacking = scopeWithout(scope);
        await expectForbidden(
          await keyWith([lacking]),
          `key with ${lacking}`,
          `the API key lacks the ${scope} scope`,
        );
      }

      if ((entry.otherOrganisation ?? 'not_found') === 'not_found') {
        const callers: [string, TestClient][] = [['other owner', other.owner]];
        if (route.auth === 'any') callers.push(['other admin key', other.key]);
        for (const [who, client] of callers) {
          const response = await call(client, route, await target(server.organisation.id));
          assert.equal(response.status, 404, `${who}: ${JSON.stringify(response.body)}`);
          assert.equal(response.body.code, 'not_found', who);
        }
      }
    });
  }
});
