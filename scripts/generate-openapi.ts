/**
 * Writes docs/openapi.json from the route declarations (`npm run openapi`).
 * `node scripts/generate-openapi.ts --check` only compares, and exits 1 when the file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderOpenApi } from '../src/http/openapi.ts';
import { API_ROUTES } from '../src/http/routes/index.ts';
import { apiVersion } from '../src/http/version.ts';

const target = join(import.meta.dirname, '..', 'docs', 'openapi.json');
const text = renderOpenApi(API_ROUTES, { version: apiVersion() });

if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== text) {
    console.error(`${target} is out of date: run npm run openapi`);
    process.exitCode = 1;
  }
} else {
  await writeFile(target, text);
  console.log(`wrote ${target}`);
}
