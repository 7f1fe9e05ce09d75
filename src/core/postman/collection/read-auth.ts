/**
 * Reads an `auth` block. v2.1 stores parameters as `[{ key, value, type }]`, v2.0 as a plain object; both
 * become one `params` map. A missing, `null` or type-less auth means "inherit from the parent"; only
 * `type: "noauth"` stops inheritance.
 */
import { type DocumentPath, describe, isRecord, join, type Reader, report } from './reader.ts';
import type { PostmanAuth } from './types.ts';

/** What the runner can apply; other types load, and their requests fail with a clear error. */
export const SUPPORTED_AUTH_TYPES = ['noauth', 'basic', 'bearer', 'apikey', 'digest', 'oauth1', 'oauth2'];

export function readAuth(reader: Reader, value: unknown, path: DocumentPath): PostmanAuth | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    report(reader, path, `expected an auth object with a type, got ${describe(value)}`);
    return undefined;
  }
  if (value.type === undefined || value.type === null || value.type === '') return undefined;
  if (typeof value.type !== 'string') {
    report(reader, join(path, 'type'), `expected a string, got ${describe(value.type)}`);
    return undefined;
  }
  const type = value.type.toLowerCase();
  const raw = value[value.type] ?? value[type];
  const params: Record<string, unknown> = {};
  if (Array.isArray(raw)) {
    raw.forEach((entry, i) => {
      if (!isRecord(entry) || typeof entry.key !== 'string') {
        report(
          reader,
          join(join(path, value.type as string), i),
          'expected an object with a key and a value',
        );
        return;
      }
      params[entry.key] = entry.value;
    });
  } else if (isRecord(raw)) {
    Object.assign(params, raw);
  } else if (raw !== undefined && raw !== null) {
    report(
      reader,
      join(path, value.type),
      `expected a list of { key, value } or an object of parameters, got ${describe(raw)}`,
    );
  }
  return { type, params };
}
