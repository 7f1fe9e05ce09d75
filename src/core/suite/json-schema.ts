/**
 * The published JSON Schema of the suite format, generated from the zod schema so that editors, the
 * parser and the documentation never disagree. `npm run schema` writes it to `schema/suite-v1.json`.
 */
import { z } from 'zod';
import { suiteSchema } from './schema.ts';

export const SUITE_SCHEMA_ID = 'https://assay.dev/schema/suite-v1.json';

export function generateSuiteJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(suiteSchema, {
    target: 'draft-2020-12',
    // Describes what a person writes: keys with defaults are optional.
    io: 'input',
    cycles: 'ref',
    reused: 'inline',
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: SUITE_SCHEMA_ID, ...rest };
}

/** The file's exact text: stable key order, two-space indent, final newline. */
export function renderSuiteJsonSchema(): string {
  return `${JSON.stringify(generateSuiteJsonSchema(), null, 2)}\n`;
}
