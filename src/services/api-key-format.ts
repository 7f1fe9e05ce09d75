/**
 * The API key format: `assay_<id>_<secret><checksum>`, for example
 * `assay_4Fh7Kq2ZpX9a_Vb3nT8rLw1QsY6mD0cJ2eHkPz1xGt5`.
 * - `assay_` lets secret scanners recognise a leaked key;
 * - `<id>` (12 base62 characters) is public: it is shown in lists and finds the key in the database;
 * - `<secret>` is 24 base62 characters (about 142 random bits);
 * - `<checksum>` is the CRC32 of everything before it, 6 base62 characters, so a mistyped or truncated
 *   key is rejected without a database lookup and scanners can drop false positives offline.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_LENGTH = 12;
const SECRET_LENGTH = 24;
const CHECKSUM_LENGTH = 6;
const SHAPE = new RegExp(
  `^assay_([0-9A-Za-z]{${ID_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH + CHECKSUM_LENGTH}})$`,
);

function randomBase62(length: number): string {
  let out = '';
  // randomInt draws without modulo bias.
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

function checksum(body: string): string {
  return base62(crc32(body), CHECKSUM_LENGTH);
}

export interface GeneratedApiKey {
  /** The whole key: shown once, never stored. */
  key: string;
  /** `assay_<id>`: stored and shown in lists. */
  prefix: string;
  /** SHA-256 of the whole key, hex. */
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = `assay_${randomBase62(ID_LENGTH)}`;
  const body = `${prefix}_${randomBase62(SECRET_LENGTH)}`;
  const key = `${body}${checksum(body)}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** The public prefix of a well-formed key whose checksum matches; null otherwise. */
export function parseApiKey(key: string): { prefix: string } | null {
  const match = SHAPE.exec(key);
  if (!match) return null;
  const body = key.slice(0, key.length - CHECKSUM_LENGTH);
  if (checksum(body) !== key.slice(-CHECKSUM_LENGTH)) return null;
  return { prefix: `assay_${match[1]}` };
}

/** The key has ~142 random bits, so a fast unsalted hash cannot be brute-forced. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
