/**
 * The sample corpus under test/fixtures/suites:
 * - valid/     accepted by the parser and by the published JSON Schema;
 * - invalid/   rejected by both (what a schema can say);
 * - semantic/  accepted by the JSON Schema, rejected by the parser (JSONPath, regex, templates, names);
 * - syntax/    not a document at all (or one the parser refuses to read: duplicate keys, several documents).
 * Each rejected sample has a `.errors` file holding the expected report; UPDATE_SUITE_FIXTURES=1 rewrites
 * them (then review the diff).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { formatSuiteError } from './errors.ts';
import { parseSuite } from './parse.ts';

const root = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'suites');
const schema = JSON.parse(readFileSync(join(root, '..', '..', '..', 'schema', 'suite-v1.json'), 'utf8'));
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
const update = process.env.UPDATE_SUITE_FIXTURES === '1';

function samples(folder: string): { name: string; text: string }[] {
  return readdirSync(join(root, folder))
    .filter((name) => /\.(ya?ml|json)$/.test(name))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(root, folder, name), 'utf8') }));
}

/** The document as plain data, the way any JSON Schema tool would read it. */
function asData(name: string, text: string): unknown {
  return name.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
}

function checkReport(folder: string, name: string, text: string): void {
  const result = parseSuite(text, { file: name });
  assert.equal(result.ok, false, `${folder}/${name} should be rejected`);
  if (result.ok) return;
  for (const e of result.errors) {
    assert.ok(e.line >= 1 && e.column >= 1, `${name}: every error has a position`);
  }
  const report = `${result.errors.map(formatSuiteError).join('\n')}\n`;
  const expectedFile = join(root, folder, `${name}.errors`);
  if (update) writeFileSync(expectedFile, report);
  assert.equal(report, readFileSync(expectedFile, 'utf8'), `${folder}/${name}: the report changed`);
}

describe('suite corpus', () => {
  for (const { name, text } of samples('valid')) {
    it(`valid/${name}: the parser and the JSON Schema accept it`, () => {
      const result = parseSuite(text, { file: name });
      assert.deepEqual(result.ok ? [] : result.errors.map(formatSuiteError), []);
      assert.equal(validate(asData(name, text)), true, JSON.stringify(validate.errors));
    });
  }

  for (const { name, text } of samples('invalid')) {
    it(`invalid/${name}: the parser and the JSON Schema reject it`, () => {
      checkReport('invalid', name, text);
      assert.equal(validate(asData(name, text)), false);
    });
  }

  for (const { name, text } of samples('semantic')) {
    it(`semantic/${name}: beyond the JSON Schema, the parser rejects it`, () => {
      checkReport('semantic', name, text);
      assert.equal(validate(asData(name, text)), true, JSON.stringify(validate.errors));
    });
  }

  for (const { name, text } of samples('syntax')) {
    it(`syntax/${name}: rejected before validation`, () => checkReport('syntax', name, text));
  }
});
