import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { freshPgliteDatabase } from '../../test/support/db.ts';
import type { Database } from '../adapters/postgres/database.ts';
import { createPostgresStores, createTransactionRunner } from '../adapters/postgres/stores.ts';
import { parsePreviousKeys } from '../cli/commands/secrets.ts';
import { manualClock } from '../platform/clock.ts';
import type { Stores, TransactionRunner } from '../ports/stores.ts';
import { rotateEnvironmentSecrets } from './secret-rotation.ts';
import { createSecretCipher } from './secrets-crypto.ts';

describe('secret key rotation', () => {
  let database: Database;
  let stores: Stores;
  let transaction: TransactionRunner;
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);
  const values = new Map<
    string,
    { organisationId: string; environmentId: string; name: string; value: string }
  >();

  before(async () => {
    database = await freshPgliteDatabase();
    const clock = manualClock('2025-01-01T00:00:00.000Z');
    stores = createPostgresStores({ db: database.db, clock });
    transaction = createTransactionRunner({ db: database.db, clock });
    const cipherA = createSecretCipher({ key: keyA });
    for (const slug of ['acme', 'globex']) {
      const organisation = await stores.organisations.create({ name: slug, slug });
      const project = await stores.projects.create({
        organisationId: organisation.id,
        name: 'API',
        slug: 'api',
      });
      for (const envName of ['staging', 'production']) {
        const environment = await stores.environments.create({
          organisationId: organisation.id,
          projectId: project.id,
          name: envName,
        });
        for (const name of ['TOKEN', 'PASSWORD']) {
          const context = { organisationId: organisation.id, environmentId: environment.id, name };
          const value = `${slug}-${envName}-${name}-${randomBytes(4).toString('hex')}`;
          await stores.environments.putSecret(organisation.id, environment.id, {
            name,
            ...cipherA.encrypt(value, context),
          });
          values.set(`${environment.id}/${name}`, { ...context, value });
        }
      }
    }
  });

  after(() => database.close());

  async function assertAllDecryptWithBAlone(): Promise<void> {
    const cipherB = createSecretCipher({ key: keyB });
    for (const { organisationId, environmentId, name, value } of values.values()) {
      const secret = (await stores.environments.getSecrets(organisationId, environmentId)).find(
        (s) => s.name === name,
      );
      assert.ok(secret);
      assert.equal(secret.keyId, cipherB.keyId);
      assert.equal(cipherB.decrypt(secret, { organisationId, environmentId, name }), value);
    }
  }

  it('re-encrypts every secret under the new key, and a second run changes nothing', async () => {
    const cipher = createSecretCipher({ key: keyB, previousKeys: [keyA] });
    const first = await rotateEnvironmentSecrets({ stores, transaction, cipher });
    assert.deepEqual(first, { environments: 4, rotated: 8, alreadyCurrent: 0, failed: [] });
    await assertAllDecryptWithBAlone();

    const second = await rotateEnvironmentSecrets({ stores, transaction, cipher });
    assert.deepEqual(second, { environments: 4, rotated: 0, alreadyCurrent: 8, failed: [] });
    await assertAllDecryptWithBAlone();
  });

  it('reports a value no key can decrypt and leaves it unchanged', async () => {
    const [first] = values.values();
    assert.ok(first);
    const stranger = createSecretCipher({ key: randomBytes(32) });
    const context = {
      organisationId: first.organisationId,
      environmentId: first.environmentId,
      name: 'ORPHAN',
    };
    const orphan = stranger.encrypt('lost', context);
    await stores.environments.putSecret(first.organisationId, first.environmentId, {
      name: 'ORPHAN',
      ...orphan,
    });

    const cipher = createSecretCipher({ key: keyB, previousKeys: [keyA] });
    const report = await rotateEnvironmentSecrets({ stores, transaction, cipher });
    assert.equal(report.rotated, 0);
    assert.equal(report.alreadyCurrent, 8);
    assert.equal(report.failed.length, 1);
    assert.equal(report.failed[0]?.name, 'ORPHAN');
    assert.equal(report.failed[0]?.environmentId, first.environmentId);
    const stored = (await stores.environments.getSecrets(first.organisationId, first.environmentId)).find(
      (s) => s.name === 'ORPHAN',
    );
    assert.ok(stored);
    assert.equal(stored.keyId, orphan.keyId);
    assert.ok(stored.ciphertext.equals(orphan.ciphertext));
    assert.equal(stranger.decrypt(stored, context), 'lost');
  });

  it('parses previous keys from flags and the comma-separated environment variable', () => {
    const keys = parsePreviousKeys([keyA.toString('base64')], ` ${keyB.toString('hex')} ,`);
    assert.deepEqual(keys, [keyA, keyB]);
    assert.throws(() => parsePreviousKeys(['short'], undefined), /previous key #1/);
  });
});
