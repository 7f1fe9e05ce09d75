/**
 * JSON Schema validation for `.jsonSchema(…)`: ajv with formats, validators cached by schema text
 * (scripts rebuild their schema literal on every run, so identity would never hit).
 */
import { library } from './libraries.ts';

type Validator = ((data: unknown) => boolean) & { errors?: unknown[] | null };
interface Ajv {
  compile(schema: unknown): Validator;
  errorsText(errors: unknown): string;
}

const cache = new Map<string, Validator>();
let ajv: Ajv | undefined;

function instance(): Ajv {
  if (!ajv) {
    const Ajv = library('ajv') as new (options: object) => Ajv;
    ajv = new Ajv({ allErrors: true, strict: false, logger: false });
    const formats = require('ajv-formats') as ((ajv: Ajv) => void) & { default?: (ajv: Ajv) => void };
    (formats.default ?? formats)(ajv);
  }
  return ajv;
}

function compile(schema: unknown): Validator {
  const key = JSON.stringify(schema);
  const cached = cache.get(key);
  if (cached) return cached;
  // Draft-04/06 documents are validated with the default dialect rather than rejected for their $schema.
  const usable =
    schema !== null &&
    typeof schema === 'object' &&
    /draft-0[346]/.test(String((schema as { $schema?: unknown }).$schema))
      ? { ...(schema as object), $schema: undefined }
      : schema;
  const validate = instance().compile(usable);
  if (cache.size >= 200) cache.clear();
  cache.set(key, validate);
  return validate;
}

export function validateJsonSchema(schema: unknown, data: unknown): { valid: boolean; errors: string } {
  const validate = compile(schema);
  const valid = validate(data);
  return { valid, errors: valid ? '' : instance().errorsText(validate.errors) };
}
