/**
 * The request body exactly as it arrived. Signatures are computed over these bytes, never over the
 * parsed JSON (which would accept a re-serialised, different document). The JSON parser hands them
 * over through its `verify` hook; a request without a parsed body has an empty raw body.
 */
import type { IncomingMessage } from 'node:http';

const RAW = new WeakMap<IncomingMessage, Buffer>();

/** express.json's `verify` option. */
export function captureRawBody(req: IncomingMessage, _res: unknown, buffer: Buffer): void {
  RAW.set(req, buffer);
}

export function rawBodyOf(req: IncomingMessage): Buffer {
  return RAW.get(req) ?? Buffer.alloc(0);
}
