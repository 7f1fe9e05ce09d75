/**
 * Strict JSON syntax check with the offset of the first error. YAML reads most JSON mistakes (trailing
 * commas, single quotes, bare words) as valid flow syntax, and `JSON.parse` does not always say where it
 * failed, so a `.json` suite is checked here first.
 */

export interface JsonSyntaxError {
  offset: number;
  message: string;
}

// Deep enough for any real suite, shallow enough that the recursion cannot exhaust the stack.
const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function checkJsonSyntax(text: string): JsonSyntaxError | undefined {
  let i = 0;
  // Where the last comma was, so that a trailing comma is reported where it is.
  let comma = 0;

  const fail = (message: string, at = i): never => {
    throw { offset: at, message } satisfies JsonSyntaxError;
  };
  const found = (): string => (i >= text.length ? 'end of the file' : JSON.stringify(text[i]));
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };

  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    skipSpace();
    const c = text[i];
    if (c === '{') object(depth);
    else if (c === '[') array(depth);
    else if (c === '"') string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else literal(c);
  };

  const literal = (c: string | undefined): void => {
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (c === "'") fail('strings take double quotes in JSON');
    if (c === undefined) fail('unexpected end of the file: expected a value');
    fail(`unexpected ${found()}: expected a value (object, array, string, number, true, false or null)`);
  };

  const object = (depth: number): void => {
    i++;
    skipSpace();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] === '}') fail('trailing comma before "}": remove the comma', comma);
      if (text[i] !== '"') fail(`unexpected ${found()}: expected a key in double quotes`);
      string();
      skipSpace();
      if (text[i] !== ':') fail(`unexpected ${found()}: expected ":" after the key`);
      i++;
      value(depth + 1);
      skipSpace();
      if (text[i] === ',') {
        comma = i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`unexpected ${found()}: expected "," or "}"`);
    }
  };

  const array = (depth: number): void => {
    i++;
    skipSpace();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] === ']') fail('trailing comma before "]": remove the comma', comma);
      value(depth + 1);
      skipSpace();
      if (text[i] === ',') {
        comma = i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(`unexpected ${found()}: expected "," or "]"`);
    }
  };

  const string = (): void => {
    const start = i;
    i++;
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            fail('invalid \\u escape: expected 4 hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`invalid escape "\\${e ?? ''}" in a string`);
        continue;
      }
      if (c < ' ') fail('a control character (tab, newline) inside a string: write it as \\t or \\n');
      i++;
    }
    fail('the string is never closed: add the closing "', start);
  };

  const number = (): void => {
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) fail('invalid number');
    i = NUMBER.lastIndex;
    const next = text[i];
    if (next !== undefined && /[0-9.eE]/.test(next))
      fail('invalid number: no leading zeros, digits after "."');
  };

  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    skipSpace();
    if (i >= text.length) return { offset: i, message: 'the file is empty: expected a JSON object' };
    value(0);
    skipSpace();
    if (i < text.length) fail(`unexpected ${found()} after the end of the JSON document`);
    return undefined;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'offset' in error) return error as JsonSyntaxError;
    throw error;
  }
}
