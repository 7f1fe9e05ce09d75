/** `assay validate`: every error with its position, a line per valid file, exit 0 or 2. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../fixtures/cli/run-cli.ts';

describe('assay validate', () => {
  test('valid files: one line each with the step count, exit 0', async () => {
    const r = await runCli(['validate', 'suites/passing.yaml', 'scan']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      '✓ suites/passing.yaml — 3 steps\n✓ scan/a.yaml — 1 step\n✓ scan/nested/b.json — 1 step\n',
    );
    assert.equal(r.stderr, '');
  });

  test('invalid files: every error of every file, exit 2', async () => {
    const r = await runCli(['validate', 'suites/passing.yaml', 'invalid']);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /✓ suites\/passing\.yaml — 3 steps/);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('invalid/'));
    assert.ok(lines.length >= 3, r.stderr);
    assert.ok(
      lines.some((l) => /^invalid\/no-steps\.json:\d+:\d+ {2}steps {2}missing required key "steps"/.test(l)),
    );
    assert.ok(
      lines.some((l) => /^invalid\/two-errors\.yaml:5:5 {2}steps\[0\]\.requst {2}unknown key/.test(l)),
    );
    assert.ok(lines.some((l) => /^invalid\/two-errors\.yaml:11:15 {2}steps\[1\]\.expect\.status/.test(l)));
    assert.match(r.stderr, /2 of 3 suite file\(s\) invalid/);
  });

  test('a file that is not a suite, named explicitly, is invalid', async () => {
    const r = await runCli(['validate', 'scan/package.json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^scan\/package\.json/m);
  });
});
