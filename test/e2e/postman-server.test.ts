/**
 * Postman collections on the real server: saved as suites (with located errors), environments imported
 * from Postman exports, then run like any suite — from the API with live events and stored step results,
 * from `assay run --remote`, from a schedule — with the egress guard on `pm.sendRequest` and no local
 * files. Only 127.0.0.1 is allowed out, so 127.0.0.2 (loopback all the same) stands for a forbidden
 * address.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ManualClock } from '../../src/platform/clock.ts';
import { runCli, tempDir } from '../fixtures/cli/run-cli.ts';
import { openRunEvents, waitForEnd } from '../support/runs-http.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/server.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';

const V21 = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';
const V20 = 'https://schema.getpostman.com/json/collection/v2.0.0/collection.json';
const TOKEN = `tok-${randomBytes(8).toString('hex')}`;

let server: TestServer;
let target: TargetServer;
let member: TestClient;
let ci: TestClient;

before(async () => {
  target = await startTargetServer();
  server = await startTestServer({
    env: { ASSAY_EGRESS_ALLOW: '127.0.0.1/32', ASSAY_SCHEDULER_INTERVAL: '50ms' },
  });
  member = await server.login('member');
  ci = await server.apiKey(['runs:write', 'suites:write']);
});
after(async () => {
  await server.close();
  await target.close();
});

function script(listen: 'prerequest' | 'test', lines: string[]) {
  return { listen, script: { type: 'text/javascript', exec: lines } };
}

function request(name: string, url: string, tests: string[], extra: Record<string, unknown> = {}) {
  return {
    name,
    request: { method: 'GET', header: [], url, ...extra },
    event: [script('test', tests)],
  };
}

/** Two requests, five tests, one of them designed to fail; the token travels in a header. */
function shopCollection(name = 'Shop API') {
  return {
    info: { name, schema: V21 },
    item: [
      request(
        'Get user',
        '{{baseUrl}}/echo?who={{who}}',
        [
          "pm.test('status is 200', () => pm.response.to.have.status(200));",
          "pm.test('who comes from the environment', () => pm.expect(pm.response.json().query.who).to.eql('staging'));",
          "pm.test('the token was sent', () => pm.expect(pm.response.json().headers.authorization).to.eql('Bearer ' + pm.environment.get('token')));",
        ],
        { header: [{ key: 'Authorization', value: 'Bearer {{token}}' }] },
      ),
      {
        name: 'Orders',
        item: [
          request('Missing order', '{{baseUrl}}/status/404', [
            "pm.test('designed to fail: expects 200', () => pm.response.to.have.status(200));",
            "pm.test('is a 404', () => pm.expect(pm.response.code).to.eql(404));",
          ]),
        ],
      },
    ],
  };
}

async function newProject(): Promise<string> {
  const suffix = randomBytes(4).toString('hex');
  const project = await server.container.stores.projects.create({
    organisationId: server.organisation.id,
    name: `Postman ${suffix}`,
    slug: `postman-${suffix}`,
  });
  return project.id;
}

async function importSuite(projectId: string, document: unknown, body: Record<string, unknown> = {}) {
  const source = JSON.stringify(document, null, 2);
  const created = await ci.post(`/api/v1/projects/${projectId}/suites`, { source, ...body });
  assert.equal(created.status, 201, created.text);
  return created.body.id as string;
}

async function importEnvironment(projectId: string, values: unknown[], name?: string) {
  const source = JSON.stringify({ name: 'Staging', values, _postman_variable_scope: 'environment' }, null, 2);
  const created = await ci.post(`/api/v1/projects/${projectId}/environments/import`, {
    source,
    ...(name ? { name } : {}),
  });
  assert.equal(created.status, 201, created.text);
  return created.body;
}

function stagingValues() {
  return [
    { key: 'baseUrl', value: target.url, type: 'default', enabled: true },
    { key: 'who', value: 'staging', type: 'default', enabled: true },
    { key: 'token', value: TOKEN, type: 'secret', enabled: true },
    { key: 'unused', value: 'off', type: 'default', enabled: false },
  ];
}

