/**
 * API keys: machines authenticate with them (`Authorization: Bearer assay_…`). The key is shown once,
 * at creation; only its hash is stored. Creation, changes, rotation and revocation are audited;
 * revocation takes effect on the next request on every API process, because every request reads the
 * key from the store (a cached copy, if the store is cached, is invalidated by revoke and update).
 *
 * A key may carry an IP allowlist and may require signed requests: its signing secret is generated at
 * creation, shown once, and stored encrypted (`signing.ts`). Rotation issues a new key with the same
 * settings and lets the old one work until the overlap ends.
 */

import type { Clock } from '../platform/clock.ts';
import { ConflictError, NotFoundError, UnauthorizedError } from '../platform/errors.ts';
import type { ApiKey, ApiKeyStore } from '../ports/api-key-store.ts';
import type { AuditLog } from '../ports/audit-log.ts';
import type { Page, PageRequest } from '../ports/pagination.ts';
import type { ApiKeyPrincipal, AuditContext, Scope } from './access.ts';
import { SCOPES } from './access.ts';
import { generateApiKey, hashApiKey, hashesEqual, parseApiKey } from './api-key-format.ts';
import type { SecretCipher } from './secrets-crypto.ts';
import { generateSigningSecret, sealSigningSecret } from './signing.ts';

/** Recording every use would be a write per request; the last use to the minute is what people need. */
const RECORD_USE_EVERY_MS = 60_000;

export interface CreateApiKeyInput {
  name: string;
  scopes: Scope[];
  expiresAt?: Date | null | undefined;
  /** Canonical CIDR ranges (see `ip-allowlist.ts`); empty or absent: any address. */
  ipAllowlist?: string[] | undefined;
  /** Requests made with the key must be signed; a signing secret is generated and returned once. */
  requireSigning?: boolean | undefined;
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The key: shown once, never stored. */
  key: string;
  /** The signing secret when the key requires signed requests: shown once, stored encrypted. */
  signingSecret: string | null;
}

export async function createApiKey(
  deps: { apiKeys: ApiKeyStore; audit: AuditLog; cipher?: SecretCipher },
  context: AuditContext,
  input: CreateApiKeyInput,
  audit: { action: string; data?: Record<string, unknown> } = { action: 'api_key.created' },
): Promise<CreatedApiKey> {
  const generated = generateApiKey();
  const scopes = SCOPES.filter((scope) => input.scopes.includes(scope));
  let signingSecret: string | null = null;
  if (input.requireSigning) {
    if (!deps.cipher) throw new Error('a key that requires signing needs the secret cipher');
    signingSecret = generateSigningSecret();
  }
  const apiKey = await deps.apiKeys.create({
    organisationId: context.organisationId,
    name: input.name,
    prefix: generated.prefix,
    secretHash: generated.hash,
    scopes,
    ipAllowlist: input.ipAllowlist ?? [],
    signingSecret:
      signingSecret && deps.cipher
        ? sealSigningSecret(
            deps.cipher,
            { organisationId: context.organisationId, keyPrefix: generated.prefix },
            signingSecret,
          )
        : null,
    createdBy: context.actor.type === 'user' ? context.actor.id : null,
    expiresAt: input.expiresAt ?? null,
  });
  await deps.audit.append({
    organisationId: context.organisationId,
    actor: context.actor,
    action: audit.action,
    target: { type: 'api_key', id: apiKey.id },
    data: {
      name: apiKey.name,
      prefix: apiKey.prefix,
      scopes,
      ip_allowlist: apiKey.ipAllowlist,
      signed_requests: signingSecret !== null,
      expires_at: apiKey.expiresAt?.toISOString() ?? null,
      ...audit.data,
    },
    ip: context.ip,
  });
  return { apiKey, key: generated.key, signingSecret };
}

export function listApiKeys(
  deps: { apiKeys: ApiKeyStore },
  organisationId: string,
  page: PageRequest,
): Promise<Page<ApiKey>> {
  return deps.apiKeys.list(organisationId, page);
}

export async function getApiKey(
  deps: { apiKeys: ApiKeyStore },
  organisationId: string,
  apiKeyId: string,
): Promise<ApiKey> {
  const apiKey = await deps.apiKeys.get(organisationId, apiKeyId);
  if (!apiKey) throw new NotFoundError('API key');
  return apiKey;
}

/** Revoking twice is harmless: the second call finds the key already revoked and changes nothing. */
export async function revokeApiKey(
  deps: { apiKeys: ApiKeyStore; audit: AuditLog; clock: Clock },
  context: AuditContext,
  apiKeyId: string,
): Promise<ApiKey> {
  const apiKey = await getApiKey(deps, context.organisationId, apiKeyId);
  if (apiKey.revokedAt) return apiKey;
  const at = deps.clock.now();
  await deps.apiKeys.revoke(context.organisationId, apiKeyId, at);
  await deps.audit.append({
    organisationId: context.organisationId,
    actor: context.actor,
    action: 'api_key.revoked',
    target: { type: 'api_key', id: apiKey.id },
    data: { name: apiKey.name, prefix: apiKey.prefix },
    ip: context.ip,
  });
  return { ...apiKey, revokedAt: at };
}

/** Longest overlap a rotation may give the old key. */
export const MAX_ROTATION_OVERLAP_SECONDS = 30 * 86_400;

