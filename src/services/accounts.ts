/**
 * The first account. On first start with an empty database the owner comes from ASSAY_ADMIN_EMAIL and
 * ASSAY_ADMIN_PASSWORD; without them, a one-time setup token (24 h, stored hashed) is issued and
 * whoever presents it to `POST /api/v1/setup` creates the owner and the organisation. Both paths run in
 * one transaction that re-checks the database is still empty, so two replicas cannot both create one.
 */
import type { Clock } from '../platform/clock.ts';
import { ConflictError, UnauthorizedError } from '../platform/errors.ts';
import type { Organisation } from '../ports/organisation-store.ts';
import type { SetupTokenStore } from '../ports/setup-token-store.ts';
import type { Stores, TransactionRunner } from '../ports/stores.ts';
import type { User, UserStore } from '../ports/user-store.ts';
import { hashPassword } from './passwords.ts';
import { hashToken, randomToken } from './sessions.ts';

export const SETUP_TOKEN_TTL_MS = 24 * 3_600_000;

export type BootstrapOutcome =
  | { kind: 'exists' }
  | { kind: 'owner_created'; email: string }
  | { kind: 'setup_required'; token: string; expiresAt: Date };

export interface BootstrapDeps {
  users: UserStore;
  setupTokens: SetupTokenStore;
  transaction: TransactionRunner;
  clock: Clock;
}

export async function bootstrapOwner(
  deps: BootstrapDeps,
  options: { admin: { email: string; password: string } | null },
): Promise<BootstrapOutcome> {
  if ((await deps.users.count()) > 0) return { kind: 'exists' };
  if (options.admin) {
    const { email, password } = options.admin;
    const passwordHash = await hashPassword(password);
    const created = await deps.transaction(async (stores) => {
      if ((await stores.users.count()) > 0) return false;
      await createOwner(stores, { email, name: '', passwordHash, organisationName: 'Default' });
      return true;
    });
    return created ? { kind: 'owner_created', email } : { kind: 'exists' };
  }
  // A new token at every start while nobody has set up: the previous link may have been lost with its log.
  const token = randomToken();
  const expiresAt = new Date(deps.clock.now().getTime() + SETUP_TOKEN_TTL_MS);
  await deps.setupTokens.create({ tokenHash: hashToken(token), expiresAt });
  return { kind: 'setup_required', token, expiresAt };
}

export async function setupRequired(deps: { users: UserStore }): Promise<boolean> {
  return (await deps.users.count()) === 0;
}

export async function completeSetup(
  deps: { transaction: TransactionRunner; clock: Clock },
  input: {
    token: string;
    email: string;
    name: string;
    password: string;
    organisationName: string;
    ip: string | null;
  },
): Promise<{ user: User; organisation: Organisation }> {
  const passwordHash = await hashPassword(input.password);
  return deps.transaction(async (stores) => {
    if ((await stores.users.count()) > 0) {
      throw new ConflictError('setup is already complete; sign in instead', 'setup_complete');
    }
    if (!(await stores.setupTokens.consume(hashToken(input.token), deps.clock.now()))) {
      throw new UnauthorizedError(
        'the setup link is invalid, used or expired; restart the server for a new one',
      );
    }
    const created = await createOwner(stores, {
      email: input.email,
      name: input.name,
      passwordHash,
      organisationName: input.organisationName,
    });
    await stores.audit.append({
      organisationId: created.organisation.id,
      actor: { type: 'user', id: created.user.id },
      action: 'setup.completed',
      target: { type: 'organisation', id: created.organisation.id },
      data: { email: created.user.email },
      ip: input.ip,
    });
    return created;
  });
}

async function createOwner(
  stores: Stores,
  input: { email: string; name: string; passwordHash: string; organisationName: string },
): Promise<{ user: User; organisation: Organisation }> {
  const user = await stores.users.create({
    email: input.email,
    name: input.name,
    passwordHash: input.passwordHash,
  });
  const organisation = await stores.organisations.create({
    name: input.organisationName,
    slug: slugify(input.organisationName),
  });
  await stores.organisations.setMember({ organisationId: organisation.id, userId: user.id, role: 'owner' });
  return { user, organisation };
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug || 'organisation';
}
