/**
 * The bookkeeping of reading a collection document: every problem is collected with the path where it
 * sits in the document (`item[2].item[0].request.url`) and the name of the request or folder around it,
 * so that one pass reports all of them.
 */
import type { DocumentPath } from '../../suite/errors.ts';

export type { DocumentPath };

export interface CollectionIssue {
  /** Location in the document, e.g. `['item', 1, 'request', 'header', 0, 'key']`. */
  path: DocumentPath;
  message: string;
  /** `Folder / Request` when the problem is inside a named item. */
  within?: string;
}

export interface Reader {
  issues: CollectionIssue[];
  /** Names of the folders and the item being read, outermost first. */
  names: string[];
}

export function createReader(): Reader {
  return { issues: [], names: [] };
}

export function report(reader: Reader, path: DocumentPath, message: string): void {
  const issue: CollectionIssue = { path, message };
  if (reader.names.length > 0) issue.within = reader.names.join(' / ');
  reader.issues.push(issue);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function join(path: DocumentPath, key: string | number): DocumentPath {
  return [...path, key];
}

/** "a string", "an array", "42" — what was found instead of what was expected. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.slice(0, 40))})`;
  return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}

/** Scalars become text the way Postman shows them; anything else is reported and read as ''. */
export function text(reader: Reader, value: unknown, path: DocumentPath): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  report(reader, path, `expected a string, got ${describe(value)}`);
  return '';
}

/** An optional array: `undefined`/`null` read as empty, anything else not an array is reported. */
export function list(reader: Reader, value: unknown, path: DocumentPath): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  report(reader, path, `expected a list, got ${describe(value)}`);
  return [];
}
