/**
 * Iteration rows: the variable sets a suite runs its steps once for. Inline rows are used as they are; a
 * data file is read relative to the suite's folder: `.csv` with a header row (values stay strings, as
 * written) or `.json` holding an array of objects.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Suite } from './schema.ts';

/** A data file that cannot be used; the message names the file, the line or row, and what is wrong. */
export class SuiteDataError extends Error {
  readonly code = 'DATA_FILE';
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.name = 'SuiteDataError';
    this.file = file;
  }
}

/** Names a row key must not take: they would hide the `{{ secrets.* }}` and `{{ env.* }}` namespaces. */
const RESERVED = new Set(['secrets', 'env']);

/** The rows to run; `[{}]` (one run, no extra variables) when the suite has no iterations. */
export async function loadIterations(suite: Suite, baseDir: string): Promise<Record<string, unknown>[]> {
  const iterations = suite.iterations;
  if (iterations === undefined) return [{}];
  if (Array.isArray(iterations)) return iterations.map((row) => ({ ...row }));
  const file = iterations.file;
  const path = resolve(baseDir, file);
  const kind = extname(file).toLowerCase();
  if (kind !== '.csv' && kind !== '.json') {
    throw new SuiteDataError(
      file,
      `data file ${file}: unsupported type "${kind || '(none)'}"; use a .csv file with a header row or a .json file holding an array of objects`,
    );
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SuiteDataError(file, `data file ${file} cannot be read (${path}): ${describeFsError(error)}`);
  }
  return kind === '.csv' ? rowsFromCsv(file, text) : rowsFromJson(file, text);
}

/** Rows of a CSV text with a header row; exported for tests and for callers holding the text already. */
export function rowsFromCsv(file: string, text: string): Record<string, string>[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, each record comes with its line number; the library's types do not model that option.
    records = parseCsv(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw new SuiteDataError(file, `data file ${file}, ${describeCsvError(error)}`);
  }
  const [header, ...body] = records;
  if (header === undefined) {
    throw new SuiteDataError(
      file,
      `data file ${file} is empty: expected a header row, then one row per iteration`,
    );
  }
  const columns = header.record;
  const seen = new Set<string>();
  columns.forEach((name, index) => {
    const where = `data file ${file}, line ${header.info.lines}, column ${index + 1}`;
    if (name.trim() === '') throw new SuiteDataError(file, `${where}: the header has an empty column name`);
    if (seen.has(name))
      throw new SuiteDataError(file, `${where}: column "${name}" appears twice in the header`);
    if (RESERVED.has(name)) {
      throw new SuiteDataError(file, `${where}: column "${name}" would hide {{ ${name}.* }}; rename it`);
    }
    seen.add(name);
  });
  if (body.length === 0) {
    throw new SuiteDataError(file, `data file ${file} has a header but no rows: add one row per iteration`);
  }
  return body.map(({ record, info }) => {
    if (record.length !== columns.length) {
      throw new SuiteDataError(
        file,
        `data file ${file}, line ${info.lines}: expected ${columns.length} values (${columns.join(', ')}), got ${record.length}`,
      );
    }
    const row: Record<string, string> = {};
    columns.forEach((name, index) => {
      row[name] = record[index] ?? '';
    });
    return row;
  });
}

/** Rows of a JSON text holding an array of objects. */
export function rowsFromJson(file: string, text: string): Record<string, unknown>[] {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SuiteDataError(file, `data file ${file} is not valid JSON: ${reason}`);
  }
  if (!Array.isArray(data)) {
    throw new SuiteDataError(
      file,
      `data file ${file}: expected an array of objects (one per iteration), got ${kindOf(data)}`,
    );
  }
  if (data.length === 0) {
    throw new SuiteDataError(file, `data file ${file} is an empty array: add one object per iteration`);
  }
  return data.map((row: unknown, index) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new SuiteDataError(
        file,
        `data file ${file}, row ${index + 1} (index ${index}): expected an object of variables, got ${kindOf(row)}`,
      );
    }
    for (const name of Object.keys(row)) {
      if (RESERVED.has(name)) {
        throw new SuiteDataError(
          file,
          `data file ${file}, row ${index + 1} (index ${index}): key "${name}" would hide {{ ${name}.* }}; rename it`,
        );
      }
    }
    return { ...(row as Record<string, unknown>) };
  });
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.slice(0, 40))})`;
  return `a ${typeof value} (${String(value)})`;
}

function describeCsvError(error: unknown): string {
  const { code, lines, message } = error as { code?: string; lines?: number; message?: string };
  const where = typeof lines === 'number' ? `line ${lines}` : 'somewhere';
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `${where}: a quoted value is never closed; add the closing "`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `${where}: unexpected text after a closing quote; quote the whole value and double any " inside it`;
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `${where}: unexpected text after a closing quote`;
    default:
      return `${where}: ${message ?? String(error)}`;
  }
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}
