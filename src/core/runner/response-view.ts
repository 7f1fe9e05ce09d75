/**
 * What assertions and captures read of a response. The body is decoded and parsed at most once, and only
 * if something asks: a step that checks only the status never parses its body.
 */
export type JsonBody = { ok: true; value: unknown } | { ok: false; error: string };

export interface ResponseView {
  status: number;
  headers: Record<string, string | string[]>;
  /** The body as UTF-8 text. */
  text(): string;
  json(): JsonBody;
  /** Decoded body size in bytes. */
  size: number;
  /** Total time of the exchange in ms. */
  totalMs: number;
}

export interface ResponseViewInput {
  status: number;
  headers: Record<string, string | string[]>;
  body: Uint8Array;
  size?: number;
  totalMs: number;
}

export function createResponseView(input: ResponseViewInput): ResponseView {
  let text: string | undefined;
  let json: JsonBody | undefined;
  const view: ResponseView = {
    status: input.status,
    headers: input.headers,
    size: input.size ?? input.body.byteLength,
    totalMs: input.totalMs,
    text() {
      text ??= new TextDecoder().decode(input.body);
      return text;
    },
    json() {
      json ??= parseJson(view.text());
      return json;
    },
  };
  return view;
}

export function parseJson(text: string): JsonBody {
  if (text.trim() === '') return { ok: false, error: 'the body is empty' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** A header by name, any case; several values joined with ", " as HTTP allows; undefined when absent. */
export function headerValue(headers: Record<string, string | string[]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const value = headers[wanted] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** JSONPath matches as one value: none → undefined, one → the value, several → the list. */
export function collapseMatches(matches: unknown[]): unknown {
  if (matches.length === 0) return undefined;
  return matches.length === 1 ? matches[0] : matches;
}
