import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ERRORS = fileURLToPath(new URL('./errors.ts', import.meta.url));

function report(error: string, env: Record<string, string> = {}): { stderr: string; stdout: string } {
  const script = `const { reportError } = await import(${JSON.stringify(ERRORS)}); const { UsageError } = await import(${JSON.stringify(ERRORS.replace('errors.ts', 'command.ts'))}); process.stdout.write(String(reportError(${error})));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, ASSAY_DEBUG: '', ...env },
  });
  return { stderr: r.stderr, stdout: r.stdout };
}

test('an unexpected error is one line and a hint, exit code 1', () => {
  const r = report(`new Error('boom\\nsecond line')`);
  assert.equal(r.stdout, '1');
  assert.equal(r.stderr, 'assay: unexpected error: boom\nrun with ASSAY_DEBUG=1 for details\n');
});

test('ASSAY_DEBUG=1 adds the stack', () => {
  const r = report(`new Error('boom')`, { ASSAY_DEBUG: '1' });
  assert.match(r.stderr, /^assay: unexpected error: boom\nError: boom\n\s+at /);
});

test('a usage error is one line with its exit code', () => {
  const r = report(`new UsageError('bad flag')`);
  assert.equal(r.stdout, '2');
  assert.equal(r.stderr, 'assay: bad flag\n');
});
