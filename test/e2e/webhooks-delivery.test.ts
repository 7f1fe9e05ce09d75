/**
 * Webhooks end to end on the real server: runs end, deliveries are created once, sent through the
 * egress-guarded session, signed, retried, logged, and redelivered on request. Receivers are loopback
 * servers; 127.0.0.1/32 is opened explicitly, as an operator would for one receiver, and test host
 * names resolve through a table (never real DNS). The retry backoff is shortened to milliseconds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyWebhook } from '../../src/services/webhooks-signing.ts';
import { runsComponent } from '../../src/worker/component.ts';
import { webhookServicesFor } from '../../src/worker/webhook-runtime.ts';
import { testResolver } from '../security/ssrf-canary.ts';
import { eventually } from '../support/run-fixtures.ts';
import { saveSuite, waitForEnd } from '../support/runs-http.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/server.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

let server: TestServer;
let target: TargetServer;
let receiver: WebhookReceiver;
/** Listens on 127.0.0.2, which the policy refuses: it must never see a connection. */
let forbidden: WebhookReceiver;
let admin: TestClient;
let ci: TestClient;
let counter = 0;

const resolver = testResolver({ 'hooks.test': '127.0.0.1', 'internal.test': '127.0.0.2' });

before(async () => {
  target = await startTargetServer();
  receiver = await startWebhookReceiver();
  forbidden = await startWebhookReceiver('127.0.0.2');
  server = await startTestServer({
    env: {
      ASSAY_EGRESS_ALLOW: '127.0.0.1/32',
      ASSAY_PUBLIC_URL: 'https://assay.example.com',
      // The tests poll the API for outcomes.
      ASSAY_RATE_LIMIT: '100000',
    },
    background: [
      runsComponent({ webhooks: { retry: { attempts: 3, backoffMs: 10 }, lookup: resolver.lookup } }),
    ],
  });
  admin = await server.login('admin');
  ci = await server.apiKey(['runs:write']);
});
after(async () => {
  await server.close();
  await Promise.all([target.close(), receiver.close(), forbidden.close()]);
});

/** A suite whose one step passes when `code` is 200 and fails otherwise, in a project of its own. */
async function flakySuite() {
  return saveSuite(
    server,
    `version: 1\nname: Flaky\nsteps:\n  - name: health\n    request: { method: GET, url: "${target.url}/status/{{ code }}" }\n    expect: { status: 200 }\n`,
  );
}

async function channel(projectId: string, input: { url?: string; events?: string[]; path?: string } = {}) {
  const path = input.path ?? `/hook-${++counter}`;
  const response = await admin.post(`/api/v1/projects/${projectId}/notification-channels`, {
    name: 'ops',
    url: input.url ?? `http://hooks.test:${receiver.port}${path}`,
    events: input.events ?? ['run.failed', 'run.recovered', 'run.finished'],
  });
  assert.equal(response.status, 201, response.text);
  return { id: response.body.id as string, secret: response.body.secret as string, path, projectId };
}

async function runWith(suiteId: string, code: number) {
  const created = await ci.post(`/api/v1/suites/${suiteId}/runs`, { variables: { code } });
  assert.equal(created.status, 201, created.text);
  return waitForEnd(ci, created.body.id);
}

async function deliveries(c: { projectId: string; id: string }) {
  const response = await admin.get(
    `/api/v1/projects/${c.projectId}/notification-channels/${c.id}/deliveries`,
  );
  assert.equal(response.status, 200, response.text);
  // biome-ignore lint/suspicious/noExplicitAny: deliveries as JSON.
  return response.body.items as any[];
}

async function settled(c: { projectId: string; id: string }, count: number) {
  return eventually(async () => {
    const items = await deliveries(c);
    return items.length === count && items.every((d) => d.status !== 'pending') ? items : null;
  });
}

