/**
 * Request signing for API keys that require it (CI clients). A signed request carries
 *
 *   Assay-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, "<t>.<METHOD>.<path?query>.<hex sha256(body)>")>
 *
 * over the raw body bytes as sent (an empty body hashes as the empty string). The server refuses a
 * signature outside ±300 s of its clock, one it has seen before (each signature is remembered as a
 * one-time nonce for the whole tolerance window, so a captured request cannot be replayed), and one
 * that does not match, compared in constant time. Several `v1=` entries may be sent; one match is
 * enough. The signing secret is separate from the API key: the key identifies, the secret proves
 * that the request was not altered or replayed.
 *
 * `signRequest` is what clients call (`assay run --remote` when ASSAY_SIGNING_SECRET is set).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EncryptedValue } from '../ports/environment-store.ts';
import type { SecretCipher } from './secrets-crypto.ts';

export const SIGNATURE_HEADER = 'Assay-Signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Secrets start with this, so secret scanners can recognise a leaked one. */
export const SIGNING_SECRET_PREFIX = 'assay_sig_';

export interface SignableRequest {
  method: string;
  /** The request target as sent: path and query string, e.g. `/api/v1/suites/…/runs?x=1`. */
  path: string;
  /** The raw body bytes (or text, UTF-8); empty or absent for no body. */
  body?: Uint8Array | string | null;
}

/** `<t>.<METHOD>.<path?query>.<hex sha256(body)>` */
export function canonicalString(timestamp: number, request: SignableRequest): string {
  const bodyHash = createHash('sha256')
    .update(request.body ?? '')
    .digest('hex');
  return `${timestamp}.${request.method.toUpperCase()}.${request.path}.${bodyHash}`;
}

export function computeSignature(secret: string, timestamp: number, request: SignableRequest): string {
  return createHmac('sha256', secret).update(canonicalString(timestamp, request)).digest('hex');
}

/** The `Assay-Signature` header value for a request, signed now (or at `nowSeconds`). */
export function signRequest(
  secret: string,
  request: SignableRequest,
  nowSeconds = Math.floor(Date.now() / 1000),
): string {
  return `t=${nowSeconds},v1=${computeSignature(secret, nowSeconds, request)}`;
}

/**
 * A signer for a client that may send the same request twice within a second (polling, reconnecting):
 * identical requests signed in the same second have the same signature, and the server accepts a
 * signature once. The signer moves the timestamp of a repeat one second past the last one it used
 * (the server accepts timestamps up to 300 s ahead).
 */
export function createRequestSigner(
  secret: string,
  now: () => number = () => Math.floor(Date.now() / 1000),
): (request: SignableRequest) => string {
  const lastUsed = new Map<string, number>();
  return (request) => {
    const identity = canonicalString(0, request);
    const previous = lastUsed.get(identity);
    const t = previous !== undefined && previous >= now() ? previous + 1 : now();
    if (lastUsed.size > 1000) lastUsed.clear();
    lastUsed.set(identity, t);
    return signRequest(secret, request, t);
  };
}

export interface ParsedSignature {
  timestamp: number;
  signatures: string[];
}

/** Reads `t=…,v1=…[,v1=…]`; unknown schemes are ignored (room for a v2), anything else is malformed. */
export function parseSignatureHeader(value: string): ParsedSignature | null {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 1) return null;
    const name = part.slice(0, eq).trim();
    const item = part.slice(eq + 1).trim();
    if (name === 't') {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(item)) return null;
      timestamp = Number(item);
    } else if (name === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(item)) return null;
      signatures.push(item);
    }
  }
  if (timestamp === undefined || signatures.length === 0 || signatures.length > 5) return null;
  return { timestamp, signatures };
}

export type SignatureVerdict =
  | { ok: true; timestamp: number; signature: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

/**
 * Checks a signature header against the request. Does not check replay: the caller remembers the
 * accepted signature as a nonce (`nonceKey`) for the tolerance window.
 */
export function verifySignature(input: {
  secret: string;
  header: string | undefined;
  request: SignableRequest;
  nowSeconds: number;
  toleranceSeconds?: number;
}): SignatureVerdict {
  if (input.header === undefined || input.header === '') return { ok: false, reason: 'missing' };
  const parsed = parseSignatureHeader(input.header);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const tolerance = input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  if (Math.abs(input.nowSeconds - parsed.timestamp) > tolerance) return { ok: false, reason: 'expired' };
  const expected = Buffer.from(computeSignature(input.secret, parsed.timestamp, input.request), 'hex');
  // Every candidate is compared, so the time taken does not say which one matched.
  let match: string | undefined;
  for (const candidate of parsed.signatures) {
    const given = Buffer.from(candidate, 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected)) match ??= candidate;
  }
  return match
    ? { ok: true, timestamp: parsed.timestamp, signature: match }
    : { ok: false, reason: 'mismatch' };
}

/** The one-time nonce of an accepted signature; the signature covers the timestamp, so it is unique. */
export function nonceKey(apiKeyId: string, signature: string): string {
  return `sig:${apiKeyId}:${signature}`;
}

/** Long enough that a signature is remembered for as long as its timestamp is accepted. */
export const NONCE_TTL_MS = 2 * SIGNATURE_TOLERANCE_SECONDS * 1000 + 60_000;

/** 256 random bits, base64url, behind a recognisable prefix. */
export function generateSigningSecret(): string {
  return `${SIGNING_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * The secret is stored encrypted (AES-256-GCM with ASSAY_SECRET_KEY) because HMAC needs it back; the
 * additional data binds the ciphertext to its organisation and key, so a row copied to another key
 * does not decrypt.
 */
function secretContext(owner: { organisationId: string; keyPrefix: string }) {
  return {
    organisationId: owner.organisationId,
    environmentId: `api_key:${owner.keyPrefix}`,
    name: 'signing_secret',
  };
}

export function sealSigningSecret(
  cipher: SecretCipher,
  owner: { organisationId: string; keyPrefix: string },
  secret: string,
): EncryptedValue {
  return cipher.encrypt(secret, secretContext(owner));
}

export function openSigningSecret(
  cipher: SecretCipher,
  owner: { organisationId: string; keyPrefix: string },
  sealed: EncryptedValue,
): string {
  return cipher.decrypt(sealed, secretContext(owner));
}
