/**
 * Webhooks in distributed mode: an API process and a worker process (two containers in this test
 * process) on one PostgreSQL database and one Redis (under a test prefix). The run is triggered on the
 * API, executed by the worker, and its deliveries go through the BullMQ `webhooks` queue, retried with
 * backoff after a 500, and logged where the API reads them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Database, openDatabase } from '../../src/adapters/postgres/database.ts';
import { loadConfig } from '../../src/config/config.ts';
import { type Container, createContainer } from '../../src/container.ts';
import { createApp } from '../../src/http/app.ts';
import { type Listening, listen } from '../../src/http/listen.ts';
import { silentLogger } from '../../src/platform/logger.ts';
import { verifyWebhook } from '../../src/services/webhooks-signing.ts';
import { type RunRuntime, startRunRuntime } from '../../src/worker/runtime.ts';
import { createPostgresDatabase, type TestPostgres } from '../support/db.ts';
import { keyClient, newOrganisation, type Replica, signIn } from '../support/freshness.ts';
import { deleteKeys, SHARED_REDIS_URI, testKeyPrefix } from '../support/redis.ts';
import { eventually } from '../support/run-fixtures.ts';
import { waitForEnd } from '../support/runs-http.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const redisKeyPrefix = testKeyPrefix('webhooks');
let pg: TestPostgres;
let target: TargetServer;
let receiver: WebhookReceiver;
const opened: { database: Database; container: Container; close: () => Promise<void> }[] = [];
let api: Replica;

async function assayProcess(name: string): Promise<{ container: Container; database: Database }> {
  const config = loadConfig({
    REDIS_URI: SHARED_REDIS_URI,
    DATABASE_URL: pg.url,
    ASSAY_SECRET_KEY: Buffer.alloc(32, 5).toString('base64'),
    ASSAY_EGRESS_ALLOW: '127.0.0.1/32',
    ASSAY_RATE_LIMIT: '100000',
  });
  const database = await openDatabase({ kind: 'postgres', url: pg.url, poolSize: 3, applicationName: name });
  const container = await createContainer({
    config,
    logger: silentLogger(),
    database,
    migrate: false,
    redisKeyPrefix,
    processName: name,
  });
  return { container, database };
}

before(async () => {
  pg = await createPostgresDatabase();
  target = await startTargetServer();
  receiver = await startWebhookReceiver();
  const { container: apiContainer, database: apiDatabase } = await assayProcess('api');
  const apiRuntime: RunRuntime = await startRunRuntime(apiContainer, {
    execute: false,
    reconcile: false,
    schedule: false,
  });
  const listening: Listening = await listen(createApp({ container: apiContainer }), {
    port: 0,
    host: '127.0.0.1',
  });
  opened.push({
    database: apiDatabase,
    container: apiContainer,
    close: async () => {
      await listening.close();
      await apiRuntime.stop();
    },
  });
  api = { url: listening.url, container: apiContainer };
  const { container: workerContainer, database: workerDatabase } = await assayProcess('worker');
  const worker = await startRunRuntime(workerContainer, {
    execute: true,
    reconcile: false,
    schedule: false,
    webhooks: { retry: { attempts: 4, backoffMs: 50 } },
  });
  opened.push({
    database: workerDatabase,
    container: workerContainer,
    close: () => worker.stop(),
  });
});
after(async () => {
  for (const { container, database, close } of opened) {
    await close();
    await container.close();
    await database.close();
  }
  await pg?.drop();
  await Promise.all([target.close(), receiver.close()]);
  await deleteKeys(SHARED_REDIS_URI, redisKeyPrefix);
});

describe('webhooks through BullMQ', () => {
  it('delivers the signed events of a run executed by a worker, retrying after a 500', async () => {
    const org = await newOrganisation(api);
    const admin = await signIn(api, org, 'admin');
    const ci = await keyClient(api, org, ['runs:write']);
    const project = await admin.on(api).post('/api/v1/projects', { name: 'Hooks' });
    const source = `version: 1\nname: Down\nsteps:\n  - name: health\n    request: { method: GET, url: "${target.url}/status/503" }\n    expect: { status: 200 }\n`;
    const suite = await admin.on(api).post(`/api/v1/projects/${project.body.id}/suites`, { source });
    assert.equal(suite.status, 201, suite.text);
    const channel = await admin.on(api).post(`/api/v1/projects/${project.body.id}/notification-channels`, {
      name: 'ops',
      url: `${receiver.url}/redis-hook`,
      events: ['run.failed'],
    });
    assert.equal(channel.status, 201, channel.text);
    receiver.script('/redis-hook', [{ status: 500 }]);

    const created = await ci.on(api).post(`/api/v1/suites/${suite.body.id}/runs`, {});
    const run = await waitForEnd(ci.on(api), created.body.id);
    assert.equal(run.status, 'failed');

    const deliveries = `/api/v1/projects/${project.body.id}/notification-channels/${channel.body.id}/deliveries`;
    const [delivery] = await eventually(async () => {
      const items = (await admin.on(api).get(deliveries)).body.items;
      return items.length === 1 && items[0].status === 'delivered' ? items : null;
    });
    assert.equal(delivery.attempts, 2);
    assert.equal(delivery.event, 'run.failed');
    const tries = receiver.to('/redis-hook');
    assert.equal(tries.length, 2);
    for (const request of tries) {
      assert.deepEqual(
        verifyWebhook({
          secret: channel.body.secret,
          headers: {
            id: request.headers['webhook-id'] as string,
            timestamp: request.headers['webhook-timestamp'] as string,
            signature: request.headers['webhook-signature'] as string,
          },
          body: request.body,
          nowSeconds: Math.floor(Date.now() / 1000),
        }),
        { ok: true },
      );
      assert.equal(request.json.data.id, run.id);
    }
  });
});
