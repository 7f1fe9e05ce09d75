import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretCipher, SecretDecryptionError, secretKeyId } from './secrets-crypto.ts';

const context = { organisationId: 'org-1', environmentId: 'env-1', name: 'TOKEN' };

describe('secret cipher', () => {
  const key = randomBytes(32);
  const cipher = createSecretCipher({ key });

  it('round-trips text, including non-ASCII and empty values', () => {
    for (const plaintext of ['s3cr3t', '', 'pâté 🔑 \n line two']) {
      assert.equal(cipher.decrypt(cipher.encrypt(plaintext, context), context), plaintext);
    }
  });

  it('uses a fresh 96-bit IV and a 128-bit tag for every value, and records the key id', () => {
    const a = cipher.encrypt('same', context);
    const b = cipher.encrypt('same', context);
    assert.equal(a.iv.length, 12);
    assert.equal(a.tag.length, 16);
    assert.notDeepEqual(a.iv, b.iv);
    assert.notDeepEqual(a.ciphertext, b.ciphertext);
    assert.equal(a.keyId, secretKeyId(key));
    assert.equal(cipher.keyId, a.keyId);
    assert.match(a.keyId, /^[0-9a-f]{16}$/);
    assert.ok(!a.ciphertext.includes(Buffer.from('same')));
  });

  it('rejects a tampered ciphertext, tag or IV', () => {
    const value = cipher.encrypt('top secret', context);
    const flip = (bytes: Buffer) => {
      const copy = Buffer.from(bytes);
      copy[0] = (copy[0] ?? 0) ^ 1;
      return copy;
    };
    for (const altered of [
      { ...value, ciphertext: flip(value.ciphertext) },
      { ...value, tag: flip(value.tag) },
      { ...value, iv: flip(value.iv) },
    ]) {
      assert.throws(() => cipher.decrypt(altered, context), {
        name: 'SecretDecryptionError',
        code: 'secret_undecryptable',
        message: 'secret TOKEN cannot be decrypted: the authentication tag does not match',
      });
    }
  });

  it('binds a value to its organisation, environment and name', () => {
    const value = cipher.encrypt('bound', context);
    for (const other of [
      { ...context, organisationId: 'org-2' },
      { ...context, environmentId: 'env-2' },
      { ...context, name: 'OTHER' },
    ]) {
      assert.throws(() => cipher.decrypt(value, other), SecretDecryptionError);
    }
  });

  it('names the missing key when a value was encrypted under another one', () => {
    const other = createSecretCipher({ key: randomBytes(32) });
    const value = other.encrypt('x', context);
    assert.throws(
      () => cipher.decrypt(value, context),
      (error: unknown) => {
        assert.ok(error instanceof SecretDecryptionError);
        assert.equal(error.retryable, false);
        assert.match(error.message, new RegExp(`encrypted with key ${other.keyId}, which is not configured`));
        return true;
      },
    );
  });

  it('decrypts with a previous key after rotation and encrypts with the new one', () => {
    const oldKey = randomBytes(32);
    const before = createSecretCipher({ key: oldKey }).encrypt('kept', context);
    const rotated = createSecretCipher({ key: randomBytes(32), previousKeys: [oldKey] });
    assert.equal(rotated.decrypt(before, context), 'kept');
    assert.notEqual(rotated.encrypt('new', context).keyId, before.keyId);
  });

  it('refuses keys that are not 32 bytes', () => {
    assert.throws(() => createSecretCipher({ key: randomBytes(16) }), /32 bytes/);
  });
});
