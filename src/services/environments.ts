/**
 * Environments: per-project variables, and secrets that go in through the API but never come back out
 * of it. Secret values are encrypted here, before they reach a store, and decrypted only for a run.
 */
import { NotFoundError, UnprocessableError } from '../platform/errors.ts';
import type { Environment } from '../ports/environment-store.ts';
import type { Page, PageRequest } from '../ports/pagination.ts';
import type { Stores, TransactionRunner } from '../ports/stores.ts';
import { type Caller, recordAudit } from './caller.ts';
import type { SecretCipher } from './secrets-crypto.ts';

/** What `{{ secrets.NAME }}` can refer to (the template grammar's segment), with a sane length. */
export const SECRET_NAME = /^[A-Za-z0-9_-]{1,128}$/;
/** A secret is a credential, not a file. */
export const MAX_SECRET_BYTES = 65_536;
export const MAX_SECRETS_PER_ENVIRONMENT = 200;

export interface SecretInfo {
  name: string;
  updatedAt: Date;
}

export interface EnvironmentServiceDeps {
  stores: Pick<Stores, 'projects' | 'environments'>;
  transaction: TransactionRunner;
  cipher: SecretCipher;
}

export interface EnvironmentService {
  /** Throws NotFoundError when the project is not in the organisation. */
  list(organisationId: string, filter: { projectId: string }, page?: PageRequest): Promise<Page<Environment>>;
  get(organisationId: string, environmentId: string): Promise<Environment>;
  /** Throws ConflictError(`name_taken`) for a name used in the project. */
  create(
    caller: Caller,
    input: {
      projectId: string;
      name: string;
      variables?: Record<string, unknown> | undefined;
      secrets?: Record<string, string> | undefined;
    },
  ): Promise<Environment>;
  /** `variables` replaces the whole object. */
  update(
    caller: Caller,
    environmentId: string,
    patch: { name?: string | undefined; variables?: Record<string, unknown> | undefined },
  ): Promise<Environment>;
  delete(caller: Caller, environmentId: string): Promise<void>;
  /** Names and times only. */
  listSecrets(organisationId: string, environmentId: string): Promise<SecretInfo[]>;
  /** Creates or replaces a secret; returns whether it was new. */
  putSecret(
    caller: Caller,
    environmentId: string,
    name: string,
    value: string,
  ): Promise<{ created: boolean }>;
  deleteSecret(caller: Caller, environmentId: string, name: string): Promise<void>;
  /**
   * For the run executor only: the variables and every secret in clear text. Throws NotFoundError when
   * the environment is gone, SecretDecryptionError when a value cannot be decrypted (wrong key).
   */
  resolveEnvironmentForRun(
    organisationId: string,
    environmentId: string,
  ): Promise<{ variables: Record<string, unknown>; secrets: Record<string, string> }>;
}

