/**
 * Is this command-line argument a Postman collection? A `.json` file whose `info.schema` names a
 * collection schema (also inside a `{ "collection": … }` wrapper). A file that does not parse but says so
 * in its text still counts, so that its syntax error is reported by the collection loader rather than as
 * "not a suite".
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isCollectionDocument } from '../../core/postman/collection/load.ts';

const SCHEMA_MENTION = /"schema"\s*:\s*"[^"]*collection/;

export async function isCollectionFile(arg: string): Promise<boolean> {
  if (!(await isFile(arg))) return false;
  const text = await readFile(arg, 'utf8').catch(() => '');
  try {
    return isCollectionDocument(JSON.parse(text.replace(/^\uFEFF/, '')));
  } catch {
    return SCHEMA_MENTION.test(text.slice(0, 64 * 1024));
  }
}

/** Directories and files other than `.json` are never collections. */
async function isFile(arg: string): Promise<boolean> {
  if (path.extname(arg).toLowerCase() !== '.json') return false;
  const info = await stat(arg).catch(() => undefined);
  return info?.isFile() === true;
}
