/** Reading a suite file from disk: the entry point of the command line and of any file-based import. */
import { readFile } from 'node:fs/promises';
import type { SuiteError } from './errors.ts';
import { parseSuite } from './parse.ts';
import type { Suite } from './schema.ts';

export { formatSuiteError, type SuiteError } from './errors.ts';

export type LoadResult = { ok: true; suite: Suite; file: string } | { ok: false; errors: SuiteError[] };

export async function loadSuiteFile(path: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, errors: [{ file: path, line: 0, column: 0, path: '', message: unreadable(error) }] };
  }
  const result = parseSuite(text, { file: path });
  return result.ok ? { ok: true, suite: result.suite, file: path } : result;
}

function unreadable(error: unknown): string {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return 'cannot read the suite: no such file';
    case 'EISDIR':
      return 'cannot read the suite: it is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'cannot read the suite: permission denied';
    default:
      return `cannot read the suite: ${error instanceof Error ? error.message : String(error)}`;
  }
}