describe('webhook deliveries', () => {
  it('sends run.failed and run.finished for a failing run, signed so the receiver can verify them', async () => {
    const { projectId, suiteId } = await flakySuite();
    const hook = await channel(projectId);
    const run = await runWith(suiteId, 503);
    assert.equal(run.status, 'failed');
    const log = await settled(hook, 2);
    const got = receiver.to(hook.path);
    assert.deepEqual(got.map((r) => r.json.type).sort(), ['run.failed', 'run.finished']);
    for (const request of got) {
      const verdict = verifyWebhook({
        secret: hook.secret,
        headers: {
          id: request.headers['webhook-id'] as string,
          timestamp: request.headers['webhook-timestamp'] as string,
          signature: request.headers['webhook-signature'] as string,
        },
        body: request.body,
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      assert.deepEqual(verdict, { ok: true });
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers['user-agent'], 'Assay-Webhooks/1');
      assert.ok(log.some((d) => d.id === request.headers['webhook-id']));
      const data = request.json.data;
      assert.equal(data.id, run.id);
      assert.equal(data.status, 'failed');
      assert.equal(data.url, `https://assay.example.com/api/v1/runs/${run.id}`);
      assert.equal(data.suite.id, suiteId);
      assert.equal(data.suite.version, 1);
      assert.equal(data.counts.failed, 1);
      assert.equal(data.variables, undefined, 'run variables are not sent');
      // A tampered body no longer verifies.
      const tampered = verifyWebhook({
        secret: hook.secret,
        headers: {
          id: request.headers['webhook-id'] as string,
          timestamp: request.headers['webhook-timestamp'] as string,
          signature: request.headers['webhook-signature'] as string,
        },
        body: request.body.replace('"failed"', '"passed"'),
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      assert.deepEqual(tampered, { ok: false, reason: 'mismatch' });
    }
    for (const delivery of log) {
      assert.equal(delivery.status, 'delivered');
      assert.equal(delivery.attempts, 1);
      assert.equal(delivery.response_status, 204);
      assert.equal(delivery.run_id, run.id);
    }
  });

  it('sends run.recovered only on the first pass after one or more failures of the suite', async () => {
    const { projectId, suiteId } = await flakySuite();
    const hook = await channel(projectId, { events: ['run.failed', 'run.recovered'] });
    const outcomes: string[] = [];
    let expected = 0;
    for (const [code, sent] of [
      [200, 0], // a first pass recovers nothing
      [503, 1],
      [503, 1],
      [200, 1], // the recovery
      [200, 0],
      [503, 1],
      [200, 1],
    ] as const) {
      const run = await runWith(suiteId, code);
      expected += sent;
      await settled(hook, expected);
      const types = receiver
        .to(hook.path)
        .filter((r) => r.json.data.id === run.id)
        .map((r) => r.json.type);
      outcomes.push(`${run.status}:${types.join(',')}`);
    }
    assert.deepEqual(outcomes, [
      'passed:',
      'failed:run.failed',
      'failed:run.failed',
      'passed:run.recovered',
      'passed:',
      'failed:run.failed',
      'passed:run.recovered',
    ]);
    const recovered = receiver.to(hook.path).find((r) => r.json.type === 'run.recovered');
    assert.equal(recovered?.json.data.previous_run.status, 'failed');
  });

  it('retries after the receiver answered 500, with the same webhook-id, until it accepts', async () => {
    const { projectId, suiteId } = await flakySuite();
    const hook = await channel(projectId, { events: ['run.finished'] });
    receiver.script(hook.path, [{ status: 500 }, { status: 503 }, { status: 200 }]);
    await runWith(suiteId, 200);
    const [delivery] = await settled(hook, 1);
    assert.equal(delivery.status, 'delivered');
    assert.equal(delivery.attempts, 3);
    assert.equal(delivery.response_status, 200);
    assert.equal(delivery.last_error, null);
    const tries = receiver.to(hook.path);
    assert.equal(tries.length, 3);
    assert.deepEqual(new Set(tries.map((t) => t.headers['webhook-id'])), new Set([delivery.id]));
  });

  it('does not follow a redirect from the receiver, and does not retry it', async () => {
    const { projectId, suiteId } = await flakySuite();
    const hook = await channel(projectId, { events: ['run.finished'] });
    receiver.script(hook.path, [{ status: 302, headers: { location: `${receiver.url}/stolen-${hook.id}` } }]);
    await runWith(suiteId, 200);
    const [delivery] = await settled(hook, 1);
    assert.equal(delivery.status, 'failed');
    assert.equal(delivery.response_status, 302);
    assert.equal(delivery.attempts, 1);
    assert.match(delivery.last_error, /redirects are not followed/);
    assert.equal(receiver.to(`/stolen-${hook.id}`).length, 0);
  });

  it('refuses at delivery a host name that resolves to a forbidden address, without connecting', async () => {
    const { projectId, suiteId } = await flakySuite();
    // Registration judges the URL before DNS: a host name passes; its address is checked on connecting.
    const hook = await channel(projectId, {
      url: `http://internal.test:${forbidden.port}/hook`,
      events: ['run.finished'],
    });
    await runWith(suiteId, 200);
    const [delivery] = await settled(hook, 1);
    assert.equal(delivery.status, 'failed');
    assert.equal(delivery.attempts, 1);
    assert.equal(delivery.response_status, null);
    assert.match(delivery.last_error, /EGRESS_DENIED/);
    assert.equal(forbidden.connections, 0);
    assert.ok(resolver.asked.includes('internal.test'));
  });

  it('gives up after the last try, then redelivers on request', async () => {
    const { projectId, suiteId } = await flakySuite();
    const hook = await channel(projectId, { events: ['run.finished'] });
    receiver.script(hook.path, [{ status: 500 }, { status: 500 }, { status: 500 }]);
    await runWith(suiteId, 200);
    const [failed] = await settled(hook, 1);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.attempts, 3);
    assert.equal(failed.response_status, 500);
    assert.equal(failed.next_attempt_at, null);

    const redelivered = await admin.post(
      `/api/v1/projects/${projectId}/notification-channels/${hook.id}/deliveries/${failed.id}/redeliver`,
    );
    assert.equal(redelivered.status, 202, redelivered.text);
    assert.equal(redelivered.body.status, 'pending');
    const [delivered] = await settled(hook, 1);
    assert.equal(delivered.status, 'delivered');
    assert.equal(delivered.attempts, 4);
    const tries = receiver.to(hook.path);
    assert.equal(tries.length, 4);
    assert.equal(tries[3]?.headers['webhook-id'], failed.id);
    assert.equal(tries[3]?.body, tries[0]?.body, 'the same body is sent again');
    const audit = await server.container.stores.audit.list(
      server.organisation.id,
      { action: 'webhook_delivery.redelivered', targetId: failed.id },
      { limit: 5 },
    );
    assert.equal(audit.items.length, 1);
  });

  it('delivers at most once per run, channel and event, however often the end is noticed', async () => {
    const { projectId, suiteId } = await flakySuite();
    const hook = await channel(projectId, { events: ['run.failed', 'run.finished'] });
    const run = await runWith(suiteId, 500);
    await settled(hook, 2);
    const { notifier } = webhookServicesFor(server.container);
    const ref = { id: run.id, organisationId: server.organisation.id };
    await Promise.all([notifier.notifyRunFinished(ref), notifier.notifyRunFinished(ref)]);
    await notifier.notifyRunFinished(ref);
    assert.equal((await settled(hook, 2)).length, 2);
    assert.equal(receiver.to(hook.path).length, 2);
  });

  it('sends nothing to a disabled channel or for events it does not subscribe to', async () => {
    const { projectId, suiteId } = await flakySuite();
    const disabled = await channel(projectId);
    await admin.patch(`/api/v1/projects/${projectId}/notification-channels/${disabled.id}`, {
      enabled: false,
    });
    const failuresOnly = await channel(projectId, { events: ['run.failed'] });
    const witness = await channel(projectId, { events: ['run.finished'] });
    await runWith(suiteId, 200);
    await settled(witness, 1);
    assert.equal((await deliveries(disabled)).length, 0);
    assert.equal((await deliveries(failuresOnly)).length, 0);
    assert.equal(receiver.to(disabled.path).length + receiver.to(failuresOnly.path).length, 0);
  });
});
