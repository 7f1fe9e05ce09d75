/**
 * `Idempotency-Key` on run creation: the key is kept for 24 hours with a fingerprint of the request,
 * so a retried request returns the first run, and the same key sent with a different body is refused
 * rather than silently answered with a run that is not what was asked for.
 */
import { createHash } from 'node:crypto';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Longest key accepted (the IETF draft suggests UUIDs; this leaves room for other schemes). */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/** A hash of what the request asks for, independent of the key order of JSON objects. */
export function idempotencyFingerprint(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
