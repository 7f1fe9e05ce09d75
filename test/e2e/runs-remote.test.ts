/** `assay run --remote`: the real binary drives the real server, with the same reporters and exit codes. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, tempDir } from '../fixtures/cli/run-cli.ts';
import { suiteYaml } from '../support/run-fixtures.ts';
import { saveSuite } from '../support/runs-http.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/server.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';

let server: TestServer;
let target: TargetServer;
let key: TestClient;

before(async () => {
  target = await startTargetServer();
  server = await startTestServer({ env: { ASSAY_EGRESS_ALLOW: '127.0.0.0/8' } });
  key = await server.apiKey(['runs:write']);
});
after(async () => {
  await server.close();
  await target.close();
});

function remote(args: string[], apiKey: string | null = key.key) {
  return runCli(['run', '--remote', server.url, ...args], { env: { ASSAY_API_KEY: apiKey ?? undefined } });
}

describe('assay run --remote', () => {
  it('exits 0 for a passing run, with the live display and a JSON report of the server run', async () => {
    const { suiteId } = await saveSuite(server, suiteYaml(target.url, { steps: 2, name: 'Remote pass' }));
    const out = await tempDir();
    try {
      const file = path.join(out.dir, 'report.json');
      const r = await remote([
        '--suite',
        suiteId,
        '--reporter',
        'pretty',
        '--reporter',
        'json',
        '--out',
        file,
      ]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Remote pass/);
      assert.match(r.stdout, /step 2/);
      const report = JSON.parse(await readFile(file, 'utf8'));
      assert.equal(report.status, 'passed');
      assert.equal(report.steps.length, 2);
    } finally {
      await out.remove();
    }
  });

  it('exits 1 for a failing run and writes the failure to JUnit', async () => {
    const { suiteId } = await saveSuite(
      server,
      suiteYaml(target.url, { path: '/status/500', name: 'Remote fail' }),
    );
    const out = await tempDir();
    try {
      const file = path.join(out.dir, 'junit.xml');
      const r = await remote(['--suite', suiteId, '--reporter', 'junit', '--out', file, '--var', 'x=1']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const xml = await readFile(file, 'utf8');
      assert.match(xml, /<failure/);
      assert.match(xml, /Remote fail/);
    } finally {
      await out.remove();
    }
  });

  it('sends variables and the environment, and triggers once per Idempotency-Key', async () => {
    const { projectId, suiteId } = await saveSuite(
      server,
      'version: 1\nname: Vars\nsteps:\n  - name: echo\n    request: { method: GET, url: "{{ base }}/status/{{ code }}" }\n    expect: { status: 201 }\n',
    );
    const environment = await server.container.stores.environments.create({
      organisationId: server.organisation.id,
      projectId,
      name: 'remote',
      variables: { base: target.url, code: 500 },
    });
    const args = [
      '--suite',
      suiteId,
      '--environment',
      environment.id,
      '--var',
      'code=201',
      '--reporter',
      'json',
    ];
    const first = await remote([...args, '--idempotency-key', 'remote-1']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const again = await remote([...args, '--idempotency-key', 'remote-1']);
    assert.equal(again.code, 0);
    const runs = await key.get(`/api/v1/runs?suite_id=${suiteId}`);
    assert.equal(runs.body.items.length, 1);
  });

  it('exits 2 without an API key, with a refused key, for an unknown suite, or with files', async () => {
    const { suiteId } = await saveSuite(server, suiteYaml(target.url));
    const noKey = await remote(['--suite', suiteId], null);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /ASSAY_API_KEY/);
    const badKey = await remote(['--suite', suiteId], 'assay_nope');
    assert.equal(badKey.code, 2);
    assert.match(badKey.stderr, /refused/);
    const unknown = await remote(['--suite', '00000000-0000-7000-8000-000000000000']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /not found/);
    const files = await remote(['suites/passing.yaml', '--suite', suiteId]);
    assert.equal(files.code, 2);
    const noSuite = await remote([]);
    assert.equal(noSuite.code, 2);
    const readOnly = await server.apiKey(['runs:read']);
    const forbidden = await remote(['--suite', suiteId], readOnly.key);
    assert.equal(forbidden.code, 2);
    assert.match(forbidden.stderr, /runs:write/);
    const down = await runCli(['run', '--remote', 'http://127.0.0.1:9', '--suite', suiteId], {
      env: { ASSAY_API_KEY: key.key ?? '' },
    });
    assert.equal(down.code, 2);
    assert.match(down.stderr, /cannot reach/);
  });
});
