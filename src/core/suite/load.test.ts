import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatSuiteError, loadSuiteFile } from './load.ts';

describe('loadSuiteFile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assay-suite-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a valid file and names it', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, 'version: 1\nname: ok\nsteps:\n  - name: a\n    request: { url: u }\n');
    const result = await loadSuiteFile(file);
    assert.equal(result.ok, true);
    if (result.ok) {
      assert.equal(result.file, file);
      assert.equal(result.suite.name, 'ok');
    }
  });

  it('reads .json files as JSON', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, '{"version": 1,}');
    const result = await loadSuiteFile(file);
    assert.deepEqual(result, {
      ok: false,
      errors: [
        {
          file,
          line: 1,
          column: 14,
          path: '',
          message: 'JSON syntax error: trailing comma before "}": remove the comma',
        },
      ],
    });
  });

  it('a missing file or a directory is one error at line 0', async () => {
    const missing = join(dir, 'nope.yaml');
    assert.deepEqual(await loadSuiteFile(missing), {
      ok: false,
      errors: [
        { file: missing, line: 0, column: 0, path: '', message: 'cannot read the suite: no such file' },
      ],
    });
    const result = await loadSuiteFile(dir);
    assert.equal(
      result.ok ? '' : result.errors[0]?.message,
      'cannot read the suite: it is a directory, not a file',
    );
  });
});

describe('formatSuiteError', () => {
  it('file:line:column  path  message (did you mean …?)', () => {
    assert.equal(
      formatSuiteError({
        file: 'api/users.yaml',
        line: 12,
        column: 5,
        path: 'steps[0].expct',
        message: 'unknown key "expct"',
        suggestion: 'expect',
      }),
      'api/users.yaml:12:5  steps[0].expct  unknown key "expct" (did you mean "expect"?)',
    );
  });

  it('leaves out what is not there: the path of the document, the position of an unreadable file', () => {
    assert.equal(
      formatSuiteError({ file: 'a.yaml', line: 1, column: 1, path: '', message: 'the file is empty' }),
      'a.yaml:1:1  the file is empty',
    );
    assert.equal(
      formatSuiteError({
        file: 'a.yaml',
        line: 0,
        column: 0,
        path: '',
        message: 'cannot read the suite: no such file',
      }),
      'a.yaml  cannot read the suite: no such file',
    );
  });
});
