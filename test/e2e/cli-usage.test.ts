/** `assay` as a person types it: help, version, and every kind of usage mistake (exit code 2). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture, runCli } from '../fixtures/cli/run-cli.ts';

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describe('assay (usage)', () => {
  test('--help lists the commands; --version prints the version', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    for (const name of ['run', 'validate', 'init', 'demo-target'])
      assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'));
    const v = await runCli(['--version']);
    assert.equal(v.code, 0);
    assert.equal(v.stdout, `${version}\n`);
  });

  test('<command> --help and help <command> show the command help', async () => {
    const a = await runCli(['run', '--help']);
    assert.equal(a.code, 0);
    assert.match(a.stdout, /^Usage: assay run/);
    assert.match(a.stdout, /--env-file PATH/);
    const b = await runCli(['help', 'validate']);
    assert.equal(b.code, 0);
    assert.match(b.stdout, /^Usage: assay validate/);
  });

  test('no command prints the help and exits 2', async () => {
    const r = await runCli([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: assay <command>/);
  });

  const mistakes: [string, string[], RegExp][] = [
    ['unknown command', ['rnu'], /unknown command 'rnu' \(did you mean run\?/],
    ['unknown global option', ['--frobnicate'], /unknown option '--frobnicate'/],
    ['unknown command option', ['run', 'x.yaml', '--frobnicate'], /unknown option '--frobnicate'/],
    [
      '--env is not --env-file',
      ['run', 'x.yaml', '--env', 'a'],
      /unknown option '--env' \(did you mean --env-file\?/,
    ],
    ['a missing option value', ['run', 'x.yaml', '--var'], /--var/],
    ['no suites', ['run'], /no suites given/],
    ['a missing path', ['run', 'nope/missing.yaml'], /nope\/missing\.yaml: no such file or directory/],
    ['a glob matching nothing', ['run', 'nope/*.yaml'], /no suite files match/],
    ['a directory with no suites', ['run', 'env'], /env: no suite files found/],
    ['a file that is not a suite', ['run', 'env/vars.env'], /not a suite file/],
    [
      '--var without =',
      ['run', 'suites/passing.yaml', '--var', 'baseUrl'],
      /--var 'baseUrl': expected NAME=VALUE/,
    ],
    [
      '--secret without a name',
      ['run', 'suites/passing.yaml', '--secret', '=x'],
      /--secret '=x': expected NAME=VALUE/,
    ],
    ['a bad --concurrency', ['run', 'suites/passing.yaml', '--concurrency', '0'], /--concurrency '0'/],
    ['a bad --timeout', ['run', 'suites/passing.yaml', '--timeout', 'soon'], /--timeout 'soon'/],
    ['an unknown reporter', ['run', 'suites/passing.yaml', '--reporter', 'tap'], /unknown reporter 'tap'/],
    ['--out before any --reporter', ['run', 'suites/passing.yaml', '--out', 'r.json'], /--out must follow/],
    [
      'two reporters on stdout',
      ['run', 'suites/passing.yaml', '--reporter', 'json', '--reporter', 'junit'],
      /only one reporter may write to stdout/,
    ],
    [
      'two reporters on one file',
      ['run', 'suites/passing.yaml', '-r', 'json', '-o', 'x/r', '-r', 'junit', '-o', 'x/r'],
      /same --out path/,
    ],
    [
      'a malformed env file',
      ['run', 'suites/passing.yaml', '--env-file', 'env/broken.env'],
      /broken\.env:1: expected NAME=VALUE/,
    ],
    [
      'an unreadable secrets file',
      ['run', 'suites/passing.yaml', '--secrets-file', 'env/none'],
      /--secrets-file env\/none: cannot read/,
    ],
    ['validate with nothing', ['validate'], /no suites given/],
    ['demo-target with a bad port', ['demo-target', '--port', 'high'], /--port 'high'/],
  ];
  for (const [name, args, message] of mistakes) {
    test(`exit 2 and one line for ${name}`, async () => {
      const r = await runCli(args, { cwd: fixture() });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(r.stdout, '');
    });
  }
});
