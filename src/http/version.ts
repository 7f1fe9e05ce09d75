/** The version in package.json, shown in the OpenAPI document. */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function apiVersion(): string {
  cached ??= (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return cached;
}
