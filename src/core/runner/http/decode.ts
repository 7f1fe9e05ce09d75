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

  // Compressed input is buffered up to SYNC_DECODE_LIMIT and decoded in one synchronous call at the end:
  // for the small bodies most APIs send this is much cheaper than a zlib stream. Beyond the limit the
  // buffered input is handed to a stream decoder, which bounds memory however large the body gets.
  const pending: Buffer[] = [];
  let pendingSize = 0;
  let first: Transform | undefined;
  const fail = (error: HttpError): void => {
    if (failed) return;
    failed = true;
    first?.destroy();
    callbacks.fail(error);
  };
  const decodeError = (name: string, error: Error): HttpError =>
    new HttpError('NETWORK', `could not decode the ${name} response body: ${error.message}`, {
      cause: error,
    });

  const startStreaming = (): void => {
    const head = Buffer.concat(pending, pendingSize);
    pending.length = 0;
    const streams = decodings.map((name, index) => decoderFor(name, index === 0 ? head : undefined));
    for (let i = 0; i < streams.length; i++) {
      const stream = streams[i] as Transform;
      const name = decodings[i] as string;
      stream.on('error', (error) => fail(decodeError(name, error)));
      if (i > 0) (streams[i - 1] as Transform).pipe(stream);
    }
    first = streams[0] as Transform;
    const last = streams[streams.length - 1] as Transform;
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
    first.write(head);
  };

  const decodeAtOnce = (): void => {
    let data: Buffer = Buffer.concat(pending, pendingSize);
    for (const name of decodings) {
      if (data.length === 0) break;
      try {
        data = decodeSync(name, data, maxBytes);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        fail(code === 'ERR_BUFFER_TOO_LARGE' ? tooLarge() : decodeError(name, error as Error));
        return;
      }
    }
    callbacks.done(data);
  };

  return {
    write(chunk) {
      if (failed) return true;
      if (first) return first.write(chunk);
      pending.push(chunk);
      pendingSize += chunk.length;
      if (pendingSize > SYNC_DECODE_LIMIT) startStreaming();
      return true;
    },
    end() {
      if (failed) return;
      if (first) first.end();
      else decodeAtOnce();
    },
    destroy() {
      failed = true;
      first?.destroy();
    },
  };
}

/** Compressed bodies up to this size are decoded in one synchronous call. */
const SYNC_DECODE_LIMIT = 64 * 1024;

// Servers end streams loosely; flush what is there instead of failing on a missing trailer.
const ZLIB_OPTIONS = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_OPTIONS = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

function decodeSync(name: string, data: Buffer, maxBytes: number): Buffer {
  const maxOutputLength = maxBytes;
  switch (name) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(data, { ...ZLIB_OPTIONS, maxOutputLength });
    case 'br':
      return zlib.brotliDecompressSync(data, { ...BROTLI_OPTIONS, maxOutputLength });
    case 'zstd':
      return zlib.zstdDecompressSync(data, { maxOutputLength });
    default:
      return isZlibHeader(data)
        ? zlib.inflateSync(data, { ...ZLIB_OPTIONS, maxOutputLength })
        : zlib.inflateRawSync(data, { ...ZLIB_OPTIONS, maxOutputLength });
  }
}

function decoderFor(name: string, firstChunk: Buffer | undefined): Transform {
  const options = ZLIB_OPTIONS;
  switch (name) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(options);
    case 'br':
      return zlib.createBrotliDecompress(BROTLI_OPTIONS);
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