export function createEnvironmentService({
  stores,
  transaction,
  cipher,
}: EnvironmentServiceDeps): EnvironmentService {
  async function requireEnvironment(organisationId: string, environmentId: string): Promise<Environment> {
    const environment = await stores.environments.get(organisationId, environmentId);
    if (!environment) throw new NotFoundError('environment');
    return environment;
  }

  return {
    async list(organisationId, filter, page) {
      if (!(await stores.projects.get(organisationId, filter.projectId))) throw new NotFoundError('project');
      return stores.environments.list(organisationId, filter, page);
    },

    get: requireEnvironment,

    async create(caller, input) {
      const secrets = Object.entries(input.secrets ?? {});
      checkSecrets(secrets, 'body.secrets');
      if (!(await stores.projects.get(caller.organisationId, input.projectId))) {
        throw new NotFoundError('project');
      }
      return transaction(async (tx) => {
        const environment = await tx.environments.create({
          organisationId: caller.organisationId,
          projectId: input.projectId,
          name: input.name,
          variables: input.variables ?? {},
        });
        for (const [name, value] of secrets) {
          const context = { organisationId: caller.organisationId, environmentId: environment.id, name };
          await tx.environments.putSecret(caller.organisationId, environment.id, {
            name,
            ...cipher.encrypt(value, context),
          });
        }
        await recordAudit(tx.audit, caller, {
          action: 'environment.created',
          target: { type: 'environment', id: environment.id },
          data: {
            projectId: input.projectId,
            name: environment.name,
            variables: Object.keys(environment.variables),
            secrets: secrets.map(([name]) => name),
          },
        });
        return environment;
      });
    },

    update(caller, environmentId, patch) {
      return transaction(async (tx) => {
        const environment = await tx.environments.update(caller.organisationId, environmentId, patch);
        if (!environment) throw new NotFoundError('environment');
        await recordAudit(tx.audit, caller, {
          action: 'environment.updated',
          target: { type: 'environment', id: environmentId },
          // Variable names, not values: they may hold hosts or account ids someone pasted in.
          data: {
            ...(patch.name === undefined ? {} : { name: environment.name }),
            ...(patch.variables === undefined ? {} : { variables: Object.keys(environment.variables) }),
          },
        });
        return environment;
      });
    },

    delete(caller, environmentId) {
      return transaction(async (tx) => {
        const environment = await tx.environments.get(caller.organisationId, environmentId);
        if (!environment || !(await tx.environments.delete(caller.organisationId, environmentId))) {
          throw new NotFoundError('environment');
        }
        await recordAudit(tx.audit, caller, {
          action: 'environment.deleted',
          target: { type: 'environment', id: environmentId },
          data: { projectId: environment.projectId, name: environment.name },
        });
      });
    },

    async listSecrets(organisationId, environmentId) {
      await requireEnvironment(organisationId, environmentId);
      return stores.environments.listSecretNames(organisationId, environmentId);
    },

    async putSecret(caller, environmentId, name, value) {
      checkSecrets([[name, value]], 'body');
      return transaction(async (tx) => {
        if (!(await tx.environments.get(caller.organisationId, environmentId))) {
          throw new NotFoundError('environment');
        }
        const existing = await tx.environments.listSecretNames(caller.organisationId, environmentId);
        const created = !existing.some((secret) => secret.name === name);
        if (created && existing.length >= MAX_SECRETS_PER_ENVIRONMENT) {
          throw new UnprocessableError(
            [
              {
                path: 'params.name',
                message: `the environment already has ${existing.length} secrets, the most it may hold`,
                code: 'too_many',
              },
            ],
            { code: 'too_many_secrets' },
          );
        }
        const context = { organisationId: caller.organisationId, environmentId, name };
        await tx.environments.putSecret(caller.organisationId, environmentId, {
          name,
          ...cipher.encrypt(value, context),
        });
        await recordAudit(tx.audit, caller, {
          action: created ? 'environment.secret_created' : 'environment.secret_updated',
          target: { type: 'environment', id: environmentId },
          data: { secret: name, keyId: cipher.keyId },
        });
        return { created };
      });
    },

    deleteSecret(caller, environmentId, name) {
      return transaction(async (tx) => {
        if (!(await tx.environments.get(caller.organisationId, environmentId))) {
          throw new NotFoundError('environment');
        }
        if (!(await tx.environments.deleteSecret(caller.organisationId, environmentId, name))) {
          throw new NotFoundError('secret');
        }
        await recordAudit(tx.audit, caller, {
          action: 'environment.secret_deleted',
          target: { type: 'environment', id: environmentId },
          data: { secret: name },
        });
      });
    },

    async resolveEnvironmentForRun(organisationId, environmentId) {
      const environment = await requireEnvironment(organisationId, environmentId);
      const secrets: Record<string, string> = {};
      for (const secret of await stores.environments.getSecrets(organisationId, environmentId)) {
        secrets[secret.name] = cipher.decrypt(secret, { organisationId, environmentId, name: secret.name });
      }
      return { variables: environment.variables, secrets };
    },
  };
}

function checkSecrets(secrets: [string, string][], path: string): void {
  const problems = [];
  if (secrets.length > MAX_SECRETS_PER_ENVIRONMENT) {
    problems.push({
      path,
      message: `has ${secrets.length} secrets; an environment holds at most ${MAX_SECRETS_PER_ENVIRONMENT}`,
      code: 'too_many',
    });
  }
  for (const [name, value] of secrets) {
    const where = path === 'body' ? 'params.name' : `${path}.${name}`;
    if (!SECRET_NAME.test(name)) {
      problems.push({
        path: where,
        message: 'a secret name is 1 to 128 letters, digits, underscores or hyphens',
        code: 'invalid_name',
      });
    }
    if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) {
      problems.push({
        path: path === 'body' ? 'body.value' : where,
        message: `is longer than ${MAX_SECRET_BYTES} bytes`,
        code: 'too_large',
      });
    }
  }
  if (problems.length > 0) throw new UnprocessableError(problems, { code: 'invalid_secret' });
}
