/**
 * Collects a response body chunk by chunk, decoding `content-encoding` on the fly and enforcing the
 * decoded-size bound as it goes, so a small compressed body cannot inflate into unbounded memory.
 */
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import { HttpError } from './types.ts';

export interface BodySink {
  /** Returns false when the decoder wants the producer to pause until `onDrain`. */
  write(chunk: Buffer): boolean;
  /** Called with the whole decoded body, or an error (`BODY_TOO_LARGE`, a decoding failure). */
  end(): void;
  /** Stops decoding (the exchange failed). */
  destroy(): void;
}

export interface SinkCallbacks {
  done(body: Buffer): void;
  fail(error: HttpError): void;
  drain(): void;
}

/** `undefined` when the encoding is absent, identity, or one we do not know (the body is kept as sent). */
export function decodingsOf(contentEncoding: string | string[] | undefined): string[] | undefined {
  if (contentEncoding === undefined) return undefined;
  const list = (Array.isArray(contentEncoding) ? contentEncoding.join(',') : contentEncoding)
    .toLowerCase()
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '' && token !== 'identity');
  if (list.length === 0 || !list.every((token) => KNOWN.has(token))) return undefined;
  // Encodings are listed in the order applied; undo them last first.
  return list.reverse();
}

const KNOWN = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'zstd']);

export function createBodySink(
  decodings: string[] | undefined,
  maxBytes: number,
  callbacks: SinkCallbacks,
): BodySink {
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  const tooLarge = (): HttpError =>
    new HttpError('BODY_TOO_LARGE', `response body exceeds the limit of ${maxBytes} bytes`);

  if (decodings === undefined) {
    return {
      write(chunk) {
        if (failed) return true;
        size += chunk.length;
        if (size > maxBytes) {
          failed = true;
          callbacks.fail(tooLarge());
        } else chunks.push(chunk);
        return true;
      },
      end() {
        if (!failed)
          callbacks.done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
      },
      destroy() {
        failed = true;
      },
    };
  }

  // Built on the first chunk: an empty body (HEAD, 204) has nothing to decode, and deflate needs a look
  // at the first bytes to tell a zlib stream from a raw one.
  let first: Transform | undefined;
  let last: Transform | undefined;
  const fail = (error: HttpError): void => {
    if (failed) return;
    failed = true;
    first?.destroy();
    callbacks.fail(error);
  };
  const build = (chunk: Buffer): void => {
    const streams = decodings.map((name, index) => decoderFor(name, index === 0 ? chunk : undefined));
    for (let i = 0; i < streams.length; i++) {
      const stream = streams[i] as Transform;
      const name = decodings[i] as string;
      stream.on('error', (error) =>
        fail(
          new HttpError('NETWORK', `could not decode the ${name} response body: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      if (i > 0) (streams[i - 1] as Transform).pipe(stream);
    }
    first = streams[0] as Transform;
    last = streams[streams.length - 1] as Transform;
    first.on('drain', () => callbacks.drain());
    last.on('data', (out: Buffer) => {
      if (failed) return;
      size += out.length;
      if (size > maxBytes) fail(tooLarge());
      else chunks.push(out);
    });
    last.on('end', () => {
      if (!failed) callbacks.done(Buffer.concat(chunks, size));
    });
  };

  return {
    write(chunk) {
      if (failed) return true;
      if (!first) build(chunk);
      return (first as Transform).write(chunk);
    },
    end() {
      if (failed) return;
      if (first) first.end();
      else callbacks.done(Buffer.alloc(0));
    },
    destroy() {
      failed = true;
      first?.destroy();
    },
  };
}

function decoderFor(name: string, firstChunk: Buffer | undefined): Transform {
  // Servers end streams loosely; flush what is there instead of failing on a missing trailer.
  const options = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (name) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(options);
    case 'br':
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      });
    case 'zstd':
      return zlib.createZstdDecompress();
    default:
      // "deflate" is meant to be zlib-wrapped, yet some servers send raw deflate.
      return firstChunk === undefined || isZlibHeader(firstChunk)
        ? zlib.createInflate(options)
        : zlib.createInflateRaw(options);
  }
}

function isZlibHeader(chunk: Buffer): boolean {
  if (chunk.length < 2) return true;
  const cmf = chunk[0] as number;
  const flg = chunk[1] as number;
  return (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}
