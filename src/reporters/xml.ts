/** Minimal XML writing for the JUnit reporter: escaping that survives any string an API returns. */

// XML 1.0 cannot carry these at all, not even as character references: C0 controls other than tab,
// newline and carriage return, lone surrogates, and U+FFFE/U+FFFF. They are written as visible `\uXXXX`.
const ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function visible(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Carriage returns are written as references: parsers would otherwise fold `\r\n` into `\n`. */
export function escapeText(text: string): string {
  return text
    .replace(ILLEGAL, visible)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\r', '&#13;');
}

/** Attribute values also keep their line breaks and tabs, which parsers would otherwise normalise to spaces. */
export function escapeAttribute(text: string): string {
  return escapeText(text)
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
    .replaceAll('\t', '&#9;')
    .replaceAll('\n', '&#10;');
}

export function element(
  name: string,
  attributes: Record<string, string | number | undefined>,
  body?: string,
): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttribute(String(v))}"`)
    .join('');
  return body === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${body}</${name}>`;
}
