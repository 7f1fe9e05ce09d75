import type { EncryptedValue } from './environment-store.ts';
import type { Page, PageRequest } from './pagination.ts';

export interface ApiKey {
  id: string;
  organisationId: string;
  name: string;
  /** Public part of the key, shown in lists and used to find the key: `ak_1a2b3c4d`. */
  prefix: string;
  /** SHA-256 of the secret part (high-entropy, so a fast hash is enough). */
  secretHash: string;
  scopes: string[];
  /** Addresses or CIDR ranges allowed to use the key; empty means any. */
  ipAllowlist: string[];
  /** For HMAC request signing; absent when the key does not require signed requests. */
  signingSecret: EncryptedValue | null;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
}

export interface ApiKeyStore {
  create(input: {
    organisationId: string;
    name: string;
    prefix: string;
    secretHash: string;
    scopes: string[];
    ipAllowlist?: string[];
    signingSecret?: EncryptedValue | null;
    createdBy?: string | null;
    expiresAt?: Date | null;
  }): Promise<ApiKey>;
  /** Authentication: the organisation is not known before the key is found, so no tenant id here. */
  findByPrefix(prefix: string): Promise<ApiKey | null>;
  get(organisationId: string, apiKeyId: string): Promise<ApiKey | null>;
  list(organisationId: string, page?: PageRequest): Promise<Page<ApiKey>>;
  revoke(organisationId: string, apiKeyId: string, at: Date): Promise<boolean>;
  /** Changes a key's name, IP allowlist or expiry (rotation shortens the old key's life); null when not found. */
  update(
    organisationId: string,
    apiKeyId: string,
    patch: { name?: string; ipAllowlist?: string[]; expiresAt?: Date | null },
  ): Promise<ApiKey | null>;
  recordUse(apiKeyId: string, use: { at: Date; ip: string | null }): Promise<void>;
}
