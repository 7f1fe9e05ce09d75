/**
 * Encryption of environment secrets at rest: AES-256-GCM with a random 96-bit IV per value and the
 * 128-bit authentication tag checked on decryption. Each value records the id of the key that
 * encrypted it, so a later key rotation can keep old keys for reading while new writes use the
 * current one. The additional authenticated data binds a ciphertext to its organisation, environment
 * and name: a row copied elsewhere in the database fails to decrypt instead of leaking a secret.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { EncryptedValue } from '../ports/environment-store.ts';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Where a secret lives; part of what its ciphertext authenticates. */
export interface SecretContext {
  organisationId: string;
  environmentId: string;
  name: string;
}

export interface SecretCipher {
  /** Id of the key new values are encrypted with. */
  readonly keyId: string;
  encrypt(plaintext: string, context: SecretContext): EncryptedValue;
  /** Throws SecretDecryptionError when the key is unknown or the value or its context was altered. */
  decrypt(value: EncryptedValue, context: SecretContext): string;
}

/** Decryption failed: a configuration problem (wrong key) or tampering, never worth retrying. */
export class SecretDecryptionError extends Error {
  readonly code = 'secret_undecryptable';
  readonly retryable = false;
  readonly secretName: string;
  constructor(secretName: string, reason: string) {
    super(`secret ${secretName} cannot be decrypted: ${reason}`);
    this.name = 'SecretDecryptionError';
    this.secretName = secretName;
  }
}

/**
 * A fingerprint of the key, not the key: 8 bytes of a domain-separated SHA-256, enough to tell keys
 * apart and useless for recovering one.
 */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update('assay secret key id\0').update(key).digest('hex').slice(0, 16);
}

export function createSecretCipher(options: {
  /** The current key: 32 bytes. */
  key: Buffer;
  /** Keys retired by a rotation, still accepted for decryption. */
  previousKeys?: readonly Buffer[];
}): SecretCipher {
  const keys = new Map<string, Buffer>();
  for (const key of [options.key, ...(options.previousKeys ?? [])]) {
    if (key.length !== 32) throw new Error('a secret key is 32 bytes (AES-256)');
    keys.set(secretKeyId(key), key);
  }
  const keyId = secretKeyId(options.key);
  const current = options.key;

  return {
    keyId,
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, current, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(context));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { ciphertext, iv, tag: cipher.getAuthTag(), keyId };
    },
    decrypt(value, context) {
      const key = keys.get(value.keyId);
      if (!key) {
        throw new SecretDecryptionError(
          context.name,
          `it was encrypted with key ${value.keyId}, which is not configured (ASSAY_SECRET_KEY is key ${keyId})`,
        );
      }
      if (value.iv.length !== IV_BYTES || value.tag.length !== TAG_BYTES) {
        throw new SecretDecryptionError(context.name, 'the stored value is malformed');
      }
      try {
        const decipher = createDecipheriv(ALGORITHM, key, value.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(additionalData(context));
        decipher.setAuthTag(value.tag);
        return Buffer.concat([decipher.update(value.ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretDecryptionError(context.name, 'the authentication tag does not match');
      }
    },
  };
}

function additionalData(context: SecretContext): Buffer {
  // JSON keeps the fields unambiguous whatever characters they contain.
  return Buffer.from(JSON.stringify([context.organisationId, context.environmentId, context.name]));
}
