/**
 * Writes schema/suite-v1.json from the zod schema of the suite format.
 * `node scripts/generate-schema.ts --check` only compares, and exits 1 when the file is stale (for CI).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderSuiteJsonSchema } from '../src/core/suite/json-schema.ts';

const target = join(import.meta.dirname, '..', 'schema', 'suite-v1.json');
const text = renderSuiteJsonSchema();

if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== text) {
    console.error(`${target} is out of date: run npm run schema`);
    process.exitCode = 1;
  }
} else {
  await writeFile(target, text);
  console.log(`wrote ${target}`);
}
