/**
 * Loading Postman files: collections (v2.0 and v2.1, also wrapped as `{ "collection": {…} }`), and
 * environment or globals exports. Every problem is reported with the file, line, column and the path in
 * the document, in the same form as suite errors, so the CLI prints both the same way.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SuiteError } from '../../suite/errors.ts';
import { formatPath, formatSuiteError, sortErrors } from '../../suite/errors.ts';
import { checkJsonSyntax } from '../../suite/json-syntax.ts';
import { readAuth } from './read-auth.ts';
import { readItems, readProfile, readScripts, readVariables } from './read-tree.ts';
import { type CollectionIssue, createReader, describe, isRecord } from './reader.ts';
import type { Collection, SchemaVersion, VariableFile } from './types.ts';

export type CollectionError = SuiteError;
export const formatCollectionError: (error: CollectionError) => string = formatSuiteError;

export type LoadCollectionResult =
  | { ok: true; collection: Collection }
  | { ok: false; errors: CollectionError[] };

/** The collection inside a document: the document itself, or its `collection` member when wrapped. */
export function unwrapCollection(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value)) return undefined;
  if (isRecord(value.info)) return value;
  if (isRecord(value.collection) && isRecord(value.collection.info)) return value.collection;
  return undefined;
}

/** A document is a collection when its `info.schema` names a Postman collection schema. */
export function isCollectionDocument(value: unknown): boolean {
  const inner = unwrapCollection(value);
  const schema = inner && isRecord(inner.info) ? inner.info.schema : undefined;
  return typeof schema === 'string' && schema.includes('collection');
}

export async function loadCollectionFile(file: string): Promise<LoadCollectionResult> {
  const text = await readText(file, 'collection');
  if (typeof text !== 'string') return { ok: false, errors: [text] };
  return parseCollection(text, { file });
}

export function parseCollection(text: string, options: { file: string }): LoadCollectionResult {
  const parsed = parseJson(text, options.file);
  if (!parsed.ok) return { ok: false, errors: [parsed.error] };
  const wrapped = isRecord(parsed.value) && !isRecord(parsed.value.info) && isRecord(parsed.value.collection);
  const prefix = wrapped ? ['collection'] : [];
  const document = unwrapCollection(parsed.value);
  if (!document) {
    return fail(text, options.file, [
      { path: [], message: 'not a Postman collection: expected an object with info and item' },
    ]);
  }
  const reader = createReader();
  const info = document.info as Record<string, unknown>;
  const schemaVersion = versionOf(info.schema);
  if (typeof schemaVersion !== 'string') {
    reader.issues.push({ path: ['info', 'schema'], message: schemaVersion.message });
  }
  if (typeof info.name !== 'string') {
    reader.issues.push({
      path: ['info', 'name'],
      message: `expected the collection name, got ${describe(info.name)}`,
    });
  }
  if (document.item === undefined) {
    reader.issues.push({
      path: ['item'],
      message: 'a collection needs an item list (its requests and folders)',
    });
  }
  const collection: Collection = {
    id: typeof info._postman_id === 'string' && info._postman_id !== '' ? info._postman_id : randomUUID(),
    name: typeof info.name === 'string' ? info.name : '',
    schemaVersion: typeof schemaVersion === 'string' ? schemaVersion : '2.1.0',
    variables: readVariables(reader, document.variable, ['variable']),
    scripts: readScripts(reader, document.event, ['event']),
    auth: readAuth(reader, document.auth, ['auth']),
    profile: readProfile(reader, document.protocolProfileBehavior, ['protocolProfileBehavior']),
    items: document.item === undefined ? [] : readItems(reader, document.item, ['item']),
    document,
  };
  if (reader.issues.length > 0) {
    const issues = reader.issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] }));
    return fail(text, options.file, issues);
  }
  return { ok: true, collection };
}

function versionOf(schema: unknown): SchemaVersion | { message: string } {
  if (typeof schema !== 'string') {
    return { message: `expected the collection schema URL (v2.0.0 or v2.1.0), got ${describe(schema)}` };
  }
  if (schema.includes('v2.1')) return '2.1.0';
  if (schema.includes('v2.0')) return '2.0.0';
  if (schema.includes('v1')) {
    return {
      message: 'Postman collection v1 is not supported: export the collection again as v2.1 from Postman',
    };
  }
  return { message: `unknown collection schema ${JSON.stringify(schema)}: expected v2.0.0 or v2.1.0` };
}

