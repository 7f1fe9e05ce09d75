/**
 * Attack suite — tenancy and authorisation. Every route with a path parameter, read from the route
 * registry (so a new route is attacked without anyone remembering to add it), is called by
 * organisation A's owner and by A's admin key on organisation B's resources: the answer is 404
 * (never 403, which would confirm the resource exists), nothing of B changes, and no event stream
 * opens. Then role escalation and key scopes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RouteDefinition } from '../../src/http/route.ts';
import { API_ROUTES } from '../../src/http/routes/index.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/server.ts';
import { type OrganisationResources, SUITE_SOURCE, seedResources, unique } from './attack-fixtures.ts';

/** A valid body per write route: the lookup, not validation, must be what refuses the call. */
const BODIES: Record<string, unknown> = {
  'PATCH /members/:userId': { role: 'admin' },
  'PATCH /api-keys/:apiKeyId': { name: 'taken over' },
  'POST /api-keys/:apiKeyId/rotate': { overlap: 60 },
  'PATCH /projects/:projectId': { name: 'taken over' },
  'POST /projects/:projectId/suites': { source: SUITE_SOURCE },
  'PATCH /suites/:suiteId': { name: 'taken over' },
  'POST /suites/:suiteId/versions': { source: SUITE_SOURCE },
  'POST /projects/:projectId/environments': { name: 'planted' },
  'POST /projects/:projectId/environments/import': {
    source: JSON.stringify({ name: 'planted', values: [{ key: 'a', value: '1', enabled: true }] }),
  },
  'PATCH /environments/:environmentId': { variables: { planted: true } },
  'PUT /environments/:environmentId/secrets/:name': { value: 'planted' },
  'POST /suites/:suiteId/schedules': { cron: '@daily' },
  'PATCH /schedules/:scheduleId': { enabled: false },
  'POST /suites/:suiteId/runs': {},
  'POST /projects/:projectId/notification-channels': {
    name: 'planted',
    url: 'https://hooks.example.com/planted',
    events: ['run.failed'],
  },
};

const routes = API_ROUTES.flatMap((group) => group.routes);
const keyOf = (route: RouteDefinition) => `${route.method.toUpperCase()} ${route.path}`;
const withParams = routes.filter((route) => route.path.includes(':'));

let server: TestServer;
let ownerA: TestClient;
let keyA: TestClient;
let ownerB: TestClient;
let b: OrganisationResources;

before(async () => {
  server = await startTestServer({ background: [], env: { ASSAY_RATE_LIMIT: '100000' } });
  ownerA = await server.login('owner');
  keyA = await server.apiKey(['admin']);
  const other = await server.otherOrganisation();
  ownerB = other.owner;
  b = await seedResources(server, other.organisation.id);
});
after(() => server.close());

function fill(route: RouteDefinition, params: Record<string, string>): string {
  return `/api/v1${route.path.replace(/:(\w+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined)
      throw new Error(`no fixture for :${name} of ${keyOf(route)}: add it to seedResources`);
    return encodeURIComponent(value);
  })}`;
}

function bodyFor(route: RouteDefinition): unknown {
  const key = keyOf(route);
  if (key in BODIES) return BODIES[key];
  if (!route.body) return undefined;
  if (route.body.safeParse({}).success) return {};
  throw new Error(`${key} takes a body: add a valid one to BODIES so the attack reaches the lookup`);
}

