import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateApiKey, hashApiKey, hashesEqual, parseApiKey } from './api-key-format.ts';

describe('API key format', () => {
  it('generates distinct keys that parse back to their prefix', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey());
    assert.equal(new Set(keys.map((k) => k.key)).size, 200);
    for (const { key, prefix, hash } of keys) {
      assert.match(key, /^assay_[0-9A-Za-z]{12}_[0-9A-Za-z]{30}$/);
      assert.deepEqual(parseApiKey(key), { prefix });
      assert.equal(hash, hashApiKey(key));
    }
  });

  it('rejects every single-character change (CRC32 catches them all)', () => {
    const { key } = generateApiKey();
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    for (let i = 6; i < key.length; i++) {
      if (key[i] === '_') continue;
      const other = alphabet[(alphabet.indexOf(key[i] ?? '0') + 1) % alphabet.length];
      assert.equal(parseApiKey(`${key.slice(0, i)}${other}${key.slice(i + 1)}`), null, `position ${i}`);
    }
  });

  it('rejects other shapes', () => {
    const { key } = generateApiKey();
    for (const bad of [
      '',
      'assay_',
      key.slice(0, -1),
      `${key}0`,
      key.replace('assay_', 'assey_'),
      ` ${key}`,
      key.toUpperCase(),
    ]) {
      assert.equal(parseApiKey(bad), null, bad);
    }
  });

  it('compares hashes in constant time and refuses different lengths', () => {
    const hash = hashApiKey('x');
    assert.equal(hashesEqual(hash, hashApiKey('x')), true);
    assert.equal(hashesEqual(hash, hashApiKey('y')), false);
    assert.equal(hashesEqual(hash, hash.slice(0, 10)), false);
  });
});
