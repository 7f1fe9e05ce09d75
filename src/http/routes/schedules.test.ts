/** Schedule definitions over the real listening server: validation, next fire times, audit, tenancy. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestClient, type TestServer } from '../../../test/support/server.ts';
import { manualClock } from '../../platform/clock.ts';

// A Monday, 10:00 UTC: 11:00 in Paris.
const clock = manualClock('2025-01-06T10:00:00.000Z');
let server: TestServer;
let member: TestClient;
let viewer: TestClient;
let projectId: string;
let suiteId: string;

const SUITE =
  'version: 1\nname: Scheduled\nsteps:\n  - name: ping\n    request: { method: GET, url: "http://127.0.0.1:9/" }\n';

before(async () => {
  // No background components: this file checks definitions, not firing.
  server = await startTestServer({ clock, background: [] });
  member = await server.login('member');
  viewer = await server.login('viewer');
  projectId = (await member.post('/api/v1/projects', { name: 'Schedules project' })).body.id;
  suiteId = (await member.post(`/api/v1/projects/${projectId}/suites`, { source: SUITE })).body.id;
});
after(() => server.close());

const base = () => `/api/v1/suites/${suiteId}/schedules`;

describe('schedules', () => {
  it('computes next_fire_at in the time zone on create; UTC and enabled by default', async () => {
    const paris = await member.post(base(), {
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Paris',
      name: 'mornings',
    });
    assert.equal(paris.status, 201);
    assert.equal(paris.headers.get('location'), `/api/v1/schedules/${paris.body.id}`);
    assert.equal(paris.body.next_fire_at, '2025-01-07T08:00:00.000Z');
    assert.equal(paris.body.enabled, true);
    assert.equal(paris.body.suite_id, suiteId);
    assert.equal(paris.body.project_id, projectId);
    assert.equal(paris.body.environment_id, null);
    assert.equal(paris.body.last_fired_at, null);
    assert.equal(paris.body.created_by, member.userId);

    const utc = await member.post(base(), { cron: '@hourly' });
    assert.equal(utc.body.timezone, 'UTC');
    assert.equal(utc.body.next_fire_at, '2025-01-06T11:00:00.000Z');

    const spelled = await member.post(base(), { cron: '30 10 * * *', timezone: 'europe/paris' });
    assert.equal(spelled.body.timezone, 'Europe/Paris', 'stored as the runtime spells it');
    assert.equal(spelled.body.next_fire_at, '2025-01-07T09:30:00.000Z');

    const disabled = await member.post(base(), { cron: '0 0 * * *', enabled: false });
    assert.equal(disabled.body.next_fire_at, null);
  });

  it('answers 422 invalid_schedule naming the cron and timezone fields', async () => {
    const response = await member.post(base(), { cron: '61 * * * *', timezone: 'Mars/Olympus_Mons' });
    assert.equal(response.status, 422);
    assert.equal(response.body.code, 'invalid_schedule');
    assert.deepEqual(response.body.errors, [
      {
        path: 'body.timezone',
        message: '"Mars/Olympus_Mons" is not an IANA time zone (like UTC or Europe/Paris)',
        code: 'invalid_timezone',
      },
      {
        path: 'body.cron',
        message: 'is not a valid cron expression: Invalid value for minute: 61',
        code: 'invalid_cron',
      },
    ]);
    const seconds = await member.post(base(), { cron: '*/5 * * * * *' });
    assert.equal(seconds.status, 422);
    assert.equal(seconds.body.errors[0].path, 'body.cron');
    const never = await member.post(base(), { cron: '0 0 30 2 *' });
    assert.deepEqual(never.body.errors, [
      { path: 'body.cron', message: 'never fires (no such date)', code: 'invalid_cron' },
    ]);
  });

  it('accepts an environment of the same project only', async () => {
    const env = (await member.post(`/api/v1/projects/${projectId}/environments`, { name: 'prod' })).body;
    const ok = await member.post(base(), { cron: '@daily', environment_id: env.id });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.environment_id, env.id);

    const otherProject = (await member.post('/api/v1/projects', { name: 'Elsewhere' })).body;
    const foreign = (await member.post(`/api/v1/projects/${otherProject.id}/environments`, { name: 'x' }))
      .body;
    const refused = await member.post(base(), { cron: '@daily', environment_id: foreign.id });
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.body.errors, [
      {
        path: 'body.environment_id',
        message: "is not an environment of the suite's project",
        code: 'not_found',
      },
    ]);

    // Deleting the environment leaves the schedule, running without one.
    assert.equal((await member.delete(`/api/v1/environments/${env.id}`)).status, 204);
    assert.equal((await viewer.get(`/api/v1/schedules/${ok.body.id}`)).body.environment_id, null);
  });

  it('recomputes next_fire_at from now when the timing changes, and only then', async () => {
    const created = (await member.post(base(), { cron: '0 12 * * *' })).body;
    assert.equal(created.next_fire_at, '2025-01-06T12:00:00.000Z');
    clock.advance(3 * 3_600_000); // 13:00, past the stored fire time

    const renamed = await member.patch(`/api/v1/schedules/${created.id}`, { name: 'noon' });
    assert.equal(renamed.body.name, 'noon');
    assert.equal(
      renamed.body.next_fire_at,
      '2025-01-06T12:00:00.000Z',
      'a due fire is not skipped by a rename',
    );

    const moved = await member.patch(`/api/v1/schedules/${created.id}`, { timezone: 'Asia/Tokyo' });
    assert.equal(moved.body.next_fire_at, '2025-01-07T03:00:00.000Z');

    const off = await member.patch(`/api/v1/schedules/${created.id}`, { enabled: false });
    assert.equal(off.body.enabled, false);
    assert.equal(off.body.next_fire_at, null);
    const on = await member.patch(`/api/v1/schedules/${created.id}`, { enabled: true, cron: '*/15 * * * *' });
    assert.equal(on.body.next_fire_at, '2025-01-06T13:15:00.000Z');

    const bad = await member.patch(`/api/v1/schedules/${created.id}`, { cron: 'nope' });
    assert.equal(bad.status, 422);
    assert.equal((await viewer.get(`/api/v1/schedules/${created.id}`)).body.cron, '*/15 * * * *');
    clock.set('2025-01-06T10:00:00.000Z');
  });

  it('lists per suite and per project, and deletes', async () => {
    const suite2 = (
      await member.post(`/api/v1/projects/${projectId}/suites`, { name: 'second', source: SUITE })
    ).body;
    const s = (await member.post(`/api/v1/suites/${suite2.id}/schedules`, { cron: '@weekly' })).body;
    const bySuite = await viewer.get(`/api/v1/suites/${suite2.id}/schedules`);
    assert.deepEqual(
      bySuite.body.items.map((x: { id: string }) => x.id),
      [s.id],
    );
    const byProject = await viewer.get(`/api/v1/projects/${projectId}/schedules?limit=200`);
    assert.ok(byProject.body.items.some((x: { id: string }) => x.id === s.id));
    assert.ok(byProject.body.items.length > 1);

    assert.equal((await member.delete(`/api/v1/schedules/${s.id}`)).status, 204);
    assert.equal((await viewer.get(`/api/v1/schedules/${s.id}`)).status, 404);
  });

  it('audits schedule changes', async () => {
    const s = (await member.post(base(), { cron: '@monthly' })).body;
    await member.patch(`/api/v1/schedules/${s.id}`, { enabled: false });
    await member.delete(`/api/v1/schedules/${s.id}`);
    const { items } = await server.container.stores.audit.list(server.organisation.id, {});
    const entries = items.filter((e) => e.target?.id === s.id);
    assert.deepEqual(
      entries.map((e) => e.action),
      ['schedule.deleted', 'schedule.updated', 'schedule.created'],
    );
    assert.deepEqual(entries[1]?.data, { changed: ['enabled'] });
  });

  it("answers 404 for another organisation's schedules and suites", async () => {
    const s = (await member.post(base(), { cron: '@daily' })).body;
    const { owner } = await server.otherOrganisation();
    for (const response of [
      await owner.get(`/api/v1/schedules/${s.id}`),
      await owner.patch(`/api/v1/schedules/${s.id}`, { enabled: false }),
      await owner.delete(`/api/v1/schedules/${s.id}`),
      await owner.get(base()),
      await owner.post(base(), { cron: '@daily' }),
      await owner.get(`/api/v1/projects/${projectId}/schedules`),
    ]) {
      assert.equal(response.status, 404);
      assert.equal(response.body.code, 'not_found');
    }
    assert.equal((await viewer.get(`/api/v1/schedules/${s.id}`)).body.enabled, true);
  });
});
