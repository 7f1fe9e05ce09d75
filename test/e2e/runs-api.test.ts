/** Runs over HTTP on the real listening server: trigger, live events, read, list, idempotency, cancellation. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { suiteYaml } from '../support/run-fixtures.ts';
import { openRunEvents, saveSuite, waitForEnd } from '../support/runs-http.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/server.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';

let server: TestServer;
let target: TargetServer;
let member: TestClient;
let ci: TestClient;

before(async () => {
  target = await startTargetServer();
  server = await startTestServer({ env: { ASSAY_EGRESS_ALLOW: '127.0.0.0/8' } });
  member = await server.login('member');
  ci = await server.apiKey(['runs:write']);
});
after(async () => {
  await server.close();
  await target.close();
});

describe('POST /suites/:id/runs and the event stream', () => {
  it('triggers a run and streams run.started, step.finished, run.finished with ids in order', async () => {
    const { suiteId } = await saveSuite(server, suiteYaml(target.url, { steps: 2, path: '/delay/50' }));
    const created = await ci.post(`/api/v1/suites/${suiteId}/runs`, {});
    assert.equal(created.status, 201);
    assert.equal(created.body.status, 'queued');
    assert.equal(created.body.trigger, 'api');
    assert.equal(created.headers.get('location'), `/api/v1/runs/${created.body.id}`);
    const stream = await openRunEvents(server, ci, created.body.id);
    assert.equal(stream.status, 200);
    assert.match(stream.contentType ?? '', /^text\/event-stream/);
    const events = await stream.events;
    assert.deepEqual(
      events.map((e) => e.event),
      ['run.queued', 'run.started', 'step.finished', 'step.finished', 'run.finished'],
    );
    assert.deepEqual(
      events.map((e) => e.id),
      [1, 2, 3, 4, 5],
    );
    assert.equal(events[2]?.data.result.status, 'passed');
    assert.equal(events.at(-1)?.data.summary.status, 'passed');
    const run = await member.get(`/api/v1/runs/${created.body.id}`);
    assert.equal(run.status, 200);
    assert.equal(run.body.status, 'passed');
    assert.equal(run.body.attempt, 1);
    assert.equal(run.body.steps.length, 2);
    assert.equal(run.body.steps[0].result.response.status, 200);
    assert.equal(run.body.summary.counts.passed, 2);
  });

  it('records a failing API as a failed run with its evidence', async () => {
    const { suiteId } = await saveSuite(server, suiteYaml(target.url, { path: '/status/503' }));
    const created = await member.post(`/api/v1/suites/${suiteId}/runs`, { variables: { unused: 1 } });
    assert.equal(created.status, 201);
    assert.equal(created.body.trigger, 'manual');
    const run = await waitForEnd(member, created.body.id);
    assert.equal(run.status, 'failed');
    assert.equal(run.steps[0].result.response.status, 503);
    assert.equal(run.steps[0].result.assertions[0].passed, false);
  });

  it('runs with the environment variables, overridden by the request variables', async () => {
    const { projectId, suiteId } = await saveSuite(
      server,
      'version: 1\nname: Vars\nsteps:\n  - name: echo\n    request: { method: GET, url: "{{ base }}/echo?who={{ who }}" }\n    expect: { status: 200 }\n',
    );
    const environment = await server.container.stores.environments.create({
      organisationId: server.organisation.id,
      projectId,
      name: 'staging',
      variables: { base: target.url, who: 'environment' },
    });
    const created = await member.post(`/api/v1/suites/${suiteId}/runs`, {
      environment_id: environment.id,
      variables: { who: 'request' },
    });
    assert.equal(created.status, 201);
    const run = await waitForEnd(member, created.body.id);
    assert.equal(run.status, 'passed');
    assert.match(run.steps[0].result.request.url, /who=request$/);
  });

  it('refuses an environment of another project, an unknown suite, and unknown fields', async () => {
    const { suiteId } = await saveSuite(server, suiteYaml(target.url));
    const elsewhere = await saveSuite(server, suiteYaml(target.url));
    const environment = await server.container.stores.environments.create({
      organisationId: server.organisation.id,
      projectId: elsewhere.projectId,
      name: 'other',
    });
    const wrongEnv = await member.post(`/api/v1/suites/${suiteId}/runs`, { environment_id: environment.id });
    assert.equal(wrongEnv.status, 422);
    assert.equal(wrongEnv.body.code, 'environment_not_found');
    const unknown = await member.post('/api/v1/suites/00000000-0000-7000-8000-000000000000/runs', {});
    assert.equal(unknown.status, 404);
    const extra = await member.post(`/api/v1/suites/${suiteId}/runs`, { bogus: true });
    assert.equal(extra.status, 400);
    assert.equal(extra.body.code, 'validation_failed');
  });
});

describe('Idempotency-Key', () => {
  it('returns the same run for the same key and body, and 422 for the same key with another body', async () => {
    const { suiteId } = await saveSuite(server, suiteYaml(target.url));
    const headers = { 'idempotency-key': `key-${Date.now()}` };
    const first = await ci.post(`/api/v1/suites/${suiteId}/runs`, { variables: { a: 1 } }, { headers });
    const second = await ci.post(`/api/v1/suites/${suiteId}/runs`, { variables: { a: 1 } }, { headers });
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.body.id, first.body.id);
    const reused = await ci.post(`/api/v1/suites/${suiteId}/runs`, { variables: { a: 2 } }, { headers });
    assert.equal(reused.status, 422);
    assert.equal(reused.body.code, 'idempotency_key_reused');
    assert.match(reused.headers.get('content-type') ?? '', /application\/problem\+json/);
    const list = await ci.get(`/api/v1/runs?suite_id=${suiteId}`);
    assert.equal(list.body.items.length, 1);
    await waitForEnd(ci, first.body.id);
  });
});

describe('GET /runs', () => {
  it('filters by suite, project, status and time, newest first, with cursor pagination', async () => {
    const { projectId, suiteId } = await saveSuite(server, suiteYaml(target.url));
    const failing = await saveSuite(server, suiteYaml(target.url, { path: '/status/500' }));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await member.post(`/api/v1/suites/${suiteId}/runs`, {})).body.id);
    const failed = (await member.post(`/api/v1/suites/${failing.suiteId}/runs`, {})).body.id;
    for (const id of [...ids, failed]) await waitForEnd(member, id);

    const page1 = await member.get(`/api/v1/runs?suite_id=${suiteId}&limit=2`);
    assert.equal(page1.status, 200);
    assert.deepEqual(
      page1.body.items.map((r: { id: string }) => r.id),
      [ids[2], ids[1]],
    );
    const page2 = await member.get(
      `/api/v1/runs?suite_id=${suiteId}&limit=2&cursor=${page1.body.next_cursor}`,
    );
    assert.deepEqual(
      page2.body.items.map((r: { id: string }) => r.id),
      [ids[0]],
    );
    assert.equal(page2.body.next_cursor, null);
    const byProject = await member.get(`/api/v1/runs?project_id=${projectId}`);
    assert.equal(byProject.body.items.length, 3);
    const failures = await member.get(`/api/v1/runs?status=failed,errored&project_id=${failing.projectId}`);
    assert.deepEqual(
      failures.body.items.map((r: { id: string }) => r.id),
      [failed],
    );
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const none = await member.get(`/api/v1/runs?suite_id=${suiteId}&from=${encodeURIComponent(future)}`);
    assert.equal(none.body.items.length, 0);
    const badStatus = await member.get('/api/v1/runs?status=done');
    assert.equal(badStatus.status, 400);
  });
});

describe('access', () => {
  it('hides runs of other organisations (404), and refuses viewers and read-only keys on writes', async () => {
    const { suiteId } = await saveSuite(server, suiteYaml(target.url));
    const created = await member.post(`/api/v1/suites/${suiteId}/runs`, {});
    const { owner } = await server.otherOrganisation();
    for (const path of [`/api/v1/runs/${created.body.id}`, `/api/v1/runs/${created.body.id}/events`]) {
      assert.equal((await owner.get(path)).status, 404);
    }
    assert.equal((await owner.post(`/api/v1/suites/${suiteId}/runs`, {})).status, 404);
    assert.equal((await owner.post(`/api/v1/runs/${created.body.id}/cancel`)).status, 404);
    const otherList = await owner.get('/api/v1/runs');
    assert.ok(!otherList.body.items.some((r: { id: string }) => r.id === created.body.id));

    const viewer = await server.login('viewer');
    assert.equal((await viewer.get(`/api/v1/runs/${created.body.id}`)).status, 200);
    assert.equal((await viewer.post(`/api/v1/suites/${suiteId}/runs`, {})).status, 403);
    const reader = await server.apiKey(['runs:read']);
    assert.equal((await reader.get(`/api/v1/runs/${created.body.id}`)).status, 200);
    assert.equal((await reader.post(`/api/v1/suites/${suiteId}/runs`, {})).status, 403);
    assert.equal((await server.anonymous.get(`/api/v1/runs/${created.body.id}`)).status, 401);
    await waitForEnd(member, created.body.id);
  });
});
