/**
 * Time-ordered identifiers: UUID version 7 (RFC 9562). The 48-bit millisecond timestamp in front makes
 * ids sort by creation time, which keeps B-tree inserts at the right edge of the index and lets keyset
 * pagination use the id as a tie-breaker. Within one millisecond, the 12-bit `rand_a` field is a counter
 * seeded randomly (RFC 9562 §6.2, method 1), so ids from one process are strictly increasing.
 */
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

export function newId(now: number = Date.now()): string {
  let ms = now;
  if (ms <= lastMs) {
    counter += 1;
    if (counter > 0xfff) {
      // Counter exhausted within one millisecond: borrow the next one rather than lose ordering.
      lastMs += 1;
      counter = randomBytes(2).readUInt16BE() & 0x3ff;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    // Leave headroom above the seed so a burst in one millisecond rarely exhausts the counter.
    counter = randomBytes(2).readUInt16BE() & 0x3ff;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for any UUID: ids arrive from URLs, where a malformed one must be a 404, not a database error. */
export function isId(value: string): boolean {
  return UUID.test(value);
}

/** The creation time encoded in a UUIDv7. */
export function idTimestamp(id: string): Date {
  return new Date(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16));
}
