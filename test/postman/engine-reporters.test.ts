/**
 * A collection run speaks the engine's RunEvents, so Assay's own reporters (and the server, which stores
 * the same events) take it like any suite run.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { loadCollectionFile } from '../../src/core/postman/collection/load.ts';
import { runCollection } from '../../src/core/postman/run/run-collection.ts';
import { createJsonReporter } from '../../src/reporters/json.ts';
import { createJunitReporter } from '../../src/reporters/junit.ts';
import { createPrettyReporter } from '../../src/reporters/pretty/pretty.ts';
import { type EchoServer, startEchoServer } from './support/echo-server.ts';
import { CORPUS_DIR } from './support/traces.ts';

let server: EchoServer;
before(async () => {
  server = await startEchoServer();
});
after(() => server.close());

function sink(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  return { out, text: () => text };
}

test("Assay's pretty, JSON and JUnit reporters take a collection run", async () => {
  const loaded = await loadCollectionFile(`${CORPUS_DIR}/users-api.postman_collection.json`);
  assert.ok(loaded.ok);
  const outputs = { pretty: sink(), json: sink(), junit: sink() };
  const reporters = [
    createPrettyReporter({ out: outputs.pretty.out, color: false, live: false }),
    createJsonReporter({ out: outputs.json.out }),
    createJunitReporter({ out: outputs.junit.out }),
  ];
  await runCollection({
    collection: loaded.collection,
    file: 'users-api.postman_collection.json',
    workingDir: CORPUS_DIR,
    envVars: { baseUrl: server.url },
    folders: ['Users'],
    onEvent: (event) => {
      for (const reporter of reporters) reporter.onEvent(event);
    },
  });
  for (const reporter of reporters) await reporter.finish();

  const json = JSON.parse(outputs.json.text()) as {
    status: string;
    steps: {
      step: string;
      status: string;
      assertions: { kind: string; target: string; passed: boolean }[];
    }[];
    summaries: { suite: string; counts: { steps: number; failed: number } }[];
  };
  assert.equal(json.status, 'failed');
  assert.deepEqual(
    json.steps.map((s) => [s.step, s.status]),
    [
      ['Users / List users', 'passed'],
      ['Users / Get user by id', 'failed'],
      ['Users / Create user', 'passed'],
      ['Users / Admin / Update user (urlencoded)', 'passed'],
      ['Users / Admin / Upload avatar (form-data)', 'passed'],
      ['Users / Admin / GraphQL query', 'passed'],
    ],
  );
  assert.deepEqual(
    json.steps[1]?.assertions.filter((a) => !a.passed),
    [
      {
        kind: 'test',
        target: 'user is an admin (designed to fail)',
        matcher: 'pm.test',
        expected: 'pass',
        actual: 'fail',
        passed: false,
        message: "user is an admin (designed to fail): expected [ 'author' ] to include 'admin'",
      },
    ],
  );
  assert.deepEqual(
    json.summaries.map((s) => [s.suite, s.counts.steps, s.counts.failed]),
    [['Users API', 6, 1]],
  );
  assert.match(
    outputs.pretty.text(),
    /^✗ Users API › Users \/ Get user by id .*user is an admin \(designed to fail\)/m,
  );
  assert.match(outputs.junit.text(), /<testsuite name="Users API" tests="6" failures="1" errors="0"/);
});
