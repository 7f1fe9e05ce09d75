/** `assay run` end to end: the real binary against the local target server. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { collect, fixture, MAIN, runCli, tempDir } from '../fixtures/cli/run-cli.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { makeSelfSignedCert } from '../support/tls-cert.ts';

let target: TargetServer;
let base: string;

before(async () => {
  target = await startTargetServer();
  base = `baseUrl=${target.url}`;
});
after(() => target.close());

interface JsonReport {
  version: number;
  status: string;
  summaries: { suite: string; status: string; error?: { code: string } }[];
  steps: { suite: string; step: string; status: string; error?: { code: string }; request?: unknown }[];
}

async function runJson(
  args: string[],
  env?: Record<string, string>,
): Promise<{ code: number | null; report: JsonReport; raw: string; stderr: string }> {
  const r = await runCli([...args, '--reporter', 'json'], env ? { env } : {});
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, raw: r.stdout, stderr: r.stderr };
}

describe('assay run', () => {
  test('a passing suite exits 0 with plain lines and a summary', async () => {
    const r = await runCli(['run', 'suites/passing.yaml', '--var', base]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, stripVTControlCharacters(r.stdout), 'no escape codes when not a terminal');
    assert.match(r.stdout, /^✓ Passing › read the document \(\d+ ms\)$/m);
    assert.match(r.stdout, /^✓ Passing › fetch it back/m);
    assert.match(
      r.stdout,
      /✓ PASSED {2}1 suite · 3 steps: 3 passed, 0 failed, 0 errored, 0 skipped · \d+ assertions/,
    );
    assert.doesNotMatch(r.stdout, /Failures/);
  });

  test('a failing step exits 1 with a failure report', async () => {
    const r = await runCli(['run', 'suites/failing.yaml', '--var', base]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^✗ Failing › expects 200 from a 404/m);
    const report = r.stdout.slice(r.stdout.indexOf('Failures'));
    assert.match(report, /1\) Failing › expects 200 from a 404 \(failed\)/);
    assert.match(report, /suites\/failing\.yaml/);
    assert.match(report, /GET http:\/\/127\.0\.0\.1:\d+\/status\/404/);
    assert.match(report, /→ 404 Not Found/);
    assert.match(report, /✗ expected status 200, got 404\n\s+expected: 200\n\s+actual: {3}404/);
    assert.match(report, /body:\n\s+\{"status":404\}/);
    assert.match(r.stdout, /✗ FAILED .* 2 steps: 1 passed, 1 failed/);
  });

  test('FORCE_COLOR colours plain output; the default stays plain', async () => {
    const r = await runCli(['run', 'suites/failing.yaml', '--var', base], { env: { FORCE_COLOR: '1' } });
    assert.notEqual(r.stdout, stripVTControlCharacters(r.stdout));
    // Still no live redraws off a terminal.
    assert.doesNotMatch(r.stdout, /\x1b\[\d+F/);
  });

  test('an invalid suite stops everything before a request: every error, exit 2', async () => {
    const before = target.requests;
    const r = await runCli(['run', 'suites/passing.yaml', 'invalid', '--var', base]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /invalid\/two-errors\.yaml:5:5 {2}steps\[0\]\.requst {2}unknown key "requst".*did you mean "request"/,
    );
    assert.match(r.stderr, /invalid\/two-errors\.yaml:11:15 {2}steps\[1\]\.expect\.status/);
    assert.match(r.stderr, /invalid\/no-steps\.json:\d+:\d+ .*steps/);
    assert.match(r.stderr, /2 invalid suite file\(s\); nothing was run/);
    assert.equal(target.requests, before);
  });

  test('a JSON file that is not a suite is an error when named, ignored in a directory', async () => {
    const named = await runCli(['run', 'scan/package.json', '--var', base]);
    assert.equal(named.code, 2);
    assert.match(named.stderr, /scan\/package\.json/);
    const { code, report } = await runJson(['run', 'scan', '--var', base]);
    assert.equal(code, 0);
    // node_modules, hidden folders, package.json and compose.yml are passed over.
    assert.deepEqual(report.summaries.map((s) => s.suite).sort(), ['Scan A', 'Scan B']);
  });

  test('globs expand, and suites sharing a name are told apart', async () => {
    const { code, report } = await runJson(['run', 'suites/same-name-*.yaml', '--var', base]);
    assert.equal(code, 0);
    assert.deepEqual(report.summaries.map((s) => s.suite).sort(), [
      'Same name',
      'Same name (suites/same-name-b.yaml)',
    ]);
  });

  test('variables, env file, secrets and the process environment reach the requests', async () => {
    const args = [
      'run',
      'suites/variables.yaml',
      '--var',
      base,
      '--var',
      'count=42',
      '--var',
      'flag=true',
      '--var',
      'nothing=null',
      '--var',
      'text=hello world',
      '--var',
      'overridden=from-var',
      '--secret',
      'token=s3cr3t-token',
      '--secrets-file',
      'env/secrets.env',
    ];
    const env = { ASSAY_E2E_VALUE: 'from-process' };
    for (const envFile of ['env/vars.env', 'env/vars.yaml']) {
      const r = await runJson([...args, '--env-file', envFile], env);
      assert.equal(r.code, 0, `${envFile}: ${r.raw}${r.stderr}`);
      // Secrets are masked in every output.
      assert.doesNotMatch(r.raw, /s3cr3t-token|file-s3cr3t/);
    }
    // Without the env file a variable is missing: the step errors, the run exits 1.
    const missing = await runJson(args, env);
    assert.equal(missing.code, 1);
    assert.equal(missing.report.steps[0]?.error?.code, 'TEMPLATE');
  });

  test('--bail skips the rest of a suite after a failure', async () => {
    const plain = await runJson(['run', 'suites/bail.yaml', '--var', base]);
    assert.deepEqual(
      plain.report.steps.map((s) => s.status),
      ['failed', 'passed'],
    );
    const bailed = await runJson(['run', 'suites/bail.yaml', '--var', base, '--bail']);
    assert.equal(bailed.code, 1);
    // The step after the failure does not run (it is reported skipped, or not at all).
    assert.deepEqual(
      bailed.report.steps.filter((s) => s.status !== 'skipped').map((s) => s.status),
      ['failed'],
    );
  });

  test('--timeout ends a suite that takes too long; exit 1', async () => {
    const { code, report } = await runJson(['run', 'suites/hang.yaml', '--var', base, '--timeout', '300']);
    assert.equal(code, 1);
    assert.equal(report.summaries[0]?.status, 'errored');
    assert.equal(report.steps[0]?.status, 'errored');
  });

  test('--concurrency: suite files run side by side, or one after the other', async () => {
    const args = ['run', 'suites/hang.yaml', 'suites/passing.yaml', '--var', base, '--timeout', '1500'];
    const serial = await runJson([...args, '--concurrency', '1']);
    assert.deepEqual(
      serial.report.steps.map((s) => s.suite),
      ['Hang', 'Passing', 'Passing', 'Passing'],
    );
    // Side by side, the quick suite finishes while the other still waits for its answer.
    const parallel = await runJson([...args, '--concurrency', '2']);
    assert.deepEqual(
      parallel.report.steps.map((s) => s.suite),
      ['Passing', 'Passing', 'Passing', 'Hang'],
    );
  });

  test('--insecure accepts a self-signed certificate', async (t) => {
    const cert = makeSelfSignedCert();
    if (!cert) {
      t.skip('openssl is not available');
      return;
    }
    const tls = await startTargetServer({ tls: cert });
    try {
      const args = ['run', 'suites/same-name-a.yaml', '--var', `baseUrl=${tls.url}`];
      const strict = await runJson(args);
      assert.equal(strict.code, 1);
      assert.equal(strict.report.steps[0]?.error?.code, 'TLS');
      const insecure = await runJson([...args, '--insecure']);
      assert.equal(insecure.code, 0);
    } finally {
      await tls.close();
    }
  });

  test('Ctrl-C stops the run, still writes valid reports, exits 130', async () => {
    const { dir, remove } = await tempDir();
    try {
      const out = path.join(dir, 'report.json');
      const child = spawn(
        process.execPath,
        [MAIN, 'run', 'suites/hang.yaml', '--var', base, '-r', 'json', '-o', out],
        {
          cwd: fixture(),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const done = collect(child);
      const before = target.requests;
      while (target.requests === before) await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill('SIGINT');
      const r = await done;
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, /Interrupted/);
      const report = JSON.parse(await readFile(out, 'utf8')) as JsonReport;
      assert.equal(report.status, 'cancelled');
    } finally {
      await remove();
    }
  });
});
