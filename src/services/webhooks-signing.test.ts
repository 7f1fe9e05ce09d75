/** Webhook signatures: the Standard Webhooks test vector, verification, and sealing of the secret. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretCipher } from './secrets-crypto.ts';
import {
  generateWebhookSecret,
  openWebhookSecret,
  sealWebhookSecret,
  verifyWebhook,
  webhookHeaders,
  webhookKey,
  webhookSignature,
} from './webhooks-signing.ts';

describe('webhook signatures', () => {
  it('match the Standard Webhooks reference vector', () => {
    // From the standard's test suite: receivers using its libraries verify what Assay sends.
    assert.equal(
      webhookSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', {
        id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        timestamp: 1614265330,
        body: '{"test": 2432232314}',
      }),
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('generates 32-byte secrets behind the whsec_ prefix', () => {
    const secret = generateWebhookSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    assert.equal(webhookKey(secret).length, 32);
    assert.notEqual(generateWebhookSecret(), secret);
  });

  it('verifies the headers it makes, within the tolerance, and refuses any change', () => {
    const secret = generateWebhookSecret();
    const body = '{"type":"run.failed"}';
    const headers = webhookHeaders(secret, { id: 'd1', timestamp: 1_700_000_000, body });
    const read = {
      id: headers['webhook-id'],
      timestamp: headers['webhook-timestamp'],
      signature: headers['webhook-signature'],
    };
    const verify = (overrides: Partial<Parameters<typeof verifyWebhook>[0]>) =>
      verifyWebhook({ secret, headers: read, body, nowSeconds: 1_700_000_100, ...overrides });
    assert.deepEqual(verify({}), { ok: true });
    assert.deepEqual(verify({ body: '{"type":"run.passed"}' }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verify({ secret: generateWebhookSecret() }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verify({ headers: { ...read, id: 'd2' } }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verify({ nowSeconds: 1_700_000_000 + 301 }), { ok: false, reason: 'expired' });
    assert.deepEqual(verify({ headers: { ...read, signature: null } }), { ok: false, reason: 'missing' });
    // Several signatures (a rotation in progress): one match is enough.
    const rotated = `v1,${randomBytes(32).toString('base64')} ${read.signature}`;
    assert.deepEqual(verify({ headers: { ...read, signature: rotated } }), { ok: true });
  });

  it('seals the secret bound to its organisation and channel', () => {
    const cipher = createSecretCipher({ key: randomBytes(32) });
    const owner = { organisationId: 'o1', channelId: 'c1' };
    const sealed = sealWebhookSecret(cipher, owner, 'whsec_abc');
    assert.equal(openWebhookSecret(cipher, owner, sealed), 'whsec_abc');
    assert.throws(
      () => openWebhookSecret(cipher, { ...owner, channelId: 'c2' }, sealed),
      /cannot be decrypted/,
    );
  });
});
