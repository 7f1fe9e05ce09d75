import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadIterations, SuiteDataError } from './data-file.ts';
import type { Suite } from './schema.ts';

const fixtures = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'suites', 'valid');

function suiteWith(iterations?: Suite['iterations']): Suite {
  const suite: Suite = {
    version: 1,
    name: 'x',
    steps: [{ name: 'a', request: { method: 'GET', url: 'u' } }],
  };
  if (iterations !== undefined) suite.iterations = iterations;
  return suite;
}

describe('loadIterations', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assay-data-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function rejection(name: string, text: string): Promise<string> {
    await writeFile(join(dir, name), text);
    try {
      await loadIterations(suiteWith({ file: name }), dir);
    } catch (error) {
      assert.ok(error instanceof SuiteDataError);
      assert.equal(error.file, name);
      return error.message;
    }
    assert.fail(`${name} should be rejected`);
  }

  it('one empty row when the suite has no iterations', async () => {
    assert.deepEqual(await loadIterations(suiteWith(), dir), [{}]);
  });

  it('inline rows as they are, copied', async () => {
    const rows = [{ a: 1, b: { c: true } }, { a: 2 }];
    const loaded = await loadIterations(suiteWith(rows), dir);
    assert.deepEqual(loaded, rows);
    assert.notEqual(loaded[0], rows[0]);
  });

  it('a CSV file relative to the suite: header row, values kept as strings, quotes honoured', async () => {
    assert.deepEqual(await loadIterations(suiteWith({ file: 'users.csv' }), fixtures), [
      { name: 'Ada', age: '36' },
      { name: 'Lovelace, Ada', age: '37' },
    ]);
  });

  it('CSV with a byte order mark, CRLF and blank lines', async () => {
    await writeFile(join(dir, 'crlf.csv'), '\ufeffa,b\r\n1,\r\n\r\n3,4\r\n');
    assert.deepEqual(await loadIterations(suiteWith({ file: 'crlf.csv' }), dir), [
      { a: '1', b: '' },
      { a: '3', b: '4' },
    ]);
  });

  it('CSV errors name the file and the line', async () => {
    assert.equal(
      await rejection('width.csv', 'a,b\n1,2\n3,4,5\n'),
      'data file width.csv, line 3: expected 2 values (a, b), got 3',
    );
    assert.equal(
      await rejection('quote.csv', 'a,b\n"1,2\n'),
      'data file quote.csv, line 2: a quoted value is never closed; add the closing "',
    );
    assert.equal(
      await rejection('closing.csv', 'a,b\n"1"x,2\n'),
      'data file closing.csv, line 2: unexpected text after a closing quote; quote the whole value and double any " inside it',
    );
    assert.equal(
      await rejection('dup.csv', 'a,a\n1,2\n'),
      'data file dup.csv, line 1, column 2: column "a" appears twice in the header',
    );
    assert.equal(
      await rejection('blank.csv', 'a,,c\n1,2,3\n'),
      'data file blank.csv, line 1, column 2: the header has an empty column name',
    );
    assert.equal(
      await rejection('env.csv', 'env\n1\n'),
      'data file env.csv, line 1, column 1: column "env" would hide {{ env.* }}; rename it',
    );
    assert.equal(
      await rejection('header-only.csv', 'a,b\n'),
      'data file header-only.csv has a header but no rows: add one row per iteration',
    );
    assert.equal(
      await rejection('empty.csv', ''),
      'data file empty.csv is empty: expected a header row, then one row per iteration',
    );
  });

  it('a JSON file: an array of objects', async () => {
    await writeFile(join(dir, 'rows.json'), '[{"a": 1, "b": [true]}, {"a": 2}]');
    assert.deepEqual(await loadIterations(suiteWith({ file: 'rows.json' }), dir), [
      { a: 1, b: [true] },
      { a: 2 },
    ]);
  });

  it('JSON errors name the file, the row and what is wrong', async () => {
    assert.match(
      await rejection('syntax.json', '[{"a": 1},]'),
      /^data file syntax\.json is not valid JSON: /,
    );
    assert.equal(
      await rejection('object.json', '{"a": 1}'),
      'data file object.json: expected an array of objects (one per iteration), got an object',
    );
    assert.equal(
      await rejection('none.json', '[]'),
      'data file none.json is an empty array: add one object per iteration',
    );
    assert.equal(
      await rejection('row.json', '[{"a": 1}, 5]'),
      'data file row.json, row 2 (index 1): expected an object of variables, got a number (5)',
    );
    assert.equal(
      await rejection('secrets.json', '[{"secrets": 1}]'),
      'data file secrets.json, row 1 (index 0): key "secrets" would hide {{ secrets.* }}; rename it',
    );
  });

  it('other file types and unreadable files', async () => {
    assert.equal(
      await rejection('rows.txt', 'a'),
      'data file rows.txt: unsupported type ".txt"; use a .csv file with a header row or a .json file holding an array of objects',
    );
    await assert.rejects(loadIterations(suiteWith({ file: 'missing.csv' }), dir), (error: unknown) => {
      assert.ok(error instanceof SuiteDataError);
      assert.equal(
        error.message,
        `data file missing.csv cannot be read (${join(dir, 'missing.csv')}): no such file`,
      );
      return true;
    });
  });
});
