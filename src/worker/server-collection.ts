/**
 * A server-side run of a Postman suite: the collection is read again from the stored source of the run's
 * exact version, and checked for what a server must not do — like native suites, a collection whose
 * requests send local files (form-data file fields, `file` bodies) is refused, since the server has no
 * working directory to read them from. The Assay environment becomes the Postman environment: its
 * variables as they are, its secrets as `secret` values (masked in every result), the run's own
 * variables over both. Each request has the time limit of a native step (Newman's default is none, which
 * on a server would let one hanging request hold a run slot until the run's own limit).
 */
import { parseCollection } from '../core/postman/collection/load.ts';
import type {
  Collection,
  CollectionNode,
  VariableDefinition,
  VariableFile,
} from '../core/postman/collection/types.ts';
import type { RunCollectionOptions } from '../core/postman/run/run-collection.ts';
import { REQUEST_DEFAULTS } from '../core/runner/build-request.ts';
import type { SuiteVersion } from '../ports/suite-store.ts';

export type ServerCollection =
  | { ok: true; kind: 'collection'; collection: Collection }
  | { ok: false; code: string; message: string };

export function prepareServerCollection(version: SuiteVersion): ServerCollection {
  const parsed = parseCollection(version.source, { file: 'collection.json' });
  if (!parsed.ok) {
    const first = parsed.errors[0];
    const where = first ? ` (line ${first.line}, column ${first.column}: ${first.message})` : '';
    return {
      ok: false,
      code: 'SUITE_INVALID',
      message: `the suite version ${version.version} no longer validates${where}`,
    };
  }
  const files = localFiles(parsed.collection.items, []);
  if (files.length > 0) {
    return {
      ok: false,
      code: 'FILE_ACCESS_DENIED',
      message: `server-side runs cannot read local files (${files.slice(0, 3).join(', ')}); send the content inline instead`,
    };
  }
  return { ok: true, kind: 'collection', collection: parsed.collection };
}

/** The parts of `runCollection`'s options that make a collection run a server-side one. */
export function serverCollectionInputs(
  collection: Collection,
  environment: { variables: Record<string, unknown>; secrets: Record<string, string> },
  runVariables: Record<string, unknown>,
  noFilesDir: string,
): Pick<
  RunCollectionOptions,
  'collection' | 'environment' | 'workingDir' | 'restrictFiles' | 'timeoutRequestMs'
> {
  const values = new Map<string, VariableDefinition>();
  for (const [key, value] of Object.entries(environment.variables)) values.set(key, { key, value });
  for (const [key, value] of Object.entries(environment.secrets))
    values.set(key, { key, value, secret: true });
  for (const [key, value] of Object.entries(runVariables)) values.set(key, { key, value });
  const postmanEnvironment: VariableFile = { id: undefined, name: undefined, values: [...values.values()] };
  return {
    collection,
    environment: postmanEnvironment,
    // `pm.sendRequest` can still build a file body in a script: it resolves into a folder that does
    // not exist, and nothing outside it may be read.
    workingDir: noFilesDir,
    restrictFiles: true,
    timeoutRequestMs: REQUEST_DEFAULTS.timeoutMs,
  };
}

/** `Folder / Request: path` of every file an enabled body would read. */
function localFiles(nodes: readonly CollectionNode[], folders: readonly string[]): string[] {
  const files: string[] = [];
  for (const node of nodes) {
    if (node.kind === 'folder') {
      files.push(...localFiles(node.items, [...folders, node.name]));
      continue;
    }
    const body = node.request.body;
    if (!body || body.disabled) continue;
    const where = [...folders, node.name].join(' / ');
    if (body.mode === 'file' && body.file?.content === undefined && body.file?.src) {
      files.push(`${where}: ${body.file.src}`);
    }
    if (body.mode === 'formdata') {
      for (const field of body.formdata ?? []) {
        if (field.disabled || field.type !== 'file') continue;
        for (const src of [field.src ?? []].flat()) if (src) files.push(`${where}: ${src}`);
      }
    }
  }
  return files;
}
