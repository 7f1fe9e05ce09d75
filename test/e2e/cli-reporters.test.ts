/** Reporter output of the real binary: JSON and JUnit documents, several reporters at once. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, tempDir } from '../fixtures/cli/run-cli.ts';
import { childrenNamed, parseXml } from '../fixtures/cli/xml.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';

let target: TargetServer;
before(async () => {
  target = await startTargetServer();
});
after(() => target.close());

const SUITES = ['suites/passing.yaml', 'suites/failing.yaml', 'suites/iterations.yaml'];

describe('assay run reporters', () => {
  test('json on stdout: the result model as one document', async () => {
    const r = await runCli(['run', ...SUITES, '--var', `baseUrl=${target.url}`, '--reporter', 'json']);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.version, 1);
    assert.equal(doc.status, 'failed');
    assert.ok(!Number.isNaN(Date.parse(doc.startedAt)));
    assert.equal(typeof doc.durationMs, 'number');
    assert.equal(doc.summaries.length, 3);
    assert.equal(doc.steps.length, 7);
    const failed = doc.steps.find((s: { step: string }) => s.step === 'expects 200 from a 404');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.response.status, 404);
    assert.deepEqual(
      failed.assertions.map((a: { passed: boolean }) => a.passed),
      [false, false],
    );
    const iterations = doc.summaries.find((s: { suite: string }) => s.suite === 'Iterations');
    assert.equal(iterations.iterations, 2);
    assert.equal(iterations.counts.failed, 1);
  });

  test('pretty on stdout, junit and json to files, all from one run', async () => {
    const { dir, remove } = await tempDir();
    try {
      const junit = path.join(dir, 'junit.xml');
      const json = path.join(dir, 'nested', 'report.json');
      const r = await runCli([
        'run',
        ...SUITES,
        '--var',
        `baseUrl=${target.url}`,
        '--reporter',
        'pretty',
        '--reporter',
        'junit',
        '--out',
        junit,
        '-r',
        'json',
        '-o',
        json,
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /✗ FAILED/);

      const root = parseXml(await readFile(junit, 'utf8'));
      assert.equal(root.name, 'testsuites');
      const suites = childrenNamed(root, 'testsuite');
      assert.deepEqual(suites.map((s) => s.attributes.name).sort(), ['Failing', 'Iterations', 'Passing']);
      const byName = new Map(suites.map((s) => [s.attributes.name, s]));
      const failing = byName.get('Failing')!;
      assert.equal(failing.attributes.tests, '2');
      assert.equal(failing.attributes.failures, '1');
      assert.equal(failing.attributes.errors, '0');
      assert.equal(failing.attributes.skipped, '0');
      assert.match(failing.attributes.time ?? '', /^\d+\.\d{3}$/);
      assert.match(failing.attributes.timestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      const [first] = childrenNamed(failing, 'testcase');
      assert.equal(first?.attributes.name, 'expects 200 from a 404');
      assert.equal(first?.attributes.classname, 'Failing');
      const failure = childrenNamed(first!, 'failure')[0]!;
      assert.equal(failure.attributes.type, 'assertion');
      assert.match(failure.attributes.message ?? '', /expected status 200, got 404/);
      assert.match(failure.text, /expected: 200\n\s+actual: {3}404/);
      const iterations = childrenNamed(byName.get('Iterations')!, 'testcase').map((c) => c.attributes.name);
      assert.deepEqual(iterations, ['status by row [iteration 1]', 'status by row [iteration 2]']);
      assert.equal(byName.get('Passing')!.attributes.failures, '0');

      const doc = JSON.parse(await readFile(json, 'utf8'));
      assert.equal(doc.steps.length, 7);
    } finally {
      await remove();
    }
  });

  test('an unwritable --out path is reported before anything runs', async () => {
    const before = target.requests;
    const r = await runCli([
      'run',
      'suites/passing.yaml',
      '--var',
      `baseUrl=${target.url}`,
      '-r',
      'json',
      '-o',
      'suites/passing.yaml/x.json',
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--out suites\/passing\.yaml\/x\.json: cannot write/);
    assert.equal(target.requests, before);
  });
});
