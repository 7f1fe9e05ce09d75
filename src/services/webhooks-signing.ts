/**
 * Webhook signatures, the Standard Webhooks way (https://www.standardwebhooks.com), so that receivers
 * can use its libraries as they are:
 *
 *   webhook-id:        the delivery id (the same on every retry: receivers deduplicate with it)
 *   webhook-timestamp: unix seconds of this attempt
 *   webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>
 *
 * The secret reads `whsec_<base64 of 32 random bytes>` and the HMAC key is those bytes. Several
 * signatures may be sent separated by spaces (during a secret rotation); one match is enough.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EncryptedValue } from '../ports/environment-store.ts';
import type { SecretCipher } from './secrets-crypto.ts';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** Receivers should refuse a timestamp further than this from their clock (replays). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The HMAC key of a secret: the bytes after the prefix. */
export function webhookKey(secret: string): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX)
    ? secret.slice(WEBHOOK_SECRET_PREFIX.length)
    : secret;
  return Buffer.from(encoded, 'base64');
}

export interface SignedMessage {
  id: string;
  /** Unix seconds. */
  timestamp: number;
  /** The raw body, exactly as sent. */
  body: string;
}

export function webhookSignature(secret: string, message: SignedMessage): string {
  const mac = createHmac('sha256', webhookKey(secret))
    .update(`${message.id}.${message.timestamp}.${message.body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The three headers of a signed delivery. */
export function webhookHeaders(secret: string, message: SignedMessage): Record<string, string> {
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(message.timestamp),
    'webhook-signature': webhookSignature(secret, message),
  };
}

export type WebhookVerdict = { ok: true } | { ok: false; reason: 'missing' | 'expired' | 'mismatch' };

/** What a receiver does: timestamp within the tolerance, then a constant-time signature comparison. */
export function verifyWebhook(input: {
  secret: string;
  headers: { id?: string | null; timestamp?: string | null; signature?: string | null };
  body: string;
  nowSeconds: number;
  toleranceSeconds?: number;
}): WebhookVerdict {
  const { id, timestamp, signature } = input.headers;
  if (!id || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'missing' };
  const seconds = Number(timestamp);
  if (Math.abs(input.nowSeconds - seconds) > (input.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'expired' };
  }
  const expected = Buffer.from(webhookSignature(input.secret, { id, timestamp: seconds, body: input.body }));
  let matched = false;
  // Every candidate is compared, so the time taken does not say which one matched.
  for (const candidate of signature.split(' ')) {
    const given = Buffer.from(candidate);
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/**
 * The secret is stored encrypted (HMAC needs it back); the additional data binds the ciphertext to its
 * organisation and channel, so a row copied to another channel does not decrypt.
 */
function secretContext(owner: { organisationId: string; channelId: string }) {
  return {
    organisationId: owner.organisationId,
    environmentId: `notification_channel:${owner.channelId}`,
    name: 'webhook_secret',
  };
}

export function sealWebhookSecret(
  cipher: SecretCipher,
  owner: { organisationId: string; channelId: string },
  secret: string,
): EncryptedValue {
  return cipher.encrypt(secret, secretContext(owner));
}

export function openWebhookSecret(
  cipher: SecretCipher,
  owner: { organisationId: string; channelId: string },
  sealed: EncryptedValue,
): string {
  return cipher.decrypt(sealed, secretContext(owner));
}
