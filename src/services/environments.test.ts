import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { type ServiceHarness, serviceHarness } from '../../test/support/service-harness.ts';
import { createEnvironmentService, type EnvironmentService } from './environments.ts';
import { createSecretCipher } from './secrets-crypto.ts';

describe('environment service', () => {
  let h: ServiceHarness;
  let service: EnvironmentService;
  const key = randomBytes(32);
  let projectId: string;

  before(async () => {
    h = await serviceHarness();
    service = createEnvironmentService({
      stores: h.stores,
      transaction: h.transaction,
      cipher: createSecretCipher({ key }),
    });
    projectId = (
      await h.stores.projects.create({ organisationId: h.caller.organisationId, name: 'API', slug: 'api' })
    ).id;
  });

  it('stores secrets encrypted under the key id and resolves them in clear for a run', async () => {
    const environment = await service.create(h.caller, {
      projectId,
      name: 'staging',
      variables: { baseUrl: 'https://staging.example.test', retries: 2 },
      secrets: { API_TOKEN: 'tok-123' },
    });
    assert.deepEqual(await service.putSecret(h.caller, environment.id, 'DB_PASSWORD', 'hunter2'), {
      created: true,
    });
    assert.deepEqual(await service.putSecret(h.caller, environment.id, 'API_TOKEN', 'tok-456'), {
      created: false,
    });

    const stored = await h.stores.environments.getSecrets(h.caller.organisationId, environment.id);
    assert.deepEqual(stored.map((s) => s.name).sort(), ['API_TOKEN', 'DB_PASSWORD']);
    for (const secret of stored) {
      assert.equal(secret.keyId, createSecretCipher({ key }).keyId);
      assert.equal(secret.iv.length, 12);
      assert.equal(secret.tag.length, 16);
      assert.ok(
        !secret.ciphertext.includes(Buffer.from('tok-456')) &&
          !secret.ciphertext.includes(Buffer.from('hunter2')),
      );
    }

    assert.deepEqual(await service.resolveEnvironmentForRun(h.caller.organisationId, environment.id), {
      variables: { baseUrl: 'https://staging.example.test', retries: 2 },
      secrets: { API_TOKEN: 'tok-456', DB_PASSWORD: 'hunter2' },
    });

    const names = await service.listSecrets(h.caller.organisationId, environment.id);
    assert.deepEqual(
      names.map((s) => Object.keys(s).sort()),
      [
        ['name', 'updatedAt'],
        ['name', 'updatedAt'],
      ],
    );
  });

  it('records names, never values, in the audit log', async () => {
    const environment = await service.create(h.caller, {
      projectId,
      name: 'audited',
      secrets: { K: 'v-secret' },
    });
    await service.putSecret(h.caller, environment.id, 'K', 'v-secret-2');
    await service.deleteSecret(h.caller, environment.id, 'K');
    const { items } = await h.stores.audit.list(h.caller.organisationId, {});
    const mine = items.filter((e) => e.target?.id === environment.id).map((e) => e.action);
    assert.deepEqual(mine, [
      'environment.secret_deleted',
      'environment.secret_updated',
      'environment.created',
    ]);
    assert.ok(!JSON.stringify(items).includes('v-secret'));
  });

  it('fails to resolve secrets under another key, naming the secret', async () => {
    const environment = await service.create(h.caller, { projectId, name: 'rotated', secrets: { OLD: 'x' } });
    const other = createEnvironmentService({
      stores: h.stores,
      transaction: h.transaction,
      cipher: createSecretCipher({ key: randomBytes(32) }),
    });
    await assert.rejects(other.resolveEnvironmentForRun(h.caller.organisationId, environment.id), {
      name: 'SecretDecryptionError',
      code: 'secret_undecryptable',
      message:
        /^secret OLD cannot be decrypted: it was encrypted with key [0-9a-f]{16}, which is not configured/,
    });
  });

  it("treats another organisation's environment as unknown", async () => {
    const environment = await service.create(h.caller, { projectId, name: 'private', secrets: { S: 'x' } });
    await assert.rejects(service.resolveEnvironmentForRun(h.other.organisationId, environment.id), {
      code: 'not_found',
      message: 'environment not found',
    });
    await assert.rejects(service.putSecret(h.other, environment.id, 'S', 'overwrite'), { code: 'not_found' });
    await assert.rejects(service.deleteSecret(h.other, environment.id, 'S'), { code: 'not_found' });
    await assert.rejects(service.create(h.other, { projectId, name: 'x' }), { message: 'project not found' });
    assert.equal(
      (await service.resolveEnvironmentForRun(h.caller.organisationId, environment.id)).secrets.S,
      'x',
    );
  });

  it('refuses bad secret names and oversized values with every problem', async () => {
    await assert.rejects(
      service.create(h.caller, {
        projectId,
        name: 'bad',
        secrets: { 'has space': 'x', OK: 'y'.repeat(70_000) },
      }),
      (error: unknown) => {
        assert.deepEqual((error as { problems: unknown }).problems, [
          {
            path: 'body.secrets.has space',
            message: 'a secret name is 1 to 128 letters, digits, underscores or hyphens',
            code: 'invalid_name',
          },
          { path: 'body.secrets.OK', message: 'is longer than 65536 bytes', code: 'too_large' },
        ]);
        assert.equal((error as { status: number }).status, 422);
        return true;
      },
    );
    const { items } = await service.list(h.caller.organisationId, { projectId });
    assert.ok(!items.some((e) => e.name === 'bad'), 'nothing half-created');
  });
});
