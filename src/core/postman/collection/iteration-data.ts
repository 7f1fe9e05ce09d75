/**
 * Newman's iteration data (`-d`): a JSON array of objects, or else CSV with a header row. As in Newman,
 * unquoted CSV values that look like numbers become numbers, quoted ones stay text, and spaces around
 * delimiters are trimmed.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import type { VariableMap } from '../sandbox/index.ts';

export class IterationDataError extends Error {
  constructor(file: string, reason: string) {
    super(`iteration data ${file}: ${reason}`);
    this.name = 'IterationDataError';
  }
}

export async function loadIterationData(file: string): Promise<VariableMap[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new IterationDataError(
      file,
      code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`,
    );
  }
  return parseIterationData(text, file);
}

export function parseIterationData(text: string, file: string): VariableMap[] {
  const source = text.replace(/^\uFEFF/, '').trim();
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch {
    json = undefined;
  }
  if (json !== undefined) {
    if (!Array.isArray(json))
      throw new IterationDataError(file, 'expected an array of objects, one per iteration');
    json.forEach((row, index) => {
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        throw new IterationDataError(file, `row ${index + 1}: expected an object of variables`);
      }
    });
    return json as VariableMap[];
  }
  try {
    return parseCsv(source, {
      columns: true,
      escape: '"',
      trim: true,
      relax_quotes: true,
      relax_column_count: true,
      bom: true,
      skip_empty_lines: true,
      cast: (value, context) => (context.quoting ? value : castNumber(value)),
    }) as VariableMap[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    const message = error instanceof Error ? error.message : String(error);
    throw new IterationDataError(
      file,
      `neither JSON nor valid CSV${line === undefined ? '' : ` (line ${line})`}: ${message}`,
    );
  }
}

function castNumber(value: string): string | number {
  if (/^[+-]?[1-9]\d*$/.test(value)) return Number.parseInt(value, 10);
  if (value.trim() !== '' && Number.isFinite(Number(value)) && !Number.isNaN(Number.parseFloat(value))) {
    return Number.parseFloat(value);
  }
  return value;
}
