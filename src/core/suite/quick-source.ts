/**
 * The fast path of reading a suite: plain data without source positions. Positions are only needed to
 * report errors, and keeping them makes YAML reading several times slower (docs/performance.md), so a
 * suite is first read this way; when it turns out invalid — or uses a construct whose meaning the
 * positioned reader (`source.ts`) decides differently — it is read again by `source.ts`, which is the
 * reference: this path only ever returns data that `source.ts` would have returned too.
 */
import { CORE_SCHEMA, load, Type } from 'js-yaml';

// js-yaml's core schema also reads YAML 1.1 numbers (`1_000`, `0b101`); the positioned reader follows
// YAML 1.2 strictly and reads those as text, so numbers are resolved here with the 1.2 core rules.
const INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const FLOAT =
  /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const intType = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (text: string) => INT.test(text),
  construct: (text: string) =>
    text.startsWith('0o')
      ? Number.parseInt(text.slice(2), 8)
      : text.startsWith('0x')
        ? Number.parseInt(text.slice(2), 16)
        : Number(text),
});
const floatType = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (text: string) => FLOAT.test(text),
  construct: (text: string) => {
    const lower = text.toLowerCase();
    if (lower.endsWith('.inf'))
      return lower.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    if (lower === '.nan') return Number.NaN;
    return Number(text);
  },
});
const SCHEMA = CORE_SCHEMA.extend({ implicit: [intType, floatType] });

/** Plain data, or undefined when the text must go through the positioned reader. */
export function readQuickly(text: string, format: 'yaml' | 'json'): unknown {
  try {
    // JSON files are held to JSON's grammar, which YAML loosens (comments, single quotes, trailing commas).
    if (format === 'json') JSON.parse(text);
    // The YAML 1.2 core schema, as the positioned reader uses; duplicate keys and several documents throw.
    const data = load(text, { schema: SCHEMA });
    if (data === undefined || data === null) return undefined;
    return isPlainTree(data, new Set()) ? data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Aliases make shared (or cyclic) nodes, which the positioned reader expands with a bound; keys that
 * were empty, null or mappings are errors there, while this reader turns them into text.
 */
function isPlainTree(value: unknown, seen: Set<object>): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) if (!isPlainTree(item, seen)) return false;
    return true;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (key === '' || key === 'null' || key === '~' || key.includes('[object Object]')) return false;
    if (!isPlainTree(object[key], seen)) return false;
  }
  return true;
}
