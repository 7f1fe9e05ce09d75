/**
 * Attack suite — resource consumption and accountability: per-key and per-address rate limits with
 * RateLimit headers, the cap on runs in flight per organisation, the cap on open event streams per
 * key, and the audit log (readable by admins with filters, never editable, recording what matters).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openRunEvents } from '../support/runs-http.ts';
import { createClient, startTestServer, type TestServer } from '../support/server.ts';
import { seedResources, unique } from './attack-fixtures.ts';

let server: TestServer;

before(async () => {
  server = await startTestServer({
    background: [],
    env: {
      ASSAY_RATE_LIMIT: '30',
      ASSAY_RATE_LIMIT_ANONYMOUS: '1000',
      ASSAY_RUNS_IN_FLIGHT: '3',
      ASSAY_SSE_MAX_PER_USER: '2',
    },
  });
});
after(() => server.close());

describe('attack: request floods', () => {
  it('limits one API key with 429, Retry-After and RateLimit headers, without touching other keys', async () => {
    const flooder = await server.apiKey(['runs:read']);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof flooder.get>> | undefined;
    for (let i = 0; i < 32; i++) {
      last = await flooder.get('/api/v1/runs');
      statuses.push(last.status);
    }
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(200));
    assert.deepEqual(statuses.slice(30), [429, 429]);
    assert.equal(last?.body.code, 'rate_limited');
    assert.ok(Number(last?.headers.get('retry-after')) >= 1);
    assert.equal(last?.headers.get('ratelimit-policy'), '"principal";q=30;w=60');
    assert.match(last?.headers.get('ratelimit') ?? '', /^"principal";r=0;t=\d+$/);
    const other = await server.apiKey(['runs:read']);
    const fine = await other.get('/api/v1/runs');
    assert.equal(fine.status, 200);
    assert.match(fine.headers.get('ratelimit') ?? '', /r=29/);
  });

  it('limits one address without valid credentials, however the key is varied', async () => {
    const own = await startTestServer({ background: [], env: { ASSAY_RATE_LIMIT_ANONYMOUS: '10' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const response = await createClient(own.url, { key: `assay_${unique('x')}` }).get('/api/v1/runs');
        statuses.push(response.status);
      }
      assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
      assert.deepEqual(statuses.slice(10), [429, 429]);
      const login = await createClient(own.url).post('/api/v1/auth/login', {
        email: 'a@example.test',
        password: 'x',
      });
      assert.equal(login.status, 429, 'public routes share the address budget');
    } finally {
      await own.close();
    }
  });
});

describe('attack: runs and streams', () => {
  it('caps runs in flight per organisation with 429 runs_in_flight, leaving other organisations free', async () => {
    const other = await server.otherOrganisation();
    const fixtures = await seedResources(server, other.organisation.id);
    const owner = other.owner;
    const suite = fixtures.params.suiteId;
    // One run is queued already (the fixture); two more reach the cap of three.
    for (let i = 0; i < 2; i++)
      assert.equal((await owner.post(`/api/v1/suites/${suite}/runs`, {})).status, 201);
    const refused = await owner.post(`/api/v1/suites/${suite}/runs`, {});
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.body.code, 'runs_in_flight');
    assert.ok(refused.headers.get('retry-after'));
    const third = await server.otherOrganisation();
    const free = await seedResources(server, third.organisation.id);
    assert.equal((await third.owner.post(`/api/v1/suites/${free.params.suiteId}/runs`, {})).status, 201);
  });

  it('caps open event streams per key with 429 too_many_streams, and frees a slot when one closes', async () => {
    const org = await server.otherOrganisation();
    const fixtures = await seedResources(server, org.organisation.id);
    const key = await server.apiKey(['runs:read'], { organisationId: org.organisation.id });
    const runId = fixtures.params.runId ?? '';
    const first = await openRunEvents(server, key, runId);
    const second = await openRunEvents(server, key, runId);
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    const third = await key.get(`/api/v1/runs/${runId}/events`);
    assert.equal(third.status, 429);
    assert.equal(third.body.code, 'too_many_streams');
    first.close();
    let reopened = 0;
    for (let i = 0; i < 50 && reopened !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const attempt = await openRunEvents(server, key, runId);
      reopened = attempt.status;
      attempt.close();
    }
    assert.equal(reopened, 200);
    second.close();
  });
});

describe('attack: the audit log', () => {
  it('is readable by admins with filters, and by no one else', async () => {
    const org = await server.otherOrganisation();
    const owner = org.owner;
    await owner.post('/api/v1/projects', { name: unique('audited') });
    await owner.post('/api/v1/api-keys', { name: 'audited', scopes: ['runs:read'] });
    await createClient(server.url).post('/api/v1/auth/login', {
      email: owner.email,
      password: 'wrong password',
    });
    const all = await owner.get('/api/v1/audit-log?limit=200');
    assert.equal(all.status, 200);
    const actions = new Set(all.body.items.map((e: { action: string }) => e.action));
    for (const action of ['auth.login', 'auth.login_failed', 'project.created', 'api_key.created']) {
      assert.ok(actions.has(action), `${action} is recorded`);
    }
    const family = await owner.get('/api/v1/audit-log?action=auth.*');
    assert.ok(family.body.items.length >= 2);
    assert.ok(family.body.items.every((e: { action: string }) => e.action.startsWith('auth.')));
    const byActor = await owner.get(
      `/api/v1/audit-log?actor_type=user&actor_id=${owner.userId}&action=project.created`,
    );
    assert.equal(byActor.body.items.length, 1);
    const range = await owner.get('/api/v1/audit-log?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z');
    assert.deepEqual(range.body.items, []);
    const member = await server.login('member', { organisationId: org.organisation.id });
    assert.equal((await member.get('/api/v1/audit-log')).status, 403);
  });

  it('cannot be edited: no route changes an entry, and the database refuses to', async () => {
    const owner = await server.login('owner');
    const [entry] = (await owner.get('/api/v1/audit-log?limit=1')).body.items;
    assert.ok(entry);
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      for (const path of ['/api/v1/audit-log', `/api/v1/audit-log/${entry.id}`]) {
        const response = await owner.request(method, path, method === 'DELETE' ? undefined : { action: 'x' });
        assert.equal(response.status, 404, `${method} ${path}`);
      }
    }
    const { database } = server;
    await assert.rejects(
      sql`update audit_log set action = 'x' where id = ${entry.id}`.execute(database.db),
      /append-only/,
    );
    await assert.rejects(
      sql`delete from audit_log where id = ${entry.id}`.execute(database.db),
      /append-only/,
    );
  });
});
