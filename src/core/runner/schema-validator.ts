/**
 * JSON Schema validation of response bodies (draft 2020-12 by default; a schema declaring draft-07 is
 * validated as draft-07). One compiler per suite run: each schema is compiled once, found again by object
 * identity (the same step on every iteration and retry) or by its JSON text (the same schema written in
 * several steps). A schema that does not compile is a failed assertion, never an exception.
 */

import type { ErrorObject } from 'ajv';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export interface SchemaCheck {
  passed: boolean;
  /** `/items/0/name must be string`; empty when passed. */
  errors: string[];
}
export type SchemaValidator = (data: unknown) => SchemaCheck;
export type CompileSchema = (schema: object) => SchemaValidator;

/** Errors listed for one body; the rest are counted. */
const MAX_ERRORS = 20;
const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-0[67]\/schema#?$/;
const DRAFT_2020 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;

/** A compile function with its own cache; create one per suite run. */
export function createSchemaCompiler(): CompileSchema {
  const options = { allErrors: true, strict: false };
  let modern: Ajv2020 | undefined;
  let draft07: Ajv | undefined;
  const byObject = new WeakMap<object, SchemaValidator>();
  const byText = new Map<string, SchemaValidator>();

  function pickAjv(schema: object): { ajv: Ajv | Ajv2020; schema: object } {
    const declared = (schema as { $schema?: unknown }).$schema;
    if (typeof declared === 'string' && DRAFT_07.test(declared)) {
      draft07 ??= withFormats(new Ajv({ ...options, validateSchema: false }));
      return { ajv: draft07, schema };
    }
    modern ??= withFormats(new Ajv2020(options));
    if (declared === undefined || (typeof declared === 'string' && DRAFT_2020.test(declared))) {
      return { ajv: modern, schema };
    }
    // An unknown or unsupported dialect: read it as 2020-12 rather than refuse it outright.
    const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
    return { ajv: modern, schema: rest };
  }

  function build(schema: object): SchemaValidator {
    const picked = pickAjv(schema);
    let validate: ReturnType<Ajv['compile']>;
    try {
      validate = compileFresh(picked.ajv, picked.schema);
    } catch (error) {
      const reason = `invalid JSON Schema: ${error instanceof Error ? error.message : String(error)}`;
      return () => ({ passed: false, errors: [reason] });
    }
    return (data) => {
      try {
        if (validate(data)) return { passed: true, errors: [] };
        return { passed: false, errors: describeErrors(validate.errors ?? []) };
      } catch (error) {
        return { passed: false, errors: [error instanceof Error ? error.message : String(error)] };
      }
    };
  }

  function compile(schema: object): SchemaValidator {
    let validator = byObject.get(schema);
    if (validator !== undefined) return validator;
    let text: string | undefined;
    try {
      text = JSON.stringify(schema);
    } catch {
      // Not JSON (a cycle): identity caching only.
    }
    validator = text === undefined ? undefined : byText.get(text);
    if (validator === undefined) {
      validator = build(schema);
      if (text !== undefined) byText.set(text, validator);
    }
    byObject.set(schema, validator);
    return validator;
  }

  return compile;
}

function withFormats<T extends Ajv | Ajv2020>(ajv: T): T {
  addFormats.default(ajv);
  return ajv;
}

/**
 * Ajv keeps every schema with an `$id` in a registry and refuses a second one with the same `$id`; two
 * steps may well reuse an `$id` for different schemas, so the older one gives way.
 */
function compileFresh(ajv: Ajv | Ajv2020, schema: object): ReturnType<Ajv['compile']> {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id === 'string' && ajv.getSchema(id) !== undefined) ajv.removeSchema(id);
  return ajv.compile(schema);
}

function describeErrors(errors: ErrorObject[]): string[] {
  const lines = errors.slice(0, MAX_ERRORS).map((error) => {
    const where = error.instancePath === '' ? '(root)' : error.instancePath;
    return `${where} ${error.message ?? 'is invalid'}${detail(error)}`;
  });
  if (errors.length > MAX_ERRORS) lines.push(`… and ${errors.length - MAX_ERRORS} more`);
  return lines;
}

function detail(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `: ${JSON.stringify(params.additionalProperty)}`;
  if (error.keyword === 'enum') return `: ${JSON.stringify(params.allowedValues)}`;
  return '';
}