/**
 * Issues a new key with the old one's name, scopes, allowlist and signing requirement (a new signing
 * secret), and shortens the old key's life to `overlapSeconds` from now, so clients can switch over
 * without an outage. The old key can still be revoked at any time for an immediate end.
 */
export async function rotateApiKey(
  deps: { apiKeys: ApiKeyStore; audit: AuditLog; clock: Clock; cipher?: SecretCipher },
  context: AuditContext,
  apiKeyId: string,
  input: { overlapSeconds: number },
): Promise<CreatedApiKey & { previous: ApiKey }> {
  const old = await getApiKey(deps, context.organisationId, apiKeyId);
  const now = deps.clock.now();
  if (old.revokedAt !== null) throw new ConflictError('the API key is revoked', 'api_key_revoked');
  if (old.expiresAt !== null && old.expiresAt.getTime() <= now.getTime()) {
    throw new ConflictError('the API key has expired', 'api_key_expired');
  }
  const overlapEnds = new Date(now.getTime() + input.overlapSeconds * 1000);
  const created = await createApiKey(
    deps,
    context,
    {
      name: old.name,
      scopes: old.scopes.filter((scope): scope is Scope => (SCOPES as readonly string[]).includes(scope)),
      ipAllowlist: old.ipAllowlist,
      requireSigning: old.signingSecret !== null,
      expiresAt: old.expiresAt,
    },
    { action: 'api_key.created', data: { rotated_from: old.id } },
  );
  const oldEnds =
    old.expiresAt && old.expiresAt.getTime() < overlapEnds.getTime() ? old.expiresAt : overlapEnds;
  const previous = (await deps.apiKeys.update(context.organisationId, old.id, { expiresAt: oldEnds })) ?? old;
  await deps.audit.append({
    organisationId: context.organisationId,
    actor: context.actor,
    action: 'api_key.rotated',
    target: { type: 'api_key', id: old.id },
    data: {
      name: old.name,
      prefix: old.prefix,
      replaced_by: created.apiKey.id,
      old_key_expires_at: oldEnds.toISOString(),
    },
    ip: context.ip,
  });
  return { ...created, previous };
}

/** Renames a key or replaces its IP allowlist (canonical ranges); audited with the before and after. */
export async function updateApiKey(
  deps: { apiKeys: ApiKeyStore; audit: AuditLog },
  context: AuditContext,
  apiKeyId: string,
  patch: { name?: string | undefined; ipAllowlist?: string[] | undefined },
): Promise<ApiKey> {
  const before = await getApiKey(deps, context.organisationId, apiKeyId);
  const change: { name?: string; ipAllowlist?: string[] } = {};
  if (patch.name !== undefined) change.name = patch.name;
  if (patch.ipAllowlist !== undefined) change.ipAllowlist = patch.ipAllowlist;
  const after = await deps.apiKeys.update(context.organisationId, apiKeyId, change);
  if (!after) throw new NotFoundError('API key');
  await deps.audit.append({
    organisationId: context.organisationId,
    actor: context.actor,
    action: 'api_key.updated',
    target: { type: 'api_key', id: before.id },
    data: {
      prefix: before.prefix,
      ...(change.name !== undefined ? { name: { from: before.name, to: after.name } } : {}),
      ...(change.ipAllowlist !== undefined
        ? { ip_allowlist: { from: before.ipAllowlist, to: after.ipAllowlist } }
        : {}),
    },
    ip: context.ip,
  });
  return after;
}

/**
 * The principal of a bearer key. Malformed keys and bad checksums are refused before any lookup; the
 * stored hash is compared in constant time. Every failure reads the same to the caller. `verify` runs
 * on a live key before its use is recorded (IP allowlists, request signatures): a refused request
 * does not count as the key's last use.
 */
export async function authenticateApiKey(
  deps: { apiKeys: ApiKeyStore; clock: Clock },
  key: string,
  ip: string | null,
  verify?: (apiKey: ApiKey) => Promise<void>,
): Promise<ApiKeyPrincipal> {
  const parsed = parseApiKey(key);
  if (!parsed) throw new UnauthorizedError('the API key is malformed (check for a typo or a truncated copy)');
  const apiKey = await deps.apiKeys.findByPrefix(parsed.prefix);
  const now = deps.clock.now();
  if (
    !apiKey ||
    !hashesEqual(apiKey.secretHash, hashApiKey(key)) ||
    apiKey.revokedAt !== null ||
    (apiKey.expiresAt !== null && apiKey.expiresAt.getTime() <= now.getTime())
  ) {
    throw new UnauthorizedError('the API key is unknown, revoked or expired');
  }
  if (verify) await verify(apiKey);
  if (
    !apiKey.lastUsedAt ||
    now.getTime() - apiKey.lastUsedAt.getTime() >= RECORD_USE_EVERY_MS ||
    apiKey.lastUsedIp !== ip
  ) {
    await deps.apiKeys.recordUse(apiKey.id, { at: now, ip });
  }
  return {
    kind: 'api_key',
    organisationId: apiKey.organisationId,
    apiKeyId: apiKey.id,
    userId: apiKey.createdBy,
    scopes: apiKey.scopes.filter((scope): scope is Scope => (SCOPES as readonly string[]).includes(scope)),
  };
}