describe('Postman collections as suites', () => {
  it('saves a collection as written, detecting the format, and versions it', async () => {
    const projectId = await newProject();
    const wrapped = { collection: { info: { name: 'Wrapped v2.0', schema: V20 }, item: [] } };
    const source = `${JSON.stringify(wrapped, null, 2)}\n`;
    const created = await ci.post(`/api/v1/projects/${projectId}/suites`, { source });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.name, 'Wrapped v2.0');
    assert.equal(created.body.version.format, 'postman');
    assert.equal(created.body.version.source, source);

    const next = await ci.post(`/api/v1/suites/${created.body.id}/versions`, {
      source: JSON.stringify(shopCollection()),
      format: 'postman',
    });
    assert.equal(next.status, 201, next.text);
    assert.equal(next.body.version.version, 2);
    const versions = await member.get(`/api/v1/suites/${created.body.id}/versions`);
    assert.deepEqual(
      versions.body.items.map((v: { version: number; format: string }) => [v.version, v.format]),
      [
        [2, 'postman'],
        [1, 'postman'],
      ],
    );
    // Plain JSON that is no collection is still a native suite.
    const native = await ci.post(`/api/v1/projects/${projectId}/suites`, {
      source: JSON.stringify({ version: 1, name: 'Native', steps: [] }),
    });
    assert.notEqual(native.body.version?.format, 'postman');
  });

  it('refuses an invalid collection with located errors, as a native suite', async () => {
    const projectId = await newProject();
    const source = JSON.stringify(
      { info: { name: 'Broken', schema: V21 }, item: [{ name: 'Bad', request: { method: 42, url: 'x' } }] },
      null,
      2,
    );
    const refused = await ci.post(`/api/v1/projects/${projectId}/suites`, { source });
    assert.equal(refused.status, 422, refused.text);
    assert.equal(refused.body.code, 'suite_invalid');
    const [error] = refused.body.suite_errors;
    assert.equal(error.path, 'item[0].request.method');
    assert.equal(error.line, 10);
    assert.match(error.message, /HTTP method/);
    assert.match(refused.body.errors[0].message, /^line 10, column \d+ \(item\[0\]\.request\.method\)/);

    const notJson = await ci.post(`/api/v1/projects/${projectId}/suites`, {
      source: 'version: 1\nname: yaml\n',
      format: 'postman',
    });
    assert.equal(notJson.status, 422);
    assert.match(notJson.body.suite_errors[0].message, /JSON syntax error/);

    const v1 = await ci.post(`/api/v1/projects/${projectId}/suites`, {
      source: JSON.stringify({
        info: { name: 'Old', schema: 'https://schema.getpostman.com/json/collection/v1.0.0/collection.json' },
        item: [],
      }),
      format: 'postman',
    });
    assert.equal(v1.status, 422);
    assert.match(v1.body.suite_errors[0].message, /v1 is not supported/);
  });

  it('imports a Postman environment: values as variables, secret values as write-only secrets', async () => {
    const projectId = await newProject();
    const environment = await importEnvironment(projectId, stagingValues());
    assert.equal(environment.name, 'Staging');
    assert.deepEqual(environment.variables, { baseUrl: target.url, who: 'staging' });
    assert.deepEqual(
      environment.secrets.map((s: { name: string }) => s.name),
      ['token'],
    );
    const read = await member.get(`/api/v1/environments/${environment.id}`);
    assert.equal(read.text.includes(TOKEN), false);

    const renamed = await importEnvironment(projectId, stagingValues(), 'Staging copy');
    assert.equal(renamed.name, 'Staging copy');
    const taken = await ci.post(`/api/v1/projects/${projectId}/environments/import`, {
      source: JSON.stringify({ name: 'Staging', values: [] }),
    });
    assert.equal(taken.status, 409);

    const bad = await ci.post(`/api/v1/projects/${projectId}/environments/import`, {
      source: JSON.stringify({ name: 'Bad', values: [{ key: 'api.url', value: 'x' }, { value: 'no key' }] }),
    });
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.body.code, 'environment_invalid');
    assert.match(bad.body.errors[0].message, /line 1, column \d+ \(values\[1\]\.key\)/);
    const badName = await ci.post(`/api/v1/projects/${projectId}/environments/import`, {
      source: JSON.stringify({ name: 'Bad', values: [{ key: 'api.url', value: 'x' }] }),
    });
    assert.equal(badName.status, 422);
    assert.match(badName.body.errors[0].message, /"api\.url" is not a valid name/);
  });
});

