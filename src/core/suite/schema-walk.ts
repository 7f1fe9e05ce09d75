/**
 * Reading the zod schema alongside a document: which schemas apply at a path (so an error can list the
 * keys allowed there), and how to describe a schema in words (so a message can say what was expected).
 */
import type { z } from 'zod';
import type { DocumentPath } from './errors.ts';
import { schemaPhrases } from './schema.ts';

type Schema = z.core.$ZodType;

/** The parts of zod's definitions this module reads; zod keeps them on `schema._zod.def`. */
interface Def {
  type: string;
  innerType?: Schema;
  getter?: () => Schema;
  in?: Schema;
  options?: readonly Schema[];
  shape?: Record<string, Schema>;
  element?: Schema;
  valueType?: Schema;
  values?: readonly unknown[];
  entries?: Record<string, unknown>;
  format?: string;
}

const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def;

/** One layer of optional/default/lazy/pipe wrapping removed, or undefined when there is none. */
function unwrapOnce(schema: Schema): Schema | undefined {
  const def = defOf(schema);
  if (def.innerType !== undefined) return def.innerType;
  if (def.type === 'lazy' && def.getter !== undefined) return def.getter();
  if (def.type === 'pipe' && def.in !== undefined) return def.in;
  return undefined;
}

export function peel(schema: Schema): Schema {
  let current = schema;
  for (let next = unwrapOnce(current); next !== undefined; next = unwrapOnce(current)) current = next;
  return current;
}

/** The registered phrase of a schema or of anything it wraps. */
function phraseOf(schema: Schema): { expected?: string; unknownKeyHint?: string } | undefined {
  for (let s: Schema | undefined = schema; s !== undefined; s = unwrapOnce(s)) {
    const phrase = schemaPhrases.get(s as z.ZodType);
    if (phrase !== undefined) return phrase;
  }
  return undefined;
}

export function expectedPhrase(schemas: readonly Schema[]): string | undefined {
  for (const s of schemas) {
    const phrase = phraseOf(s)?.expected;
    if (phrase !== undefined) return phrase;
  }
  return undefined;
}

export function unknownKeyHint(schemas: readonly Schema[]): string | undefined {
  for (const s of schemas) {
    const hint = phraseOf(s)?.unknownKeyHint;
    if (hint !== undefined) return hint;
  }
  return undefined;
}

/** The concrete schemas a value may match: wrappers removed, unions opened, narrowed by the value's kind. */
export function alternatives(schemas: readonly Schema[], value: unknown): Schema[] {
  const all: Schema[] = [];
  const open = (schema: Schema): void => {
    const s = peel(schema);
    const def = defOf(s);
    if (def.type === 'union' && def.options !== undefined) def.options.forEach(open);
    else all.push(s);
  };
  schemas.forEach(open);
  if (value === undefined) return all;
  const fitting = all.filter((s) => acceptsKind(s, value) && matchesTags(s, value));
  return fitting.length > 0 ? fitting : all;
}

/** For tagged shapes (auth's `type`): an object whose literal keys differ from the value's is not it. */
function matchesTags(schema: Schema, value: unknown): boolean {
  const shape = defOf(schema).shape;
  if (shape === undefined || typeof value !== 'object' || value === null) return true;
  for (const [key, field] of Object.entries(shape)) {
    const def = defOf(field);
    if (def.type !== 'literal' || !Object.hasOwn(value, key)) continue;
    if (!(def.values ?? []).includes((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function acceptsKind(schema: Schema, value: unknown): boolean {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
    case 'record':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
    case 'enum':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'literal':
      return (def.values ?? []).some((v) => typeof v === typeof value);
    default:
      return true;
  }
}

/** The schemas (unopened, so their phrases are still reachable) that apply at `path` in `data`. */
export function schemasAt(root: Schema, data: unknown, path: DocumentPath): Schema[] {
  let current: Schema[] = [root];
  let value: unknown = data;
  for (const segment of path) {
    const next: Schema[] = [];
    for (const s of alternatives(current, value)) {
      const def = defOf(s);
      if (def.type === 'object' && def.shape !== undefined && typeof segment === 'string') {
        const field = Object.hasOwn(def.shape, segment) ? def.shape[segment] : undefined;
        if (field !== undefined) next.push(field);
      } else if (def.type === 'record' && def.valueType !== undefined && typeof segment === 'string') {
        next.push(def.valueType);
      } else if (def.type === 'array' && def.element !== undefined && typeof segment === 'number') {
        next.push(def.element);
      }
    }
    value = childOf(value, segment);
    current = next;
  }
  return current;
}

/** Keys allowed by the object schemas among `schemas`, in declaration order. */
export function allowedKeys(schemas: readonly Schema[], value: unknown): string[] {
  const keys = new Set<string>();
  for (const s of alternatives(schemas, value)) {
    const shape = defOf(s).shape;
    if (defOf(s).type !== 'object' || shape === undefined) continue;
    for (const key of Object.keys(shape)) keys.add(key);
  }
  return [...keys];
}

export function childOf(value: unknown, segment: string | number): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  if (!Object.hasOwn(value, segment)) return undefined;
  return (value as Record<string | number, unknown>)[segment];
}

/** A schema in words: "a string", "one of GET, POST", "a whole number from 0 to 50". */
export function describeSchema(schema: Schema): string {
  const phrase = phraseOf(schema)?.expected;
  if (phrase !== undefined) return phrase;
  const s = peel(schema);
  const def = defOf(s);
  switch (def.type) {
    case 'string':
      return 'a string';
    case 'number':
      return describeNumber(s, def);
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'literal':
      return (def.values ?? []).map((v) => JSON.stringify(v)).join(' or ');
    case 'enum':
      return `one of ${Object.values(def.entries ?? {}).join(', ')}`;
    case 'array':
      return 'a list';
    case 'object': {
      const keys = Object.keys(def.shape ?? {});
      return keys.length === 1 ? `{ ${keys[0]}: … }` : 'an object';
    }
    case 'record':
      return 'an object';
    case 'union':
      return joinOr([
        ...new Set(unionLeaves(s).map((o) => describeSchema(o).replace(/^true or false$/, 'a boolean'))),
      ]);
    default:
      return 'any value';
  }
}

/** The options of a union, nested unions without a phrase of their own opened too. */
function unionLeaves(schema: Schema): Schema[] {
  return (defOf(schema).options ?? []).flatMap((option) => {
    const inner = peel(option);
    return defOf(inner).type === 'union' && phraseOf(option) === undefined ? unionLeaves(inner) : [option];
  });
}

function describeNumber(schema: Schema, def: Def): string {
  const whole = def.format === 'safeint' || def.format === 'int32';
  const bounds = schema as unknown as { minValue?: number | null; maxValue?: number | null };
  const sane = (n: number | null | undefined): n is number => typeof n === 'number' && Math.abs(n) < 1e15;
  const noun = whole ? 'a whole number' : 'a number';
  if (sane(bounds.minValue) && sane(bounds.maxValue))
    return `${noun} from ${bounds.minValue} to ${bounds.maxValue}`;
  if (sane(bounds.minValue)) return `${noun} of at least ${bounds.minValue}`;
  if (sane(bounds.maxValue)) return `${noun} of at most ${bounds.maxValue}`;
  return noun;
}

export function joinOr(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}
