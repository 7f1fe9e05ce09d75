/** `assay run --egress-guard` end to end: the real binary against loopback canaries (loopback literals only). */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { runCli, tempDir } from '../fixtures/cli/run-cli.ts';
import { type Canaries, startCanaries } from './ssrf-canary.ts';

let canaries: Canaries;
let dir: string;
let remove: () => Promise<void>;
let suiteFile: string;

before(async () => {
  canaries = await startCanaries();
  ({ dir, remove } = await tempDir());
  suiteFile = path.join(dir, 'local.yaml');
  await writeFile(
    suiteFile,
    [
      'version: 1',
      'name: Local',
      'steps:',
      '  - name: loopback',
      `    request: { url: "http://127.0.0.1:${canaries.port}/" }`,
      '    expect: { status: 200 }',
      '  - name: mapped',
      `    request: { url: "http://[::ffff:127.0.0.2]:${canaries.port}/" }`,
      '    expect: { status: 200 }',
      '',
    ].join('\n'),
  );
});
afterEach(() => canaries.reset());
after(async () => {
  await canaries.close();
  await remove();
});

interface Report {
  steps: { step: string; status: string; error?: { code: string; message: string } }[];
}

async function run(...flags: string[]): Promise<{ code: number | null; report: Report; stderr: string }> {
  const r = await runCli(['run', suiteFile, '--reporter', 'json', ...flags], { cwd: dir });
  return {
    code: r.code,
    report: r.stdout ? (JSON.parse(r.stdout) as Report) : { steps: [] },
    stderr: r.stderr,
  };
}

describe('assay run --egress-guard', () => {
  test('off by default: a local run reaches loopback', async () => {
    const r = await run();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(canaries.connections, { '127.0.0.1': 1, '127.0.0.2': 1, '::1': 0 });
  });

  test('on: loopback is refused before connecting, with the flag named in the message', async () => {
    const r = await run('--egress-guard');
    assert.equal(r.code, 1);
    assert.deepEqual(
      r.report.steps.map((s) => [s.step, s.status, s.error?.code]),
      [
        ['loopback', 'errored', 'EGRESS_DENIED'],
        ['mapped', 'errored', 'EGRESS_DENIED'],
      ],
    );
    assert.match(
      r.report.steps[0]?.error?.message ?? '',
      /^refused to connect to 127\.0\.0\.1 \(loopback address\) — .*--egress-guard on: allow a range with --egress-allow/,
    );
    assert.equal(canaries.total(), 0);
  });

  test('--egress-allow opens exactly the named range', async () => {
    const r = await run('--egress-allow', '127.0.0.1/32');
    assert.equal(r.code, 1);
    assert.deepEqual(
      r.report.steps.map((s) => s.status),
      ['passed', 'errored'],
    );
    assert.deepEqual(canaries.connections, { '127.0.0.1': 1, '127.0.0.2': 0, '::1': 0 });
  });

  test('a malformed range is a usage error (exit 2) before anything runs', async () => {
    const r = await run('--egress-guard', '--egress-allow', '127.0.0.1/33');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--egress-allow: "127\.0\.0\.1\/33" has an invalid prefix length/);
    assert.equal(canaries.total(), 0);
  });
});
