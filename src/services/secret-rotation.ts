/**
 * Key rotation for environment secrets: every value is decrypted with whichever configured key its key
 * id names and re-encrypted with the current key, one transaction per environment. Values already
 * under the current key are left alone, so running it twice changes nothing. A value no configured key
 * can decrypt is reported and kept as it is.
 */
import type { Stores, TransactionRunner } from '../ports/stores.ts';
import { type SecretCipher, SecretDecryptionError } from './secrets-crypto.ts';

export interface SecretRotationFailure {
  organisationId: string;
  environmentId: string;
  name: string;
  reason: string;
}

export interface SecretRotationReport {
  environments: number;
  rotated: number;
  alreadyCurrent: number;
  failed: SecretRotationFailure[];
}

export async function rotateEnvironmentSecrets(options: {
  stores: Stores;
  transaction: TransactionRunner;
  /** Current key for encryption; previous keys for decryption. */
  cipher: SecretCipher;
}): Promise<SecretRotationReport> {
  const { stores, transaction, cipher } = options;
  const report: SecretRotationReport = { environments: 0, rotated: 0, alreadyCurrent: 0, failed: [] };
  for (const { organisationId, environmentId } of await stores.environments.listSecretEnvironments()) {
    report.environments += 1;
    await transaction(async (tx) => {
      for (const secret of await tx.environments.getSecrets(organisationId, environmentId)) {
        if (secret.keyId === cipher.keyId) {
          report.alreadyCurrent += 1;
          continue;
        }
        const context = { organisationId, environmentId, name: secret.name };
        let plaintext: string;
        try {
          plaintext = cipher.decrypt(secret, context);
        } catch (error) {
          if (!(error instanceof SecretDecryptionError)) throw error;
          report.failed.push({ organisationId, environmentId, name: secret.name, reason: error.message });
          continue;
        }
        await tx.environments.putSecret(organisationId, environmentId, {
          name: secret.name,
          ...cipher.encrypt(plaintext, context),
        });
        report.rotated += 1;
      }
    });
  }
  return report;
}
