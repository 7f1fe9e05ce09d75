/**
 * The read cache seen from the API (embedded mode): writes are seen by the next read, finished runs
 * answer 304 to their ETag, and admins can read the counters.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkWritesAreSeen } from '../support/freshness.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: TestClient;

before(async () => {
  server = await startTestServer({ background: [], env: { ASSAY_RATE_LIMIT: '100000' } });
  admin = await server.login('admin');
});
after(() => server.close());

async function finishedRun() {
  const { stores } = server.container;
  const org = server.organisation.id;
  const project = await stores.projects.create({ organisationId: org, name: 'E', slug: `e-${Date.now()}` });
  const { suite } = await stores.suites.create({
    organisationId: org,
    projectId: project.id,
    name: 'etag',
    version: { source: 'version: 1\nname: etag\nsteps: []\n', format: 'yaml', parsed: {} },
  });
  const { run } = await stores.runs.create({
    organisationId: org,
    projectId: project.id,
    suiteId: suite.id,
    suiteVersion: 1,
    trigger: 'manual',
    queuedAt: new Date(),
  });
  return run;
}

describe('read cache through the API', () => {
  it('never answers a read with what was there before a write', async () => {
    await checkWritesAreSeen(server, server);
  });

  it('gives a finished run an ETag and answers 304 to it, a run in progress neither', async () => {
    const run = await finishedRun();
    const queued = await admin.get(`/api/v1/runs/${run.id}`);
    assert.equal(queued.status, 200);
    const queuedTag = queued.headers.get('etag');
    assert.ok(queuedTag === null || queuedTag.startsWith('W/'), 'no strong ETag while the run can change');

    const { stores } = server.container;
    const claimed = await stores.runs.claim(run.organisationId, run.id, new Date());
    await stores.runs.finish(run.organisationId, run.id, {
      attempt: claimed?.attempt ?? 1,
      status: 'passed',
      at: new Date(),
    });
    const first = await admin.get(`/api/v1/runs/${run.id}`);
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^"[A-Za-z0-9_-]{27}"$/);
    const notModified = await admin.get(`/api/v1/runs/${run.id}`, {
      headers: { 'if-none-match': etag ?? '' },
    });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.text, '');
    assert.equal(notModified.headers.get('etag'), etag);
    const weakForm = await admin.get(`/api/v1/runs/${run.id}`, {
      headers: { 'if-none-match': `"other", W/${etag}` },
    });
    assert.equal(weakForm.status, 304);
    const other = await admin.get(`/api/v1/runs/${run.id}`, { headers: { 'if-none-match': '"other"' } });
    assert.equal(other.status, 200);
    assert.equal(other.body.status, 'passed');
    // Another organisation learns nothing from a tag.
    const { owner } = await server.otherOrganisation();
    const foreign = await owner.get(`/api/v1/runs/${run.id}`, { headers: { 'if-none-match': etag ?? '' } });
    assert.equal(foreign.status, 404);
  });

  it('shows admins the hit and miss counters per family', async () => {
    const run = await finishedRun();
    const { stores } = server.container;
    const claimed = await stores.runs.claim(run.organisationId, run.id, new Date());
    await stores.runs.finish(run.organisationId, run.id, {
      attempt: claimed?.attempt ?? 1,
      status: 'failed',
      at: new Date(),
    });
    const before = (await admin.get('/api/v1/admin/cache-stats')).body;
    assert.equal(before.mode, 'embedded');
    for (let i = 0; i < 3; i++) await admin.get(`/api/v1/runs/${run.id}`);
    const after = (await admin.get('/api/v1/admin/cache-stats')).body;
    assert.ok(after.families.run.hits >= before.families.run.hits + 2);
    assert.ok(after.families.session.hits > before.families.session.hits);
    assert.ok(after.families.run.hit_ratio > 0);
    assert.equal(after.cache.errors, null);
    const member = await server.login('member');
    assert.equal((await member.get('/api/v1/admin/cache-stats')).status, 403);
  });
});
