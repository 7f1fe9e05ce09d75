/**
 * A Server-Sent Events reader over a fetch response body, as the HTML standard parses the stream:
 * `field: value` lines, comment lines starting with `:`, an event dispatched at each blank line, CR,
 * LF or CRLF line ends. Used by `assay run --remote` and by the tests; no dependency.
 */
export interface SseMessage {
  /** The `id:` field, when the event had one. */
  id: string | undefined;
  /** The `event:` field; `message` when absent. */
  event: string;
  data: string;
}

export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let pending = '';
  let id: string | undefined;
  let event = '';
  let data: string[] = [];
  let seenField = false;
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (;;) {
        const match = /\r\n|\r|\n/.exec(pending);
        // A lone CR at the end may be the first half of a CRLF: wait for more input.
        if (!match || (match[0] === '\r' && match.index === pending.length - 1 && !done)) break;
        const line = pending.slice(0, match.index);
        pending = pending.slice(match.index + match[0].length);
        if (line === '') {
          if (seenField && data.length > 0) yield { id, event: event || 'message', data: data.join('\n') };
          event = '';
          data = [];
          seenField = false;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        seenField = true;
        if (field === 'data') data.push(value);
        else if (field === 'event') event = value;
        else if (field === 'id' && !value.includes('\0')) id = value;
      }
      if (done) return;
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
