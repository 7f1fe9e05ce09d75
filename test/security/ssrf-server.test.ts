/** The server-side runner is guarded by default: a suite aimed at loopback never reaches it. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { suiteYaml } from '../support/run-fixtures.ts';
import { saveSuite, waitForEnd } from '../support/runs-http.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/server.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';

let server: TestServer;
let target: TargetServer;
let member: TestClient;

before(async () => {
  target = await startTargetServer();
  // No ASSAY_EGRESS_ALLOW: the defaults of a fresh installation.
  server = await startTestServer();
  member = await server.login('member');
});
after(async () => {
  await server.close();
  await target.close();
});

describe('server-side runs and the egress guard', () => {
  it('refuses a loopback target before connecting, and records why', async () => {
    const { suiteId } = await saveSuite(server, suiteYaml(target.url, { path: '/json' }));
    const created = await member.post(`/api/v1/suites/${suiteId}/runs`, {});
    assert.equal(created.status, 201);
    const finished = await waitForEnd(member, created.body.id);
    assert.equal(finished.status, 'failed');
    const run = await member.get(`/api/v1/runs/${created.body.id}`);
    const step = run.body.steps[0].result;
    assert.equal(step.status, 'errored');
    assert.equal(step.error.code, 'EGRESS_DENIED');
    assert.match(step.error.message, /refused to connect to 127\.0\.0\.1 \(loopback/);
    assert.equal(target.connections, 0);
  });
});
