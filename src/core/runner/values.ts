/**
 * Value helpers shared by matchers, assertions and captures: JSON deep equality, a type name, and the
 * short rendering of a value used in messages. None of them throws, whatever the input.
 */

/** Longest rendering of a value inside a message, in characters. */
export const MESSAGE_VALUE_LIMIT = 100;

/** Deep equality over JSON data: same type, same array order, same object keys (any order). */
export function deepEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return Number.isNaN(a) && Number.isNaN(b);
  }
  // Cyclic or absurdly deep data is not JSON; call it unequal rather than overflow the stack.
  if (depth > 500) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i], depth + 1)) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(right, key) || !deepEqual(left[key], right[key], depth + 1)) return false;
  }
  return true;
}

/** `null`, `array`, or the `typeof` name. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A value as it reads in a message: JSON-ish, `nothing` for undefined, truncated to the limit. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  return truncate(toJsonish(value));
}

function toJsonish(value: unknown): string {
  try {
    if (typeof value === 'bigint') return `${value}`;
    if (typeof value === 'number' || typeof value === 'function' || typeof value === 'symbol') {
      return String(value);
    }
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // Cycles or BigInts inside: fall through to a plain rendering.
  }
  try {
    return String(value);
  } catch {
    return `[${typeName(value)}]`;
  }
}

export function truncate(text: string, limit = MESSAGE_VALUE_LIMIT): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** Text for a value that must be read as a string (a regex subject): strings as is, the rest as JSON. */
export function asText(value: unknown): string {
  return typeof value === 'string' ? value : toJsonish(value);
}

/** Longest value kept in a result's `actual`, in characters of text or of JSON. */
export const RESULT_VALUE_LIMIT = 4096;

/**
 * A value as kept in a stored result: unchanged when small, else a truncated string (of its JSON for
 * objects), so that asserting on a 10 MB body does not store 10 MB per assertion.
 */
export function boundForResult(value: unknown): unknown {
  if (typeof value === 'string') return truncate(value, RESULT_VALUE_LIMIT);
  if (value === null || typeof value !== 'object') return value;
  const json = toJsonish(value);
  return json.length > RESULT_VALUE_LIMIT ? truncate(json, RESULT_VALUE_LIMIT) : value;
}
