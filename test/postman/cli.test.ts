/** `assay run <collection>` end to end: the real binary, Newman's options, exit codes and report files. */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, tempDir } from '../fixtures/cli/run-cli.ts';
import { type EchoServer, startEchoServer } from './support/echo-server.ts';
import { CORPUS_DIR } from './support/traces.ts';

let server: EchoServer;
let baseUrl: string[];
before(async () => {
  server = await startEchoServer();
  baseUrl = ['--env-var', `baseUrl=${server.url}`];
});
after(() => server.close());

const corpus = (...parts: string[]): string => path.join(CORPUS_DIR, ...parts);
const PASSING = corpus('cli', 'passing.postman_collection.json');
const ENVIRONMENT = corpus('cli', 'env.postman_environment.json');
const USERS = corpus('users-api.postman_collection.json');
const FLOW = corpus('flow.postman_collection.json');

interface NewmanJson {
  collection: { info: { name: string } };
  environment: { values: { key: string; value: unknown }[] };
  run: {
    stats: Record<string, { total: number; pending: number; failed: number }>;
    timings: { started: number; completed: number; responseAverage: number };
    executions: {
      item: { id: string; name: string };
      request: { method: string; url: { raw: string } };
      response?: { code: number; status: string };
      assertions?: { assertion: string; skipped: boolean; error?: { message: string } }[];
      testScript?: { error: { message: string } }[];
      requestError?: { code: string; message: string };
    }[];
    failures: { at: string; error: { message: string }; source: { name: string } }[];
    error: unknown;
  };
}

async function readJson(file: string): Promise<NewmanJson> {
  return JSON.parse(await readFile(file, 'utf8')) as NewmanJson;
}

