/** What is wrong in a suite file, and where: the unit every validation message is made of. */

export interface SuiteError {
  file: string;
  /** 1-based; 0 when the error concerns the whole file (it cannot be read). */
  line: number;
  /** 1-based; 0 with line 0. */
  column: number;
  /** Where in the document, like `steps[0].expect.status`; empty for the document itself. */
  path: string;
  /** What is wrong and what to do, in plain words. */
  message: string;
  /** What the format allows at this place, when it can be said briefly. */
  expected?: string;
  /** The likely intended word, for "did you mean …?". */
  suggestion?: string;
}

/** A location inside the document: object keys and array indexes. */
export type DocumentPath = readonly (string | number)[];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `["steps", 0, "expect", "json", "$.id"]` → `steps[0].expect.json["$.id"]`. */
export function formatPath(path: DocumentPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment) && !segment.startsWith('$'))
      out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** `file:line:column  path  message (did you mean …?)`, the form editors and terminals link to. */
export function formatSuiteError(error: SuiteError): string {
  const where = error.line > 0 ? `${error.file}:${error.line}:${error.column}` : error.file;
  const path = error.path === '' ? '' : `  ${error.path}`;
  const hint = error.suggestion === undefined ? '' : ` (did you mean ${quoteSuggestion(error.suggestion)}?)`;
  return `${where}${path}  ${error.message}${hint}`;
}

function quoteSuggestion(suggestion: string): string {
  return /^[-\d.]+$/.test(suggestion) ? suggestion : `"${suggestion}"`;
}

/** Errors in reading order; the same error reached twice (through two union branches) is kept once. */
export function sortErrors(errors: readonly SuiteError[]): SuiteError[] {
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const key = `${e.line}:${e.column}:${e.path}:${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
}
