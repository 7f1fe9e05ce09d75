/**
 * `{{name}}` substitution as postman-collection does it: unknown names stay as they are, values may
 * themselves contain `{{…}}` (resolved again, up to 19 levels), and names starting with `$` that no
 * scope defines are dynamic variables. Pure code, usable by the host as well.
 */
import { dynamicVariable } from './dynamic-variables.ts';

const VARIABLE = /\{\{([^{}]*?)}}/g;
const MAX_DEPTH = 19;

/** Looks a name up; `undefined` means "not defined here". */
export type VariableLookup = (name: string) => { value: unknown } | undefined;

export function variableText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

export function substitute(template: string, lookup: VariableLookup): string {
  let text = template;
  for (let depth = 0; depth < MAX_DEPTH && text.includes('{{'); depth++) {
    let replaced = false;
    text = text.replace(VARIABLE, (match, name: string) => {
      const found = lookup(name);
      if (found !== undefined) {
        replaced = true;
        return variableText(found.value);
      }
      if (name.startsWith('$')) {
        const dynamic = dynamicVariable(name);
        if (dynamic !== undefined) {
          replaced = true;
          return dynamic;
        }
      }
      return match;
    });
    if (!replaced) break;
  }
  return text;
}

/** Substitutes in strings anywhere inside arrays and plain objects (`replaceIn` accepts objects too). */
export function substituteDeep(value: unknown, lookup: VariableLookup): unknown {
  if (typeof value === 'string') return substitute(value, lookup);
  if (Array.isArray(value)) return value.map((item) => substituteDeep(item, lookup));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = substituteDeep(item, lookup);
    return out;
  }
  return value;
}