describe('assay run with a Postman collection', () => {
  test('a passing collection exits 0 and prints the pretty report', async () => {
    const r = await runCli(['run', PASSING, '-e', ENVIRONMENT, ...baseUrl]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^✓ Passing › Users \/ List users/m);
    assert.match(r.stdout, /^✓ Passing › Echo/m);
    assert.match(r.stdout, /PASSED {2}1 suite · 3 steps: 3 passed/);
  });

  test('-r cli,json,junit writes Newman-layout reports, with secrets masked', async () => {
    const { dir, remove } = await tempDir();
    try {
      const json = path.join(dir, 'out', 'report.json');
      const xml = path.join(dir, 'out', 'report.xml');
      const r = await runCli([
        'run',
        PASSING,
        '-e',
        ENVIRONMENT,
        ...baseUrl,
        '-r',
        'cli,json,junit',
        '--reporter-json-export',
        json,
        '--reporter-junit-export',
        xml,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const raw = await readFile(json, 'utf8');
      assert.ok(!raw.includes('tok-9f8e7d6c'), 'the secret environment value must not appear in the report');
      const report = JSON.parse(raw) as NewmanJson;
      assert.equal(report.collection.info.name, 'Passing');
      assert.deepEqual(report.run.stats.requests, { total: 3, pending: 0, failed: 0 });
      assert.deepEqual(report.run.stats.assertions, { total: 4, pending: 0, failed: 0 });
      assert.deepEqual(report.run.stats.iterations, { total: 1, pending: 0, failed: 0 });
      assert.ok(report.run.timings.completed >= report.run.timings.started);
      const [first, second, third] = report.run.executions;
      assert.equal(first?.item.name, 'List users');
      assert.equal(first?.request.method, 'GET');
      assert.equal(first?.response?.code, 200);
      assert.deepEqual(first?.assertions, [{ assertion: 'Status code is 200', skipped: false }]);
      assert.deepEqual(second?.assertions?.[1], { assertion: 'not yet', skipped: true });
      assert.equal(third?.request.method, 'POST');
      assert.deepEqual(report.run.failures, []);
      assert.equal(report.run.error, null);
      assert.ok(report.environment.values.some((v) => v.key === 'firstId' && v.value === 1));

      const junit = await readFile(xml, 'utf8');
      assert.match(junit, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="Passing" tests="3"/);
      assert.match(
        junit,
        /<testsuite name="Users \/ List users" id="list-users" [^>]*tests="1" failures="0" errors="0"/,
      );
      assert.match(junit, /<testcase name="is Ada" time="[\d.]+" classname="UsersGetUser"\/>/);
    } finally {
      await remove();
    }
  });

  test('failing tests exit 1, reported as AssertionFailure; -x exits 0', async () => {
    const { dir, remove } = await tempDir();
    try {
      const xml = path.join(dir, 'junit.xml');
      const json = path.join(dir, 'run.json');
      const args = ['run', USERS, ...baseUrl, '--working-dir', CORPUS_DIR, '-r', 'json,junit'];
      const r = await runCli([...args, '--reporter-json-export', json, '--reporter-junit-export', xml]);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '', 'no cli reporter was asked for');
      const report = await readJson(json);
      assert.equal(report.run.stats.assertions?.failed, 3);
      assert.deepEqual(
        report.run.failures.map((f) => [f.source.name, f.at]),
        [
          // Newman counts assertions within the script that declared them: the item's own test script here.
          ['Get user by id', 'assertion:2 in test-script'],
          ['Plain text', 'assertion:1 in test-script'],
          ['Missing user', 'assertion:1 in test-script'],
        ],
      );
      const junit = await readFile(xml, 'utf8');
      assert.match(
        junit,
        /<testcase name="user is an admin \(designed to fail\)"[^>]*>\s*<failure type="AssertionFailure" message="expected \[ &apos;author&apos; \] to include &apos;admin&apos;">Failed 1 times\./,
      );
      const suppressed = await runCli([...args.slice(0, -2), '-x', '--silent']);
      assert.equal(suppressed.code, 0, suppressed.stderr);
      assert.equal(suppressed.stdout, '');
    } finally {
      await remove();
    }
  });

  test('script errors and request errors exit 1 and go to <system-err>', async () => {
    const { dir, remove } = await tempDir();
    try {
      const xml = path.join(dir, 'junit.xml');
      const json = path.join(dir, 'run.json');
      const r = await runCli([
        'run',
        FLOW,
        ...baseUrl,
        '--folder',
        'Test script error',
        '--folder',
        'Request timeout',
        '--timeout-request',
        '1000',
        '-r',
        'junit,json',
        '--reporter-junit-export',
        xml,
        '--reporter-json-export',
        json,
      ]);
      assert.equal(r.code, 1, r.stderr);
      const report = await readJson(json);
      const [scriptError, timeout] = report.run.executions;
      assert.equal(
        scriptError?.testScript?.[0]?.error.message,
        "Expected property name or '}' in JSON at position 1 (line 1 column 2)",
      );
      assert.equal(timeout?.requestError?.code, 'TIMEOUT');
      assert.equal(timeout?.response, undefined);
      assert.deepEqual(report.run.stats.requests, { total: 2, pending: 0, failed: 1 });
      const junit = await readFile(xml, 'utf8');
      assert.match(junit, /<system-err>Iteration: 0\ntestScriptError: SyntaxError: /);
      assert.match(junit, /<system-err>Iteration: 0\nRequestError: no response within 1000 ms \(TIMEOUT\)/);
    } finally {
      await remove();
    }
  });

  test('iterations, --bail and exports', async () => {
    const { dir, remove } = await tempDir();
    try {
      const env = path.join(dir, 'env.json');
      const globals = path.join(dir, 'globals.json');
      const json = path.join(dir, 'run.json');
      const r = await runCli([
        'run',
        PASSING,
        '-e',
        ENVIRONMENT,
        ...baseUrl,
        '-n',
        '3',
        '--export-environment',
        env,
        '--export-globals',
        globals,
        '-r',
        'json',
        '--reporter-json-export',
        json,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((await readJson(json)).run.stats.iterations, { total: 3, pending: 0, failed: 0 });
      const exported = JSON.parse(await readFile(env, 'utf8')) as NewmanJson['environment'] & {
        name: string;
        _postman_variable_scope: string;
      };
      assert.equal(exported.name, 'CLI environment');
      assert.equal(exported._postman_variable_scope, 'environment');
      assert.ok(exported.values.some((v) => v.key === 'firstId' && v.value === 1));
      const exportedGlobals = JSON.parse(await readFile(globals, 'utf8')) as NewmanJson['environment'];
      assert.deepEqual(
        exportedGlobals.values.map((v) => [v.key, v.value]),
        [['seen', 'yes']],
      );

      const bail = await runCli([
        'run',
        USERS,
        ...baseUrl,
        '--bail',
        '-r',
        'json',
        '--reporter-json-export',
        json,
      ]);
      assert.equal(bail.code, 1);
      assert.equal((await readJson(json)).run.stats.items?.total, 2);
    } finally {
      await remove();
    }
  });

  test('without an export path, reports go to ./newman like Newman', async () => {
    const { dir, remove } = await tempDir();
    try {
      const r = await runCli(['run', PASSING, '-e', ENVIRONMENT, ...baseUrl, '-r', 'json,junit'], {
        cwd: dir,
      });
      assert.equal(r.code, 0, r.stderr);
      const files = (await readdir(path.join(dir, 'newman'))).sort();
      assert.equal(files.length, 2);
      assert.match(files[0] ?? '', /^newman-run-report-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-\d{3}-0\.json$/);
      assert.match(files[1] ?? '', /^newman-run-report-.*-0\.xml$/);
    } finally {
      await remove();
    }
  });

  test('--no-insecure-file-read keeps body files inside --working-dir; --verbose prints script logs', async () => {
    const { dir, remove } = await tempDir();
    try {
      const work = path.join(dir, 'work');
      await mkdir(work);
      await writeFile(path.join(dir, 'outside.txt'), 'secret file');
      const file = path.join(dir, 'upload.postman_collection.json');
      await writeFile(
        file,
        JSON.stringify({
          info: {
            name: 'Upload',
            schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
          },
          item: [
            {
              name: 'up',
              request: {
                method: 'POST',
                url: '{{baseUrl}}/anything',
                body: { mode: 'formdata', formdata: [{ key: 'f', type: 'file', src: '../outside.txt' }] },
              },
              event: [
                { listen: 'test', script: { exec: ["console.log('files', pm.response.json().files);"] } },
              ],
            },
          ],
        }),
      );
      const allowed = await runCli(['run', file, ...baseUrl, '--working-dir', work, '--verbose', '--silent']);
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.equal(
        allowed.stderr,
        '[console.log] up: files [{"field":"f","filename":"outside.txt","contentType":"text/plain","size":11}]\n',
      );
      const refused = await runCli([
        'run',
        file,
        ...baseUrl,
        '--working-dir',
        work,
        '--no-insecure-file-read',
      ]);
      assert.equal(refused.code, 1);
      assert.match(
        refused.stdout,
        /error FILE_NOT_FOUND: cannot read .*outside\.txt: it is outside the working directory/,
      );
    } finally {
      await remove();
    }
  });

  test('an invalid collection exits 2 naming the path and line of each problem', async () => {
    const r = await runCli(['run', corpus('cli', 'invalid.postman_collection.json')]);
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split('\n');
    assert.match(
      lines[0] ?? '',
      /invalid\.postman_collection\.json:12:34 {2}item\[0\]\.item\[0\]\.request\.method {2}expected an HTTP method such as "GET", got the number 42 \(in "Folder \/ Bad method"\)$/,
    );
    assert.match(
      lines[1] ?? '',
      /:14:9 {2}item\[0\]\.item\[1\] {2}expected a request \(an item\) or a list of items/,
    );
    assert.match(lines[2] ?? '', /item\[1\]\.request\.body\.mode {2}unknown body mode "binary"/);
    assert.match(r.stderr, /invalid collection; nothing was run\.\n$/);

    // Written here: a file with a syntax error cannot live in the repository (the formatter rejects it).
    const { dir, remove } = await tempDir();
    try {
      const file = path.join(dir, 'broken.postman_collection.json');
      const schema = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';
      await writeFile(
        file,
        `{\n  "info": { "name": "Broken", "schema": "${schema}" },\n  "item": [\n    { "name": "x", "request": "http://example.test", }\n  ]\n}\n`,
      );
      const broken = await runCli(['run', file]);
      assert.equal(broken.code, 2);
      assert.match(
        broken.stderr,
        /broken\.postman_collection\.json:4:52 {2}JSON syntax error: trailing comma/,
      );
    } finally {
      await remove();
    }
  });

  test('usage mistakes exit 2 with one line', async () => {
    const cases: [string[], RegExp][] = [
      [['run', PASSING, '--folder', 'Nope'], /--folder: no folder or request named "Nope" in the collection/],
      [['run', PASSING, '-n', '0'], /--iteration-count '0': expected a whole number of at least 1/],
      [
        ['run', PASSING, '-r', 'html'],
        /unknown reporter 'html' for a collection run \(one of: cli, json, junit\)/,
      ],
      [['run', PASSING, '-e', corpus('data.csv')], /--environment: .*data\.csv:1:1 {2}JSON syntax error/],
      [
        ['run', PASSING, '-d', corpus('cli', 'missing.csv')],
        /--iteration-data: iteration data .*missing\.csv: no such file/,
      ],
      [['run', PASSING, USERS], /one collection per run, as with newman run \(got 2\)/],
      [
        ['run', PASSING, '--out', 'x.json'],
        /--out is for suites; with a collection use --reporter-json-export/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  test('suites keep their own options: Newman options are refused, mixing is refused', async () => {
    const suite = path.join(CORPUS_DIR, '..', 'cli', 'suites', 'passing.yaml');
    const withFolder = await runCli(['run', suite, '--folder', 'x']);
    assert.equal(withFolder.code, 2);
    assert.match(withFolder.stderr, /--folder applies to Postman collections only/);
    const mixed = await runCli(['run', PASSING, suite]);
    assert.equal(mixed.code, 2);
    assert.match(
      mixed.stderr,
      /passing\.yaml is not a Postman collection: run collections and suites in separate invocations/,
    );
  });
});
