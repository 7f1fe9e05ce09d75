/**
 * The suite a server-side run executes: re-parsed from the stored source of its exact version, so the
 * engine always reads what today's parser makes of it, and checked for what a server must not do.
 * Suites on the server cannot reach the server's own files: a data file or a multipart file part is
 * refused (the CLI resolves them against the suite's folder; the server has no such folder). A Postman
 * suite is prepared by `server-collection.ts`.
 */
import { parseSuite } from '../core/suite/parse.ts';
import type { Suite } from '../core/suite/schema.ts';
import type { SuiteVersion } from '../ports/suite-store.ts';
import { prepareServerCollection, type ServerCollection } from './server-collection.ts';

export type ServerSuite =
  | { ok: true; kind: 'suite'; suite: Suite }
  | ServerCollection
  | { ok: false; code: string; message: string };

export function prepareServerSuite(version: SuiteVersion, name: string): ServerSuite {
  if (version.format === 'postman') return prepareServerCollection(version);
  const parsed = parseSuite(version.source, { file: `${name}.${version.format}`, format: version.format });
  if (!parsed.ok) {
    const first = parsed.errors[0];
    const where = first ? ` (line ${first.line}, column ${first.column}: ${first.message})` : '';
    return {
      ok: false,
      code: 'SUITE_INVALID',
      message: `the suite version ${version.version} no longer validates${where}`,
    };
  }
  const files = localFiles(parsed.suite);
  if (files.length > 0) {
    return {
      ok: false,
      code: 'FILE_ACCESS_DENIED',
      message: `server-side runs cannot read local files (${files.slice(0, 3).join(', ')}); inline the data instead`,
    };
  }
  return { ok: true, kind: 'suite', suite: parsed.suite };
}

function localFiles(suite: Suite): string[] {
  const files: string[] = [];
  const iterations = suite.iterations;
  if (iterations !== undefined && !Array.isArray(iterations)) files.push(iterations.file);
  for (const step of suite.steps) {
    const parts = step.request.multipart;
    if (!parts) continue;
    for (const part of Object.values(parts)) {
      if (part !== null && typeof part === 'object' && 'file' in part) files.push(part.file);
    }
  }
  return files;
}
