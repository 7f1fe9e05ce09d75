/**
 * Regular expressions written in suites: a bare pattern (`^ok`) or a literal with flags (`/^ok$/i`).
 * Compiled once per source text, failures included. `g` and `y` are dropped: they make `test` and `exec`
 * stateful, and a suite only asks "does it match" and "what is the first match".
 */
export type CompiledRegex = { ok: true; regex: RegExp } | { ok: false; error: string };

const cache = new Map<string, CompiledRegex>();
const LITERAL = /^\/(.*)\/([a-z]*)$/s;

export function compileRegex(source: string): CompiledRegex {
  let compiled = cache.get(source);
  if (compiled === undefined) {
    const literal = LITERAL.exec(source);
    const pattern = literal ? (literal[1] ?? '') : source;
    const flags = literal ? (literal[2] ?? '').replace(/[gy]/g, '') : '';
    try {
      compiled = { ok: true, regex: new RegExp(pattern, flags) };
    } catch (error) {
      compiled = {
        ok: false,
        error: `invalid regular expression ${displayRegex(source)}: ${reason(error)}`,
      };
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(source, compiled);
  }
  return compiled;
}

/** The pattern as a person writes it: `/…/flags`. */
export function displayRegex(source: string): string {
  return LITERAL.test(source) ? source : `/${source}/`;
}

// V8 repeats the pattern in its message: keep only the reason.
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
}
