/** Suites over the real listening server: save, validate with located errors, versions, limits, tenancy. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestClient, type TestServer } from '../../../test/support/server.ts';

let server: TestServer;
let member: TestClient;
let viewer: TestClient;
let projectId: string;

const SUITE = `# kept as written, comments included
version: 1
name: Users API
steps:
  - name: list users
    request: { method: GET, url: "http://127.0.0.1:9/users" }
    expect: { status: 200 }
`;

before(async () => {
  server = await startTestServer({
    env: { ASSAY_SUITE_MAX_BYTES: '4096', ASSAY_SUITE_MAX_STEPS: '3' },
  });
  member = await server.login('member');
  viewer = await server.login('viewer');
  const project = await member.post('/api/v1/projects', { name: 'Suites project' });
  assert.equal(project.status, 201);
  projectId = project.body.id;
});
after(() => server.close());

async function createSuite(body: Record<string, unknown>) {
  return member.post(`/api/v1/projects/${projectId}/suites`, body);
}

describe('saving suites', () => {
  it('creates version 1 from YAML, stored exactly as written, named after the document', async () => {
    const response = await createSuite({ source: SUITE });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('location'), `/api/v1/suites/${response.body.id}`);
    assert.equal(response.body.name, 'Users API');
    assert.equal(response.body.project_id, projectId);
    assert.equal(response.body.latest_version, 1);
    assert.equal(response.body.version.version, 1);
    assert.equal(response.body.version.format, 'yaml');
    assert.equal(response.body.version.source, SUITE);
    assert.equal(response.body.version.created_by, member.userId);
    assert.equal(response.body.version.size_bytes, Buffer.byteLength(SUITE));

    const read = await viewer.get(`/api/v1/suites/${response.body.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, response.body);
  });

  it('detects JSON, or takes the format given', async () => {
    const json = JSON.stringify(
      {
        version: 1,
        name: 'J',
        steps: [{ name: 'a', request: { method: 'GET', url: 'http://127.0.0.1:9/' } }],
      },
      null,
      2,
    );
    const detected = await createSuite({ name: 'as json', source: json });
    assert.equal(detected.status, 201);
    assert.equal(detected.body.version.format, 'json');
    assert.equal(detected.body.name, 'as json');
    assert.equal(detected.body.version.source, json);
    const told = await createSuite({ name: 'json read as yaml', source: json, format: 'yaml' });
    assert.equal(told.status, 201);
    assert.equal(told.body.version.format, 'yaml');
  });

  it('answers 422 suite_invalid listing every error with its position and suggestion', async () => {
    const source =
      'version: 1\nname: Broken\nsteps:\n  - name: s\n    requets: { method: GET, url: http://x.test }\n';
    const response = await createSuite({ source });
    assert.equal(response.status, 422);
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(response.body.code, 'suite_invalid');
    assert.equal(response.body.detail, 'the suite has 2 errors');
    assert.equal(response.body.error_count, 2);
    assert.deepEqual(response.body.suite_errors, [
      {
        line: 4,
        column: 5,
        path: 'steps[0].request',
        message: 'missing required key "request" (an object)',
        expected: 'an object',
      },
      {
        line: 5,
        column: 5,
        path: 'steps[0].requets',
        message: 'unknown key "requets"; allowed here: name, request, capture, expect, retry, skip',
        expected: 'one of name, request, capture, expect, retry, skip',
        suggestion: 'request',
      },
    ]);
    assert.deepEqual(response.body.errors[1], {
      path: 'body.source',
      message:
        'line 5, column 5 (steps[0].requets): unknown key "requets"; allowed here: name, request, capture, expect, retry, skip',
      code: 'suite_error',
    });
    const list = await member.get(`/api/v1/projects/${projectId}/suites`);
    assert.ok(!list.body.items.some((s: { name: string }) => s.name === 'Broken'));
  });

  it('refuses a source over ASSAY_SUITE_MAX_BYTES and more steps than ASSAY_SUITE_MAX_STEPS', async () => {
    const big = await createSuite({ source: `# ${'x'.repeat(5000)}\n${SUITE}` });
    assert.equal(big.status, 422);
    assert.equal(big.body.code, 'suite_too_large');
    assert.deepEqual(big.body.errors, [
      {
        path: 'body.source',
        message: `is ${5003 + Buffer.byteLength(SUITE)} bytes; the limit is 4096 bytes (ASSAY_SUITE_MAX_BYTES)`,
        code: 'too_large',
      },
    ]);

    const step = (i: number) =>
      `  - name: s${i}\n    request: { method: GET, url: "http://127.0.0.1:9/${i}" }\n`;
    const many = await createSuite({
      source: `version: 1\nname: Many\nsteps:\n${[1, 2, 3, 4].map(step).join('')}`,
    });
    assert.equal(many.status, 422);
    assert.equal(many.body.code, 'suite_too_many_steps');
    assert.equal(
      many.body.errors[0].message,
      'has 4 steps; the limit is 3 per suite (ASSAY_SUITE_MAX_STEPS): split it into several suites',
    );
  });

  it('answers 409 name_taken for a name used in the project', async () => {
    assert.equal((await createSuite({ name: 'twice', source: SUITE })).status, 201);
    const again = await createSuite({ name: 'twice', source: SUITE });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'name_taken');
  });

  it('validates the request body itself with 400', async () => {
    const response = await createSuite({ source: '', format: 'toml', extra: 1 });
    assert.equal(response.status, 400);
    assert.equal(response.body.code, 'validation_failed');
    assert.deepEqual(response.body.errors.map((e: { path: string }) => e.path).sort(), [
      'body.extra',
      'body.format',
      'body.source',
    ]);
  });
});

describe('versions', () => {
  it('appends a version per save; the latest is what GET returns; older ones stay readable', async () => {
    const created = await createSuite({ name: 'versioned', source: SUITE });
    const suiteId = created.body.id;
    const v2source = SUITE.replace('status: 200', 'status: 201');
    const v2 = await member.post(`/api/v1/suites/${suiteId}/versions`, { source: v2source });
    assert.equal(v2.status, 201);
    assert.equal(v2.headers.get('location'), `/api/v1/suites/${suiteId}/versions/2`);
    assert.equal(v2.body.latest_version, 2);
    assert.equal(v2.body.version.source, v2source);
    assert.equal(v2.body.name, 'versioned', 'saving does not rename');

    const latest = await viewer.get(`/api/v1/suites/${suiteId}`);
    assert.equal(latest.body.version.version, 2);
    assert.equal(latest.body.version.source, v2source);

    const first = await viewer.get(`/api/v1/suites/${suiteId}/versions/1`);
    assert.equal(first.status, 200);
    assert.equal(first.body.source, SUITE);

    const list = await viewer.get(`/api/v1/suites/${suiteId}/versions?limit=1`);
    assert.deepEqual(
      list.body.items.map((v: { version: number }) => v.version),
      [2],
    );
    assert.ok(!('source' in list.body.items[0]), 'lists leave sources out');
    const next = await viewer.get(
      `/api/v1/suites/${suiteId}/versions?limit=1&cursor=${list.body.next_cursor}`,
    );
    assert.deepEqual(
      next.body.items.map((v: { version: number }) => v.version),
      [1],
    );
    assert.equal(next.body.next_cursor, null);

    assert.equal((await viewer.get(`/api/v1/suites/${suiteId}/versions/3`)).status, 404);
    assert.equal((await viewer.get(`/api/v1/suites/${suiteId}/versions/0`)).status, 404);
    assert.equal((await viewer.get(`/api/v1/suites/${suiteId}/versions/abc`)).status, 404);
  });

  it('keeps the previous version when a save is invalid', async () => {
    const created = await createSuite({ name: 'kept', source: SUITE });
    const bad = await member.post(`/api/v1/suites/${created.body.id}/versions`, { source: 'version: 2\n' });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.code, 'suite_invalid');
    assert.equal((await viewer.get(`/api/v1/suites/${created.body.id}`)).body.latest_version, 1);
  });
});

describe('rename, list, delete', () => {
  it('renames, lists newest first with cursors, and deletes', async () => {
    const project = await member.post('/api/v1/projects', { name: 'Listing' });
    const base = `/api/v1/projects/${project.body.id}/suites`;
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three'])
      ids.push((await member.post(base, { name, source: SUITE })).body.id);

    const renamed = await member.patch(`/api/v1/suites/${ids[0]}`, { name: 'first' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'first');

    const page1 = await viewer.get(`${base}?limit=2`);
    assert.deepEqual(
      page1.body.items.map((s: { name: string }) => s.name),
      ['three', 'two'],
    );
    const page2 = await viewer.get(`${base}?limit=2&cursor=${page1.body.next_cursor}`);
    assert.deepEqual(
      page2.body.items.map((s: { name: string }) => s.name),
      ['first'],
    );

    assert.equal((await member.delete(`/api/v1/suites/${ids[1]}`)).status, 204);
    assert.equal((await viewer.get(`/api/v1/suites/${ids[1]}`)).status, 404);
    assert.equal((await member.delete(`/api/v1/suites/${ids[1]}`)).status, 404);
  });

  it('records suite changes in the audit log', async () => {
    const created = await createSuite({ name: 'audited', source: SUITE });
    const suiteId = created.body.id;
    await member.post(`/api/v1/suites/${suiteId}/versions`, { source: SUITE });
    await member.patch(`/api/v1/suites/${suiteId}`, { name: 'audited 2' });
    await member.delete(`/api/v1/suites/${suiteId}`);
    const { items } = await server.container.stores.audit.list(server.organisation.id, {});
    const entries = items.filter((e) => e.target?.id === suiteId);
    assert.deepEqual(
      entries.map((e) => e.action),
      ['suite.deleted', 'suite.renamed', 'suite.version_saved', 'suite.created'],
    );
    assert.deepEqual(entries[0]?.actor, { type: 'user', id: member.userId });
    assert.deepEqual(entries[1]?.data, { from: 'audited', to: 'audited 2' });
  });

  it("answers 404 for another organisation's suites and projects", async () => {
    const created = await createSuite({ name: 'private', source: SUITE });
    const { owner } = await server.otherOrganisation();
    for (const response of [
      await owner.get(`/api/v1/suites/${created.body.id}`),
      await owner.get(`/api/v1/suites/${created.body.id}/versions/1`),
      await owner.post(`/api/v1/suites/${created.body.id}/versions`, { source: SUITE }),
      await owner.get(`/api/v1/projects/${projectId}/suites`),
      await owner.post(`/api/v1/projects/${projectId}/suites`, { source: SUITE }),
    ]) {
      assert.equal(response.status, 404);
      assert.equal(response.body.code, 'not_found');
    }
    assert.equal((await viewer.get(`/api/v1/suites/${created.body.id}`)).body.latest_version, 1);
  });
});
