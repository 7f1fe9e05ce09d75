import type { Selectable } from 'kysely';
import { ConflictError } from '../../platform/errors.ts';
import { isId, newId } from '../../platform/ids.ts';
import type { ApiKey, ApiKeyStore } from '../../ports/api-key-store.ts';
import { keyset, mapDbError, olderThan, type StoreDeps, toBuffer, toPage } from './sql-helpers.ts';
import type { ApiKeysTable } from './tables.ts';

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  const { signing_secret_ciphertext: ciphertext, signing_secret_iv: iv, signing_secret_tag: tag } = row;
  return {
    id: row.id,
    organisationId: row.organisation_id,
    name: row.name,
    prefix: row.prefix,
    secretHash: row.secret_hash,
    scopes: row.scopes,
    ipAllowlist: row.ip_allowlist,
    signingSecret:
      ciphertext && iv && tag && row.signing_secret_key_id
        ? {
            ciphertext: toBuffer(ciphertext),
            iv: toBuffer(iv),
            tag: toBuffer(tag),
            keyId: row.signing_secret_key_id,
          }
        : null,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    revokedAt: row.revoked_at,
  };
}

const prefixTaken = () => new ConflictError('an API key with this prefix exists', 'prefix_taken');

export function createApiKeyStore({ db, clock }: StoreDeps): ApiKeyStore {
  return {
    async create(input) {
      const now = clock.now();
      const signing = input.signingSecret;
      try {
        const row = await db
          .insertInto('api_keys')
          .values({
            id: newId(now.getTime()),
            organisation_id: input.organisationId,
            name: input.name,
            prefix: input.prefix,
            secret_hash: input.secretHash,
            scopes: input.scopes,
            ip_allowlist: input.ipAllowlist ?? [],
            signing_secret_ciphertext: signing?.ciphertext ?? null,
            signing_secret_iv: signing?.iv ?? null,
            signing_secret_tag: signing?.tag ?? null,
            signing_secret_key_id: signing?.keyId ?? null,
            created_by: input.createdBy ?? null,
            created_at: now,
            expires_at: input.expiresAt ?? null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toApiKey(row);
      } catch (error) {
        return mapDbError(error, { unique: { api_keys_prefix_key: prefixTaken }, parent: 'organisation' });
      }
    },

    async findByPrefix(prefix) {
      const row = await db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
      return row ? toApiKey(row) : null;
    },

    async get(organisationId, apiKeyId) {
      if (!isId(apiKeyId)) return null;
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('id', '=', apiKeyId)
        .executeTakeFirst();
      return row ? toApiKey(row) : null;
    },

    async list(organisationId, page) {
      const { limit, after } = keyset(page);
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where(olderThan(after))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      return toPage(rows, limit, toApiKey);
    },

    async revoke(organisationId, apiKeyId, at) {
      if (!isId(apiKeyId)) return false;
      const row = await db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('organisation_id', '=', organisationId)
        .where('id', '=', apiKeyId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async update(organisationId, apiKeyId, patch) {
      if (!isId(apiKeyId)) return null;
      const set: { name?: string; ip_allowlist?: string[]; expires_at?: Date | null } = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.ipAllowlist !== undefined) set.ip_allowlist = patch.ipAllowlist;
      if (patch.expiresAt !== undefined) set.expires_at = patch.expiresAt;
      if (Object.keys(set).length === 0) return this.get(organisationId, apiKeyId);
      const row = await db
        .updateTable('api_keys')
        .set(set)
        .where('organisation_id', '=', organisationId)
        .where('id', '=', apiKeyId)
        .returningAll()
        .executeTakeFirst();
      return row ? toApiKey(row) : null;
    },

    async recordUse(apiKeyId, use) {
      await db
        .updateTable('api_keys')
        .set({ last_used_at: use.at, last_used_ip: use.ip })
        .where('id', '=', apiKeyId)
        .execute();
    },
  };
}