describe('running a Postman suite', () => {
  it('runs from the API with live events, step results and the final status; failed tests count as failed', async () => {
    const projectId = await newProject();
    const suiteId = await importSuite(projectId, shopCollection());
    const environment = await importEnvironment(projectId, stagingValues());
    const created = await ci.post(`/api/v1/suites/${suiteId}/runs`, { environment_id: environment.id });
    assert.equal(created.status, 201, created.text);
    const stream = await openRunEvents(server, ci, created.body.id);
    const events = await stream.events;
    assert.deepEqual(
      events.map((e) => e.event),
      ['run.queued', 'run.started', 'step.finished', 'step.finished', 'run.finished'],
    );
    assert.equal(events[1]?.data.suite, 'Shop API');
    assert.equal(events[1]?.data.steps, 2);
    const [first, second] = [events[2]?.data.result, events[3]?.data.result];
    assert.equal(first.step, 'Get user');
    assert.equal(first.status, 'passed');
    assert.deepEqual(
      first.assertions.map((a: { passed: boolean }) => a.passed),
      [true, true, true],
    );
    assert.equal(second.step, 'Orders / Missing order');
    assert.equal(second.status, 'failed');
    assert.equal(second.response.status, 404);
    assert.deepEqual(
      second.assertions.map((a: { passed: boolean }) => a.passed),
      [false, true],
    );
    const summary = events.at(-1)?.data.summary;
    assert.equal(summary.status, 'failed');
    assert.equal(summary.counts.steps, 2);
    assert.equal(summary.counts.passed, 1);
    assert.equal(summary.counts.failed, 1);
    assert.equal(summary.counts.assertions, 5);
    assert.equal(summary.counts.assertionsFailed, 1);

    const run = await waitForEnd(member, created.body.id);
    assert.equal(run.status, 'failed');
    assert.equal(run.steps.length, 2);
    assert.equal(run.steps[0].result.request.headers.Authorization, 'Bearer ***');
    const history = await member.get(`/api/v1/runs?suite_id=${suiteId}`);
    assert.equal(history.body.items.length, 1);
    // The secret is in no stored result or event.
    assert.equal(JSON.stringify(run).includes(TOKEN), false);
    assert.equal(JSON.stringify(events).includes(TOKEN), false);
  });

  it('passes when every test passes, with the request variables over the environment', async () => {
    const projectId = await newProject();
    const collection = {
      info: { name: 'Overrides', schema: V21 },
      item: [
        request('Echo', '{{baseUrl}}/echo?who={{who}}', [
          "pm.test('who comes from the run', () => pm.expect(pm.response.json().query.who).to.eql('request'));",
        ]),
      ],
    };
    const suiteId = await importSuite(projectId, collection);
    const environment = await importEnvironment(projectId, stagingValues());
    const created = await member.post(`/api/v1/suites/${suiteId}/runs`, {
      environment_id: environment.id,
      variables: { who: 'request' },
    });
    const run = await waitForEnd(member, created.body.id);
    assert.equal(run.status, 'passed', JSON.stringify(run.steps));
  });

  it('lets the egress guard refuse pm.sendRequest and requests to a forbidden address', async () => {
    const projectId = await newProject();
    const forbidden = `http://127.0.0.2:${target.port}/echo`;
    const collection = {
      info: { name: 'Egress', schema: V21 },
      item: [
        {
          name: 'Script fetch',
          request: { method: 'GET', url: '{{baseUrl}}/echo' },
          event: [
            script('prerequest', [
              `pm.sendRequest('${forbidden}', (err, res) => {`,
              "  pm.variables.set('sendError', err ? String(err.message || err) : 'status ' + res.code);",
              '});',
            ]),
            script('test', [
              "pm.test('the guard refused the script request', () => pm.expect(pm.variables.get('sendError')).to.match(/refused to connect to 127\\.0\\.0\\.2/));",
            ]),
          ],
        },
        request('Direct', forbidden, ["pm.test('never reached', () => pm.response.to.have.status(200));"]),
      ],
    };
    const suiteId = await importSuite(projectId, collection);
    const created = await ci.post(`/api/v1/suites/${suiteId}/runs`, { variables: { baseUrl: target.url } });
    const run = await waitForEnd(member, created.body.id);
    const [fetch, direct] = run.steps.map((s: { result: unknown }) => s.result);
    assert.equal(fetch.status, 'passed', JSON.stringify(fetch));
    assert.equal(direct.status, 'errored');
    assert.equal(direct.error.code, 'EGRESS_DENIED');
    assert.equal(run.status, 'failed');
  });

  it('refuses a collection that sends local files', async () => {
    const projectId = await newProject();
    const collection = {
      info: { name: 'Files', schema: V21 },
      item: [
        {
          name: 'Upload',
          request: {
            method: 'POST',
            url: `${target.url}/echo`,
            body: { mode: 'formdata', formdata: [{ key: 'f', type: 'file', src: '/etc/hostname' }] },
          },
        },
      ],
    };
    const suiteId = await importSuite(projectId, collection);
    const created = await ci.post(`/api/v1/suites/${suiteId}/runs`, {});
    const run = await waitForEnd(member, created.body.id);
    assert.equal(run.status, 'errored');
    assert.equal(run.error.code, 'FILE_ACCESS_DENIED');
    assert.match(run.error.message, /Upload: \/etc\/hostname/);
    assert.equal(target.requests >= 0, true);
  });

  it('runs from assay run --remote with the same reporters and exit codes', async () => {
    const projectId = await newProject();
    const suiteId = await importSuite(projectId, shopCollection('Remote shop'));
    const environment = await importEnvironment(projectId, stagingValues());
    const out = await tempDir();
    try {
      const file = path.join(out.dir, 'junit.xml');
      const r = await runCli(
        [
          'run',
          '--remote',
          server.url,
          '--suite',
          suiteId,
          '--environment',
          environment.id,
          '--reporter',
          'junit',
          '--out',
          file,
        ],
        { env: { ASSAY_API_KEY: ci.key ?? undefined } },
      );
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const xml = await readFile(file, 'utf8');
      assert.match(xml, /designed to fail: expects 200/);
      assert.match(xml, /<failure/);
    } finally {
      await out.remove();
    }
  });

  it('runs from a schedule', async () => {
    const projectId = await newProject();
    const suiteId = await importSuite(projectId, shopCollection('Scheduled shop'));
    const environment = await importEnvironment(projectId, stagingValues());
    const schedule = await member.post(`/api/v1/suites/${suiteId}/schedules`, {
      cron: '*/5 * * * *',
      environment_id: environment.id,
    });
    assert.equal(schedule.status, 201, schedule.text);
    (server.clock as ManualClock).set(new Date(Date.parse(schedule.body.next_fire_at) + 1000));
    const deadline = Date.now() + 20_000;
    let runs = await ci.get(`/api/v1/runs?suite_id=${suiteId}`);
    while (runs.body.items.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      runs = await ci.get(`/api/v1/runs?suite_id=${suiteId}`);
    }
    assert.equal(runs.body.items[0]?.trigger, 'schedule');
    const run = await waitForEnd(ci, runs.body.items[0].id);
    assert.equal(run.status, 'failed');
    assert.equal(run.summary.counts.assertionsFailed, 1);
  });
});
