/** The run event stream over HTTP: resume with Last-Event-ID, replay of finished runs; cancellation. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { suiteYaml } from '../support/run-fixtures.ts';
import { openRunEvents, type ReceivedEvent, saveSuite, waitForEnd } from '../support/runs-http.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/server.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';

let server: TestServer;
let target: TargetServer;
let member: TestClient;

before(async () => {
  target = await startTargetServer();
  // One run at a time, so a second run stays queued behind a hanging one.
  server = await startTestServer({ env: { ASSAY_EGRESS_ALLOW: '127.0.0.0/8', ASSAY_RUN_CONCURRENCY: '1' } });
  member = await server.login('member');
});
after(async () => {
  await server.close();
  await target.close();
});

function ids(events: ReceivedEvent[]): number[] {
  return events.map((e) => e.id);
}

describe('GET /runs/:id/events', () => {
  it('resumes after Last-Event-ID with exactly the missed events, live or replayed', async () => {
    const { suiteId } = await saveSuite(server, suiteYaml(target.url, { steps: 4, path: '/delay/30' }));
    const created = await member.post(`/api/v1/suites/${suiteId}/runs`, {});
    // First connection: leaves after the first step result.
    const first = await openRunEvents(server, member, created.body.id, {
      stopAfter: (e) => e.event === 'step.finished',
    });
    const before = await first.events;
    assert.deepEqual(
      before.map((e) => e.event),
      ['run.queued', 'run.started', 'step.finished'],
    );
    const resumed = await openRunEvents(server, member, created.body.id, { lastEventId: 3 });
    const rest = await resumed.events;
    assert.deepEqual(ids([...before, ...rest]), [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(rest.at(-1)?.event, 'run.finished');
  });

  it('replays a finished run from any point, by header or query, and closes', async () => {
    const { suiteId } = await saveSuite(server, suiteYaml(target.url, { steps: 2 }));
    const created = await member.post(`/api/v1/suites/${suiteId}/runs`, {});
    await waitForEnd(member, created.body.id);
    const all = await (await openRunEvents(server, member, created.body.id)).events;
    assert.deepEqual(ids(all), [1, 2, 3, 4, 5]);
    assert.equal(all[3]?.data.result.step, 'step 2');
    assert.equal(all[3]?.data.seq, 4);
    const tail = await (await openRunEvents(server, member, created.body.id, { lastEventId: 3 })).events;
    assert.deepEqual(ids(tail), [4, 5]);
    const viaQuery = await (
      await openRunEvents(server, member, created.body.id, { lastEventId: 4, viaQuery: true })
    ).events;
    assert.deepEqual(ids(viaQuery), [5]);
    const bad = await member.get(`/api/v1/runs/${created.body.id}/events?lastEventId=x`);
    assert.equal(bad.status, 400);
  });

  it('streams to an API key client and hides other organisations’ runs', async () => {
    const { suiteId } = await saveSuite(server, suiteYaml(target.url));
    const key = await server.apiKey(['runs:read']);
    const created = await member.post(`/api/v1/suites/${suiteId}/runs`, {});
    const events = await (await openRunEvents(server, key, created.body.id)).events;
    assert.equal(events.at(-1)?.event, 'run.finished');
    const { owner } = await server.otherOrganisation();
    const foreign = await openRunEvents(server, owner, created.body.id);
    assert.equal(foreign.status, 404);
  });
});

describe('client disconnect', () => {
  it('ends the stream and releases its event bus subscription', async () => {
    const events = server.container.events;
    const subscribe = events.subscribe.bind(events);
    let active = 0;
    events.subscribe = async (channel, listener) => {
      active++;
      const unsubscribe = await subscribe(channel, listener);
      return async () => {
        active--;
        await unsubscribe();
      };
    };
    const { suiteId } = await saveSuite(server, suiteYaml(target.url, { path: '/hang' }));
    const created = await member.post(`/api/v1/suites/${suiteId}/runs`, {});
    try {
      const stream = await openRunEvents(server, member, created.body.id, {
        stopAfter: (e) => e.event === 'run.started',
      });
      await stream.events;
      const deadline = Date.now() + 10_000;
      while (active > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(active, 0);
    } finally {
      events.subscribe = subscribe;
      await member.post(`/api/v1/runs/${created.body.id}/cancel`);
      await waitForEnd(member, created.body.id);
    }
  });
});

describe('POST /runs/:id/cancel', () => {
  it('cancels a queued run at once and a running one through its signal', async () => {
    const hanging = await saveSuite(server, suiteYaml(target.url, { path: '/hang' }));
    const quick = await saveSuite(server, suiteYaml(target.url));
    const running = await member.post(`/api/v1/suites/${hanging.suiteId}/runs`, {});
    const live = await openRunEvents(server, member, running.body.id);
    // Wait until the hanging run holds the only execution slot.
    const started = await openRunEvents(server, member, running.body.id, {
      stopAfter: (e) => e.event === 'run.started',
    });
    await started.events;
    const queued = await member.post(`/api/v1/suites/${quick.suiteId}/runs`, {});
    assert.equal(queued.body.status, 'queued');

    const cancelQueued = await member.post(`/api/v1/runs/${queued.body.id}/cancel`);
    assert.equal(cancelQueued.status, 200);
    assert.equal(cancelQueued.body.status, 'cancelled');
    const queuedEvents = await (await openRunEvents(server, member, queued.body.id)).events;
    assert.deepEqual(
      queuedEvents.map((e) => e.event),
      ['run.queued', 'run.finished'],
    );
    assert.equal(queuedEvents[1]?.data.summary.status, 'cancelled');

    const cancelRunning = await member.post(`/api/v1/runs/${running.body.id}/cancel`);
    assert.equal(cancelRunning.status, 200);
    assert.equal(cancelRunning.body.status, 'running');
    assert.ok(cancelRunning.body.cancel_requested_at);
    const events = await live.events;
    assert.equal(events.at(-1)?.event, 'run.finished');
    assert.equal(events.at(-1)?.data.summary.status, 'cancelled');
    const ended = await waitForEnd(member, running.body.id);
    assert.equal(ended.status, 'cancelled');
    assert.equal(ended.steps[0]?.result.status, 'errored');

    // Idempotent for a cancelled run; a run that ended otherwise cannot be cancelled.
    assert.equal((await member.post(`/api/v1/runs/${running.body.id}/cancel`)).status, 200);
    const done = await member.post(`/api/v1/suites/${quick.suiteId}/runs`, {});
    await waitForEnd(member, done.body.id);
    const late = await member.post(`/api/v1/runs/${done.body.id}/cancel`);
    assert.equal(late.status, 409);
    assert.equal(late.body.code, 'run_finished');
    const viewer = await server.login('viewer');
    assert.equal((await viewer.post(`/api/v1/runs/${done.body.id}/cancel`)).status, 403);
  });
});