/** `-e` and `-g` files: Postman's export `{ values: [{ key, value, enabled }] }`. */
export async function loadVariableFile(file: string, kind: 'environment' | 'globals'): Promise<VariableFile> {
  const text = await readText(file, kind);
  if (typeof text !== 'string') throw new VariableFileError([text]);
  return parseVariableFile(text, { file, kind });
}

/** The text of an environment or globals export (the server imports one sent over HTTP). */
export function parseVariableFile(
  text: string,
  options: { file: string; kind: 'environment' | 'globals' },
): VariableFile {
  const { file, kind } = options;
  const parsed = parseJson(text, file);
  if (!parsed.ok) throw new VariableFileError([parsed.error]);
  const value = parsed.value;
  if (!isRecord(value) || !Array.isArray(value.values)) {
    throw new VariableFileError(
      locate(text, file, [
        {
          path: isRecord(value) ? ['values'] : [],
          message: `not a Postman ${kind} export: expected an object with a values list ({ "values": [{ "key", "value" }] })`,
        },
      ]),
    );
  }
  const reader = createReader();
  const values = readVariables(reader, value.values, ['values']);
  if (reader.issues.length > 0) throw new VariableFileError(locate(text, file, reader.issues));
  return {
    id: typeof value.id === 'string' ? value.id : undefined,
    name: typeof value.name === 'string' ? value.name : undefined,
    values,
  };
}

export class VariableFileError extends Error {
  readonly errors: CollectionError[];
  constructor(errors: CollectionError[]) {
    super(errors.map(formatCollectionError).join('\n'));
    this.name = 'VariableFileError';
    this.errors = errors;
  }
}

async function readText(file: string, what: string): Promise<string | CollectionError> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory, not a file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : error instanceof Error
              ? error.message
              : String(error);
    return { file, line: 0, column: 0, path: '', message: `cannot read the ${what}: ${reason}` };
  }
}

function parseJson(
  text: string,
  file: string,
): { ok: true; value: unknown } | { ok: false; error: CollectionError } {
  const source = text.replace(/^\uFEFF/, '');
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch {
    const syntax = checkJsonSyntax(source);
    const { line, column } = position(source, syntax?.offset ?? 0);
    return {
      ok: false,
      error: {
        file,
        line,
        column,
        path: '',
        message: `JSON syntax error: ${syntax?.message ?? 'invalid JSON'}`,
      },
    };
  }
}

function fail(text: string, file: string, issues: CollectionIssue[]): LoadCollectionResult {
  return { ok: false, errors: locate(text, file, issues) };
}

/**
 * Positions are looked up only when there is something to report: the suite reader's locator walks the
 * whole document, which a large valid collection should not pay for.
 */
function locate(text: string, file: string, issues: readonly CollectionIssue[]): CollectionError[] {
  const source = text.replace(/^\uFEFF/, '');
  const offsets = keyOffsets(source);
  const located = issues.map((issue) => {
    let offset: number | undefined;
    for (let depth = issue.path.length; depth >= 0 && offset === undefined; depth--) {
      offset = offsets.get(JSON.stringify(issue.path.slice(0, depth)));
    }
    const { line, column } = position(source, offset ?? 0);
    const message = issue.within === undefined ? issue.message : `${issue.message} (in "${issue.within}")`;
    return { file, line, column, path: formatPath(issue.path), message };
  });
  return sortErrors(located);
}

/** Offset of every value in a JSON text, by its path. */
function keyOffsets(text: string): Map<string, number> {
  const out = new Map<string, number>();
  let i = 0;
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: (string | number)[]): void => {
    space();
    out.set(JSON.stringify(path), i);
    const c = text[i];
    if (c === '{') {
      i++;
      space();
      while (i < text.length && text[i] !== '}') {
        space();
        const key = string();
        space();
        i++; // ':'
        value([...path, key]);
        space();
        if (text[i] === ',') i++;
        space();
      }
      i++;
    } else if (c === '[') {
      i++;
      space();
      let index = 0;
      while (i < text.length && text[i] !== ']') {
        value([...path, index++]);
        space();
        if (text[i] === ',') i++;
        space();
      }
      i++;
    } else if (c === '"') {
      string();
    } else {
      while (i < text.length && !',}] \t\n\r'.includes(text[i] as string)) i++;
    }
  };
  value([]);
  return out;
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
