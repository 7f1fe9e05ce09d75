/**
 * Variables and secrets from the command line and from files.
 *
 * - `--var k=v`: the value is a number, boolean or null when it parses as one in JSON (`42`, `true`,
 *   `null`), otherwise the string as written.
 * - `--env-file path`: `.json`, `.yaml` or `.yml` files hold a map of variables (any JSON values);
 *   any other file is dotenv style: `KEY=VALUE` lines, `#` comments, an optional `export ` prefix;
 *   unquoted values follow the `--var` rule, quoted values ("…" with \n escapes, or '…') stay strings.
 * - secrets (`--secret k=v`, `--secrets-file path`, same file formats) are always strings.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../command.ts';

export type Variables = Record<string, unknown>;

export function parseAssignment(text: string, flag: string): [string, string] {
  const at = text.indexOf('=');
  const key = at > 0 ? text.slice(0, at).trim() : '';
  if (key === '') throw new UsageError(`${flag} '${text}': expected NAME=VALUE`);
  return [key, text.slice(at + 1)];
}

/** The `--var` value rule. */
export function parseScalar(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(trimmed)) return Number(trimmed);
  return text;
}

export function assignments(
  texts: readonly string[],
  flag: string,
  parse: (v: string) => unknown,
): Variables {
  const out: Variables = {};
  for (const text of texts) {
    const [key, value] = parseAssignment(text, flag);
    out[key] = parse(value);
  }
  return out;
}

export async function readVariablesFile(file: string, flag: string): Promise<Variables> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${flag} ${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') return parseMap(text, ext, `${flag} ${file}`);
  return parseDotenv(text, `${flag} ${file}`);
}

async function parseMap(text: string, ext: string, where: string): Promise<Variables> {
  let value: unknown;
  try {
    value = ext === '.json' ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (error) {
    throw new UsageError(
      `${where}: not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${where}: expected a map of NAME: value`);
  }
  return value as Variables;
}

export function parseDotenv(text: string, where: string): Variables {
  const out: Variables = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new UsageError(`${where}:${i + 1}: expected NAME=VALUE`);
    const [, key = '', rest = ''] = match;
    out[key] = dotenvValue(rest);
  });
  return out;
}

function dotenvValue(rest: string): unknown {
  const double = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
  if (double) return (double[1] ?? '').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  const single = /^'([^']*)'/.exec(rest);
  if (single) return single[1] ?? '';
  // An unquoted value ends at an inline comment.
  return parseScalar(rest.replace(/\s+#.*$/, '').trim());
}

export function asSecrets(values: Variables, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && typeof value === 'object')
      throw new UsageError(`${where}: secret ${key} must be a string`);
    out[key] = String(value);
  }
  return out;
}