describe('attack: another organisation', () => {
  it(`answers 404 to A's owner and A's admin key on B's resources, for all ${withParams.length} routes with an id`, async () => {
    assert.ok(withParams.length >= 30, 'the registry lists the parameterised routes');
    const failures: string[] = [];
    for (const route of withParams) {
      for (const [who, client] of [
        ['owner session', ownerA],
        ['admin key', keyA],
      ] as const) {
        const response = await client.request(
          route.method.toUpperCase(),
          fill(route, b.params),
          bodyFor(route),
        );
        if (response.status !== 404)
          failures.push(`${keyOf(route)} as A's ${who}: ${response.status} ${response.text.slice(0, 120)}`);
        else if (response.body.code !== 'not_found')
          failures.push(`${keyOf(route)}: code ${response.body.code}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it("leaves every one of B's resources as it was", async () => {
    const { stores } = server.container;
    const org = b.organisationId;
    const p = b.params;
    assert.equal((await stores.projects.get(org, p.projectId ?? ''))?.name, 'Target');
    assert.notEqual((await stores.suites.get(org, p.suiteId ?? ''))?.name, 'taken over');
    assert.equal((await stores.suites.get(org, p.suiteId ?? ''))?.latestVersion, 1);
    assert.deepEqual((await stores.environments.get(org, p.environmentId ?? ''))?.variables, {});
    assert.equal((await stores.schedules.get(org, p.scheduleId ?? ''))?.enabled, true);
    assert.equal((await stores.runs.get(org, p.runId ?? ''))?.status, 'queued');
    assert.equal((await stores.organisations.getMembership(org, p.userId ?? ''))?.role, 'member');
    const key = await stores.apiKeys.get(org, p.apiKeyId ?? '');
    assert.equal(key?.revokedAt, null);
    assert.equal(key?.expiresAt, null);
    assert.equal((await stores.apiKeys.list(org)).items.length, 1, 'no key was rotated into B');
    assert.equal((await stores.runs.list(org, {})).items.length, 1, 'no run was triggered in B');
    const channel = await stores.notifications.getChannel(org, p.channelId ?? '');
    assert.equal(channel?.url, 'https://hooks.example.com/target');
    assert.equal((await stores.notifications.getDelivery(org, p.deliveryId ?? ''))?.status, 'pending');
    assert.equal(
      (await stores.notifications.listChannels(org, {})).items.length,
      1,
      'no channel was planted in B',
    );
  });

  it("does not list B's runs when A filters by B's suite or project", async () => {
    for (const query of [`suite_id=${b.params.suiteId}`, `project_id=${b.params.projectId}`]) {
      const response = await keyA.get(`/api/v1/runs?${query}`);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body.items, []);
    }
  });

  it("refuses to act in B when A's owner names B's organisation in X-Assay-Organisation", async () => {
    const response = await ownerA.get('/api/v1/projects', {
      headers: { 'x-assay-organisation': b.organisationId },
    });
    assert.equal(response.status, 403);
    assert.doesNotMatch(response.text, new RegExp(b.params.projectId ?? 'x'));
  });

  it('still answers B itself (the fixtures are reachable, so the 404s above are tenancy)', async () => {
    const response = await ownerB.get(`/api/v1/projects/${b.params.projectId}`);
    assert.equal(response.status, 200);
  });
});

describe('attack: role escalation', () => {
  it('a member cannot make themselves admin, invite, create keys or change organisation settings', async () => {
    const member = await server.login('member');
    const attempts = [
      member.patch(`/api/v1/members/${member.userId}`, { role: 'owner' }),
      member.post('/api/v1/members', { email: `${unique('x')}@example.test`, role: 'admin' }),
      member.post('/api/v1/api-keys', { name: 'mine', scopes: ['admin'] }),
      member.patch('/api/v1/organisations/current', { settings: { ip_allowlist: ['0.0.0.0/0'] } }),
      member.request('PUT', '/api/v1/organisations/current/ip-allowlist', { ranges: [] }),
      member.get('/api/v1/audit-log'),
    ];
    for (const response of await Promise.all(attempts)) assert.equal(response.status, 403, response.text);
    const membership = await server.container.stores.organisations.getMembership(
      server.organisation.id,
      member.userId ?? '',
    );
    assert.equal(membership?.role, 'member');
  });

  it('an admin cannot promote anyone to owner, nor demote the owner', async () => {
    const admin = await server.login('admin');
    const viewer = await server.login('viewer');
    const promote = await admin.patch(`/api/v1/members/${viewer.userId}`, { role: 'owner' });
    assert.equal(promote.status, 403, promote.text);
    const demote = await admin.patch(`/api/v1/members/${ownerA.userId}`, { role: 'viewer' });
    assert.equal(demote.status, 403, demote.text);
  });

  it('role and organisation fields in bodies are refused, not assigned (no mass assignment)', async () => {
    const member = await server.login('member');
    const response = await member.post('/api/v1/projects', {
      name: unique('P'),
      organisation_id: b.organisationId,
      role: 'owner',
    });
    assert.equal(response.status, 400);
    assert.deepEqual(
      response.body.errors.map((e: { code: string }) => e.code),
      ['unknown_field', 'unknown_field'],
    );
  });
});

describe('attack: API key scopes', () => {
  it('a key without the scope a route needs is refused with 403 on every such route, and audited', async () => {
    const runsRead = await server.apiKey(['runs:read']);
    const failures: string[] = [];
    const own = await seedResources(server, server.organisation.id);
    for (const route of routes) {
      if (route.auth !== 'any' || route.scope === null || route.scope === undefined) continue;
      if (route.scope === 'runs:read') continue;
      const response = await runsRead.request(
        route.method.toUpperCase(),
        fill(route, own.params),
        route.method === 'get' ? undefined : (BODIES[keyOf(route)] ?? {}), // scope is checked before the body is read
      );
      if (response.status !== 403) failures.push(`${keyOf(route)}: ${response.status}`);
    }
    assert.deepEqual(failures, []);
    const denials = (
      await server.container.stores.audit.list(
        server.organisation.id,
        { action: 'access.denied' },
        { limit: 200 },
      )
    ).items.filter((e) => e.data.reason === 'scope');
    assert.ok(denials.length >= 1, 'scope denials are audited');
  });

  it('a read-only key cannot write, and a key cannot use people-only routes', async () => {
    const reader = await server.apiKey(['suites:read']);
    const write = await reader.post('/api/v1/projects', { name: unique('P') });
    assert.equal(write.status, 403);
    const password = await reader.post('/api/v1/auth/password', {
      current_password: 'x',
      new_password: 'another long passphrase',
    });
    assert.equal(password.status, 403);
  });
});
