import type { Page, PageRequest } from './pagination.ts';

export interface Environment {
  id: string;
  organisationId: string;
  projectId: string;
  name: string;
  variables: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** AES-256-GCM output; encryption happens in a service, the store only keeps bytes. */
export interface EncryptedValue {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  /** Which key encrypted it, so keys can be rotated. */
  keyId: string;
}

export interface EnvironmentSecret extends EncryptedValue {
  name: string;
  updatedAt: Date;
}

export interface EnvironmentStore {
  /** Throws ConflictError(`name_taken`) for a name used in the project. */
  create(input: {
    organisationId: string;
    projectId: string;
    name: string;
    variables?: Record<string, unknown>;
  }): Promise<Environment>;
  get(organisationId: string, environmentId: string): Promise<Environment | null>;
  list(
    organisationId: string,
    filter: { projectId?: string },
    page?: PageRequest,
  ): Promise<Page<Environment>>;
  update(
    organisationId: string,
    environmentId: string,
    patch: { name?: string; variables?: Record<string, unknown> },
  ): Promise<Environment | null>;
  delete(organisationId: string, environmentId: string): Promise<boolean>;

  /** Creates or replaces a secret. Returns false when the environment is not in the organisation. */
  putSecret(
    organisationId: string,
    environmentId: string,
    secret: { name: string } & EncryptedValue,
  ): Promise<boolean>;
  deleteSecret(organisationId: string, environmentId: string, name: string): Promise<boolean>;
  /** Names and dates only: secrets are write-only through the API. */
  listSecretNames(
    organisationId: string,
    environmentId: string,
  ): Promise<{ name: string; updatedAt: Date }[]>;
  /** The encrypted values, for the runner to decrypt just before a run. */
  getSecrets(organisationId: string, environmentId: string): Promise<EnvironmentSecret[]>;
  /** Every environment that holds at least one secret, across organisations (for key rotation). */
  listSecretEnvironments(): Promise<{ organisationId: string; environmentId: string }[]>;
}
