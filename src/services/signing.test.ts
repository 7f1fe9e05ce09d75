import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretCipher } from './secrets-crypto.ts';
import {
  canonicalString,
  createRequestSigner,
  generateSigningSecret,
  openSigningSecret,
  parseSignatureHeader,
  sealSigningSecret,
  signRequest,
  verifySignature,
} from './signing.ts';

const SECRET = 'assay_sig_example-secret-do-not-use';
const REQUEST = { method: 'post', path: '/api/v1/suites/0190/runs?x=1', body: '{"variables":{"a":1}}' };

describe('request signing', () => {
  it('signs "<t>.<METHOD>.<path?query>.<hex sha256(body)>" with HMAC-SHA256', () => {
    const bodyHash = createHash('sha256').update(REQUEST.body).digest('hex');
    assert.equal(canonicalString(1700000000, REQUEST), `1700000000.POST.${REQUEST.path}.${bodyHash}`);
    const expected = createHmac('sha256', SECRET)
      .update(`1700000000.POST.${REQUEST.path}.${bodyHash}`)
      .digest('hex');
    assert.equal(signRequest(SECRET, REQUEST, 1700000000), `t=1700000000,v1=${expected}`);
  });

  it('hashes an absent body as the empty string, and bytes as given', () => {
    const empty = createHash('sha256').update('').digest('hex');
    assert.ok(canonicalString(1, { method: 'GET', path: '/x' }).endsWith(`.${empty}`));
    assert.equal(
      canonicalString(1, { method: 'GET', path: '/x', body: Buffer.from('é') }),
      canonicalString(1, { method: 'GET', path: '/x', body: 'é' }),
    );
  });

  it('accepts its own signature within the tolerance and names why it refuses', () => {
    const header = signRequest(SECRET, REQUEST, 1000);
    const verify = (overrides: Partial<Parameters<typeof verifySignature>[0]>) =>
      verifySignature({ secret: SECRET, header, request: REQUEST, nowSeconds: 1000, ...overrides });
    assert.equal(verify({}).ok, true);
    assert.equal(verify({ nowSeconds: 1300 }).ok, true);
    assert.deepEqual(verify({ nowSeconds: 1301 }), { ok: false, reason: 'expired' });
    assert.deepEqual(verify({ nowSeconds: 699 }), { ok: false, reason: 'expired' });
    assert.deepEqual(verify({ header: undefined }), { ok: false, reason: 'missing' });
    assert.deepEqual(verify({ header: 'v1=abc' }), { ok: false, reason: 'malformed' });
    assert.deepEqual(verify({ secret: 'another' }), { ok: false, reason: 'mismatch' });
    for (const request of [
      { ...REQUEST, body: '{"variables":{"a":2}}' },
      { ...REQUEST, path: '/api/v1/suites/0190/runs?x=2' },
      { ...REQUEST, method: 'PUT' },
    ]) {
      assert.deepEqual(verify({ request }), { ok: false, reason: 'mismatch' });
    }
  });

  it('accepts one matching v1 among several (secret rotation) and ignores unknown schemes', () => {
    const good = signRequest(SECRET, REQUEST, 1000).split(',')[1];
    const header = `t=1000,v0=zzz,v1=${'0'.repeat(64)},${good}`;
    assert.equal(verifySignature({ secret: SECRET, header, request: REQUEST, nowSeconds: 1000 }).ok, true);
  });

  it('parses strictly', () => {
    assert.equal(parseSignatureHeader('t=1,t=2,v1=' + 'a'.repeat(64)), null);
    assert.equal(parseSignatureHeader('t=-1,v1=' + 'a'.repeat(64)), null);
    assert.equal(parseSignatureHeader('t=1,v1=' + 'A'.repeat(64)), null);
    assert.equal(parseSignatureHeader('t=1'), null);
    assert.deepEqual(parseSignatureHeader(' t=5 , v1=' + 'a'.repeat(64)), {
      timestamp: 5,
      signatures: ['a'.repeat(64)],
    });
  });

  it('gives repeated identical requests distinct signatures', () => {
    const sign = createRequestSigner(SECRET, () => 5000);
    const first = sign({ method: 'GET', path: '/api/v1/runs/1' });
    const second = sign({ method: 'GET', path: '/api/v1/runs/1' });
    const other = sign({ method: 'GET', path: '/api/v1/runs/2' });
    assert.notEqual(first, second);
    assert.match(second, /^t=5001,/);
    assert.match(other, /^t=5000,/);
  });

  it('generates 256-bit secrets and stores them bound to their key', () => {
    const secret = generateSigningSecret();
    assert.match(secret, /^assay_sig_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(secret, generateSigningSecret());
    const cipher = createSecretCipher({ key: Buffer.alloc(32, 1) });
    const owner = { organisationId: 'org-1', keyPrefix: 'assay_abc' };
    const sealed = sealSigningSecret(cipher, owner, secret);
    assert.ok(!sealed.ciphertext.toString('utf8').includes(secret));
    assert.equal(openSigningSecret(cipher, owner, sealed), secret);
    assert.throws(() => openSigningSecret(cipher, { ...owner, keyPrefix: 'assay_other' }, sealed));
  });
});
